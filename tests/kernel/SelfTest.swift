import Core
import Kernel
import Lib

/// In-kernel self-tests, chosen with `apus.selftest=NAME[,NAME...]|all` and
/// reported as TAP on the console (docs/testing-protocol.md). Each test is a
/// function that records results through a `TestReporter`.
public struct TestReporter {
    public private(set) var passed = 0
    public private(set) var failed = 0

    /// One TAP result line.
    public mutating func check(_ condition: Bool, _ description: String) {
        let number = passed + failed + 1
        if condition { passed += 1 } else { failed += 1 }
        pr_info("\(condition ? "ok" : "not ok") \(number) - \(description)")
    }
}

public enum SelfTests {
    public typealias Test = @Sendable (inout TestReporter) -> Void

    /// Every test, in the order `all` runs them. The oops tests are not part of `all`: they end the boot.
    static let registry: [(name: String, run: Test)] = [
        ("buddy", PageAllocatorTests.stress),
        ("slab", SlabTests.stress),
        ("memops", MemoryPrimitiveTests.run),
        ("vmalloc", VmallocTests.run),
        ("paging", PagingTests.run),
        ("hardening", HardeningTests.run),
        ("timer", TimerTests.run),
        ("initrd", InitrdTests.run),
        ("kthread", SchedulerTests.kthreads),
        ("cfs", SchedulerTests.fairness),
        ("wakeup", SchedulerTests.wakeupLatency),
        ("rt", SchedulerTests.realTime),
        ("mutex", LockingTests.mutex),
        ("locks", LockingTests.semaphores),
        ("waitqueue", LockingTests.producerConsumer),
        ("rcu", LockingTests.rcu),
        ("sleep", DeferredWorkTests.sleeping),
        ("deferred", DeferredWorkTests.deferred),
        ("vfs", VFSTests.run),
        ("initramfs_corpus", InitramfsCorpusTests.run),
        ("mremap", AddressSpaceTests.run),
        ("files", FileTests.run),
        ("proc", ProcTests.run),
        ("pci", PCITests.run),
        ("user", UserModeTests.run),
        ("process", ProcessTests.run),
        ("exec", ExecTests.run),
        ("modules", ModuleTests.run),
        ("oops_user", OopsRecoveryTests.run),
        ("sched", SchedulerTests.dump),
    ]
    /// Tests that read what the harness types on the serial line; not in
    /// `all`, whose runs have no input.
    static let interactive: [(name: String, run: Test)] = [
        ("console", ConsoleTests.run)
    ]

    /// Runs the requested tests, prints the TAP plan and summary, and powers off
    /// with status 0 when all passed, 1 otherwise.
    public static func run(selection: String) -> Never {
        if selection == "oops" { OopsTest.trigger() }
        if selection == "oops-smap" { OopsTest.triggerSMAP() }
        if selection == "oops-stack" { OopsTest.triggerStackOverflow() }
        if selection == "oops-canary" { OopsTest.triggerCanary() }
        let names = selection == "all" ? registry.map { $0.name } : selection.split(separator: ",").map(String.init)
        var reporter = TestReporter()
        pr_info("TAP version 13")
        for name in names {
            if let test = (registry + interactive).first(where: { $0.name == name }) {
                test.run(&reporter)
            } else {
                reporter.check(false, "\(name): no such self-test")
            }
        }
        pr_info("1..\(reporter.passed + reporter.failed)")
        pr_info("# selftest: \(reporter.passed) passed, \(reporter.failed) failed")
        Machine.powerOff(code: reporter.failed == 0 ? 0 : 1)
    }
}

/// init's self-test hook (init/SelfTestHook.swift), defined only in this
/// module: linking it is what makes build/apus-test.elf a test image.
@_silgen_name("apus_selftests_run")
public func runSelfTests(selection: String) { SelfTests.run(selection: selection) }

/// A small deterministic generator for stress tests (xorshift64*).
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
