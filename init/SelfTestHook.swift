/// init's way into the in-kernel self-tests (Linux: kunit_run_all_tests).
/// tests/kernel defines it and is linked only into build/apus-test.elf; the
/// link of build/apus.elf points it at `selfTestsNotBuiltIn` below instead
/// (Linux: the CONFIG_KUNIT=n stub), so the kernel proper names no test.
@_silgen_name("apus_selftests_run")
func runSelfTests(selection: String)

/// `apus.selftest=` given to a kernel without self-tests: say so, and boot on.
@_silgen_name("apus_selftests_absent")
public func selfTestsNotBuiltIn(selection: String) {
    pr_warn("apus.selftest=\(selection): self-tests are not built into this kernel (they are in build/apus-test.elf)")
}
