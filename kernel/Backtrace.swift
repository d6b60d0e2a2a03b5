import Core

/// Prints a call trace from a frame pointer (Linux: dump_stack, show_stack in
/// arch/x86/kernel/dumpstack.c), symbolized through kallsyms, modules'
/// frames named `[module]`. The walk stays inside the kernel stack the
/// frame pointer is on and ends where the chain leaves kernel text (head.S
/// or a new thread's entry).
public enum Backtrace {
    /// Kernel stacks are THREAD_SIZE bytes and THREAD_SIZE-aligned, so the
    /// stack under any kernel address on it is known without a lookup.
    public static let threadSize: UInt64 = 32 * 1024

    public static func dump(framePointer: UInt64) {
        pr_emerg("Call Trace:")
        pr_emerg(" <TASK>")
        let stackBase = framePointer & ~(threadSize - 1)
        let stack = stackBase..<(stackBase + threadSize)
        for address in StackTrace.returnAddresses(framePointer: framePointer, stack: stack)
        where Kallsyms.isText(address) {
            // A return address points after the call; name the call's own byte.
            pr_emerg(" " + Kallsyms.describe(address - 1))
        }
        pr_emerg(" </TASK>")
    }
}
