import Core
import Kernel
import Lib
import UserTestPrograms

enum TimerTests {
    static func run(_ t: inout TestReporter) {
        let startJiffies = Jiffies.value
        let startNanoseconds = Clock.nanosecondsSinceBoot()
        // 100 ms of wall time by the TSC clock, with interrupts on so ticks arrive.
        while Clock.nanosecondsSinceBoot() - startNanoseconds < 100_000_000 { CPU.idle() }
        let ticks = Jiffies.value - startJiffies
        let expected = Jiffies.hz / 10
        t.check(
            ticks > 0, "timer: jiffies advance (\(ticks) ticks in 100 ms, \(expected) expected at HZ=\(Jiffies.hz))")
        let later = Clock.nanosecondsSinceBoot()
        t.check(later > startNanoseconds, "timer: the TSC clock is monotonic")
    }
}

enum InitrdTests {
    /// Recomputes the initrd's checksum after the allocator stress tests: the
    /// allocators must never have handed out its pages.
    static func run(_ t: inout TestReporter) {
        guard let initrd = Initrd.location else {
            t.check(true, "initrd: none given, nothing to check")
            return
        }
        let now = PhysicalMemory.adler32(at: initrd.start, count: Int(initrd.size))
        t.check(now == Initrd.bootChecksum, "initrd: still intact (adler32 0x\(hex(UInt64(now), width: 8)))")
    }
}

enum OopsTest {
    /// Writes through a pointer into unmapped memory: the page-fault handler must oops.
    @inline(never)
    static func trigger() -> Never {
        pr_info("selftest oops: writing to an unmapped address")
        _ = KernelMemory.storeFaulting(0x0BAD, VirtAddr(0x0000_0BAD_BEEF_0000))
        panic("selftest oops: the write did not fault")
    }

    /// Reads a mapped user page with a plain load, outside the copy
    /// routines: with SMAP on, the page-fault handler must oops.
    @inline(never)
    static func triggerSMAP() -> Never {
        pr_info("selftest oops: reading a user page outside the copy routines (SMAP)")
        guard CPU.isEnabled(CPU.CR4.smap), HardeningTests.mapUserPage() != nil else {
            panic("selftest oops: SMAP is off or no user page could be mapped")
        }
        let value = KernelMemory.load(HardeningTests.userPage)
        panic("selftest oops: the read did not fault (it read \(hex(value)))")
    }

    /// Overwrites a stack canary: the function's epilogue must panic
    /// naming it instead of returning.
    static func triggerCanary() -> Never {
        pr_info("selftest oops: overwriting a stack canary")
        canary_smash()
        panic("selftest oops: the overwritten canary went unnoticed")
    }

    /// Runs a kernel thread into the guard page below its stack: the
    /// double fault must report the overflow and name the thread.
    static func triggerStackOverflow() -> Never {
        pr_info("selftest oops: overflowing a kernel thread's stack")
        let thread = KThreads.run(name: "stack-overflow") { Int32(truncatingIfNeeded: recurse(1)) }
        thread.exited.wait()
        panic("selftest oops: the recursion ended without a fault")
    }

    /// Recursion the compiler cannot turn into a loop: each level's result
    /// feeds a multiplication after the call, and the end never comes.
    @inline(never)
    static func recurse(_ depth: UInt64) -> UInt64 {
        guard depth != 0 else { return 0 }
        return recurse(depth &+ 1) &* 3 &+ depth
    }
}
