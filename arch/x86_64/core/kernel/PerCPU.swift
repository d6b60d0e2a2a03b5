/// A variable with one instance per CPU (Linux: DEFINE_PER_CPU and
/// this_cpu_ptr). Code reaches the running CPU's instance only; it needs no
/// lock because no other CPU touches it, but the caller must stay on the CPU
/// while it works on it (interrupts or preemption off, or code that only
/// this CPU runs). One CPU runs today, so there is one instance; SMP changes
/// this type and `CPU.current`, not its users.
public struct PerCPU<Value>: ~Copyable, Sendable {
    private let instances: SharedCell<InlineArray<1, Value>>

    public init(_ initial: Value) { instances = SharedCell(InlineArray(repeating: initial)) }

    public borrowing func withCurrent<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try unsafe body(&instances.pointer.pointee[CPU.current])
    }
}

extension CPU {
    /// The running CPU's number (Linux: smp_processor_id()).
    public static var current: Int { 0 }
}
