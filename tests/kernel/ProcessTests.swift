import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// Processes and threads end to end, from ring 3 (user_thread_programs.S):
/// clone'd threads with futex joins, group exits and fatal signals seen
/// through wait4 and waitid, vfork, and the identity, clock and limit calls.
enum ProcessTests {
    static func run(_ t: inout TestReporter) {
        let before = PageAllocator.freePages
        let threads = UserModeTests.runProgram(
            "user-threads", user_threads_start_address()..<user_threads_end_address())
        t.check(
            threads == WaitStatus.exited(code: 42),
            "process: two clone'd threads share memory and the pid, join through CLONE_CHILD_CLEARTID and futex; futex EAGAIN/ETIMEDOUT/EINVAL; a robust lock held at exit is owner-died (status 0x\(UserModeTests.hexWord(threads)))"
        )
        let groupExit = UserModeTests.runProgram(
            "user-groupexit", user_group_exit_start_address()..<user_group_exit_end_address())
        t.check(
            groupExit == WaitStatus.exited(code: 42),
            "process: exit_group from a thread ends its sleeping siblings; a blocked SIGTERM kills when unblocked (waitid WNOWAIT, wait4); SIGKILL ends a spinning process; SIGPIPE by default (status 0x\(UserModeTests.hexWord(groupExit)))"
        )
        let vfork = UserModeTests.runProgram("user-vfork", user_vfork_start_address()..<user_vfork_end_address())
        t.check(
            vfork == WaitStatus.exited(code: 42),
            "process: vfork shares memory and the parent sleeps until the child exits (status 0x\(UserModeTests.hexWord(vfork)))"
        )
        let identity = UserModeTests.runProgram(
            "user-identity", user_identity_start_address()..<user_identity_end_address())
        t.check(
            identity == WaitStatus.exited(code: 42),
            "process: uname, set*uid rules, groups, rlimits (NOFILE bounds dup2), clocks, affinity, prctl name, sigaction/sigprocmask rules, setsid, nice, sysinfo (status 0x\(UserModeTests.hexWord(identity)))"
        )
        UserModeTests.checkPagesReturned(
            &t, before: before, "process: exited threads and processes gave back every page")
    }
}
