import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// The safety net (Linux: oops_end, make_task_dead): a bug the kernel meets
/// while serving a system call oopses, kills only the calling task as
/// SIGSEGV would, taints the kernel (D) and lets the rest go on; a request
/// the kernel heap cannot serve kills its task as the OOM killer would. The
/// harness's `oops-user` run checks the reports; `oops-user-panic` that
/// `panic_on_oops=1` halts instead.
enum OopsRecoveryTests {
    /// Linux's first character major for local and experimental use.
    static let major: UInt32 = 240

    static func run(_ t: inout TestReporter) {
        for (minor, driver) in [(0, BuggyDevice()), (1, GreedyDevice())] as [(UInt32, any FileOperations)] {
            do throws(Errno) {
                try CharDevices.register(major: major, minor: minor, name: "oops-test", driver)
            } catch {
                t.check(error == .EBUSY, "oops: the test device \(minor) registers (error -\(error.rawValue))")
            }
        }
        let program = user_kernel_bug_start_address()..<user_kernel_bug_end_address()
        for attempt in 1...2 {
            pr_info("# selftest: expected report begins")
            let status = UserModeTests.runProgram("user-kbug", program)
            pr_info("# selftest: expected report ends")
            t.check(
                status == WaitStatus.signaled(by: .SIGSEGV, coreDumped: false),
                "oops: a trap in a system call kills only the calling task, with SIGSEGV, \(attempt == 1 ? "once" : "again") (status 0x\(UserModeTests.hexWord(status)))"
            )
        }
        t.check(Taint.isSet(.die), "oops: the kernel is tainted (\(Taint.description))")
        let greedy = UserModeTests.runProgram(
            "user-koom", user_kernel_oom_start_address()..<user_kernel_oom_end_address())
        t.check(
            greedy == WaitStatus.signaled(by: .SIGKILL, coreDumped: false),
            "oops: a system call the kernel heap cannot serve kills its task, with SIGKILL (status 0x\(UserModeTests.hexWord(greedy)))"
        )
        let hello = UserModeTests.runProgram("user-hello", user_hello_start_address()..<user_hello_end_address())
        t.check(
            hello == WaitStatus.exited(code: 42),
            "oops: programs still run afterwards (status 0x\(UserModeTests.hexWord(hello)))")
    }
}

/// A driver with a bug: its read fails a check, which Swift turns into a trap.
final class BuggyDevice: FileOperations {
    /// Not inlined into its protocol witness, so that the oops's RIP names the driver.
    @inline(never)
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        fatalError("oops self-test: a driver's read met a bug")
    }
}

/// A driver that asks Swift's heap for 2 TiB in its read: more than the
/// vmalloc area, so the heap cannot serve it.
final class GreedyDevice: FileOperations {
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        [UInt8](repeating: 0, count: count << 41)
    }
}
