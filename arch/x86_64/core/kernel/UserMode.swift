import ABI
import X86Asm

/// A user task's x87/SSE registers (Linux: struct fpu with the FXSAVE
/// layout). The kernel is built without SSE and never touches them, so they
/// stay live in the CPU until the scheduler switches to another user task.
@safe public final class FPUState {
    private let area: UnsafeMutableRawPointer
    private static let size = 512

    /// The state a new program starts with: x87 control word 0x37F, MXCSR 0x1F80 (Linux: fpstate_init).
    public init() {
        unsafe area = .allocate(byteCount: FPUState.size, alignment: 16)
        unsafe area.initializeMemory(as: UInt8.self, repeating: 0, count: FPUState.size)
        unsafe area.storeBytes(of: UInt16(0x037F), toByteOffset: 0, as: UInt16.self)
        unsafe area.storeBytes(of: UInt32(0x1F80), toByteOffset: 24, as: UInt32.self)
    }

    deinit { unsafe area.deallocate() }

    /// A copy of another task's state, for fork.
    public init(copying other: FPUState) {
        unsafe area = .allocate(byteCount: FPUState.size, alignment: 16)
        unsafe area.copyMemory(from: other.area, byteCount: FPUState.size)
    }

    public func save() { unsafe fxsave(area) }
    public func restore() { unsafe fxrstor(area) }

    /// The running task's live registers, for a signal frame. Called by the
    /// task that owns them, so they are in the CPU.
    public func snapshot() -> FPState {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        save()
        var state = unsafe area.load(as: FPState.self)
        CPU.restoreInterrupts(interruptsWereOn)
        // FXSAVE leaves the last 48 bytes alone; a frame without XSAVE has them zero.
        state.sw_reserved = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return state
    }

    /// The running task's registers as the 512-byte FXSAVE image, which is
    /// what a core dump's NT_PRFPREG holds (Linux: struct user_i387_struct).
    public func image() -> [UInt8] {
        let state = snapshot()
        return unsafe withUnsafeBytes(of: state) { unsafe Array($0) }
    }

    /// Makes `state` the running task's live registers (rt_sigreturn).
    /// MXCSR bits the CPU does not support would make FXRSTOR fault in the
    /// kernel, so they are cleared (Linux: mxcsr_feature_mask).
    public func load(_ state: FPState) {
        var state = state
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        save()
        let supported = unsafe area.load(fromByteOffset: 28, as: UInt32.self)
        state.mxcsr &= supported == 0 ? 0xFFBF : supported
        state.mxcsr_mask = supported
        unsafe area.storeBytes(of: state, as: FPState.self)
        restore()
        CPU.restoreInterrupts(interruptsWereOn)
    }

    /// Fresh registers for a signal handler (Linux: fpu__clear_user_states).
    public func reset() {
        var state = FPState()
        state.cwd = 0x037F
        state.mxcsr = 0x1F80
        load(state)
    }
}

/// Entering ring 3 (Linux: start_thread plus the return-to-user path).
public enum UserMode {
    /// Starts user code at `rip` with stack `rsp`, all other registers zero,
    /// interrupts on. The frame is built at the top of the kernel stack, where
    /// system calls and interrupts from this task will build theirs.
    public static func enter(rip: UInt64, rsp: UInt64, kernelStackTop: UInt64) -> Never {
        PerCPUArea.setKernelStack(top: kernelStackTop)
        let frameSize = MemoryLayout<TrapFrame>.size
        let frame = unsafe UnsafeMutablePointer<TrapFrame>(bitPattern: UInt(kernelStackTop) - UInt(frameSize))!
        unsafe frame.initialize(to: .userEntry(rip: rip, rsp: rsp))
        unsafe return_to_user_mode(frame)
    }
}
