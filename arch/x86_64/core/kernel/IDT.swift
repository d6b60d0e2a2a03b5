import X86Asm

/// A function that services one interrupt vector. It may change the frame;
/// entry.S restores the registers from it on the way out.
public typealias InterruptHandler = (inout TrapFrame) -> Void

/// The Interrupt Descriptor Table and the table of Swift handlers behind it
/// (Linux: arch/x86/kernel/idt.c and the irq vector table). Every vector enters
/// through the same stub (entry.S) and reaches `do_interrupt`, which looks up
/// the handler the kernel registered for it.
public enum InterruptTable {
    public static let vectorCount = 256
    /// Vectors 0-31 are the CPU's exceptions; devices start here (Linux: FIRST_EXTERNAL_VECTOR).
    public static let firstExternalVector = 32

    private static let stubSize: UInt64 = 16
    nonisolated(unsafe) private static var idt: UnsafeMutablePointer<UInt64>? = nil
    nonisolated(unsafe) private static var handlers: [InterruptHandler?] = []
    nonisolated(unsafe) private static var unhandled: InterruptHandler = { _ in }
    nonisolated(unsafe) fileprivate static var flow: InterruptHandler = { runHandler(&$0) }

    /// Builds the IDT: all 256 gates point at their stubs, as interrupt gates
    /// (IF cleared on entry) for ring 0, with the IST stacks for #DF, NMI and #MC.
    public static func initialize() {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: vectorCount * 2)
        unsafe handlers = Array(repeating: nil, count: vectorCount)
        let stubs = linker_interrupt_stubs()
        for vector in 0..<vectorCount {
            let stack: CPUTables.InterruptStack? =
                switch vector {
                case 2: .nmi
                case 8: .doubleFault
                case 18: .machineCheck
                default: nil
                }
            let target = stubs + UInt64(vector) * stubSize
            let gate: UInt64 = 0x8E  // present, DPL 0, 64-bit interrupt gate
            unsafe table[vector * 2] =
                (target & 0xFFFF) | UInt64(Selector.kernelCode) << 16
                | UInt64(stack?.rawValue ?? 0) << 32 | gate << 40 | ((target >> 16) & 0xFFFF) << 48
            unsafe table[vector * 2 + 1] = target >> 32
        }
        unsafe idt = table
        lidt(UInt64(UInt(bitPattern: table)), UInt16(vectorCount * 16 - 1))
    }

    public static func setHandler(vector: Int, _ handler: @escaping InterruptHandler) {
        unsafe handlers[vector] = handler
    }

    /// Forgets the vector's handler; later interrupts on it are unhandled.
    /// The caller masks the source first.
    public static func removeHandler(vector: Int) { unsafe handlers[vector] = nil }

    /// Installs what runs for vectors without a handler of their own (boot only).
    public static func setUnhandledHandler(_ handler: @escaping InterruptHandler) { unsafe unhandled = handler }

    /// Installs what happens around every handler: the kernel's irq_enter /
    /// irq_exit flow (softirqs and preemption on the way out); boot only.
    public static func setFlow(_ handler: @escaping InterruptHandler) { unsafe flow = handler }

    /// Lets ring 3 raise this vector with `int` (Linux: the int3/into gates use DPL 3).
    public static func allowFromUserMode(vector: Int) {
        guard let table = unsafe idt else { return }
        unsafe table[vector * 2] |= 3 << 45
    }

    /// Runs the handler registered for the frame's vector.
    public static func runHandler(_ frame: inout TrapFrame) {
        let vector = Int(frame.vector)
        if let handler = unsafe handlers[vector] { handler(&frame) } else { unsafe unhandled(&frame) }
    }
}

@c(do_interrupt)
func doInterrupt(_ frame: UnsafeMutableRawPointer) {
    unsafe InterruptTable.flow(&frame.assumingMemoryBound(to: TrapFrame.self).pointee)
}
