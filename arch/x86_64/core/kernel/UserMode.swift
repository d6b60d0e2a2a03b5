import ABI
import X86Asm

/// A user task's x87/SSE registers (Linux: struct fpu with the FXSAVE
/// layout). The kernel is built without SSE and never touches them, so they
/// stay live in the CPU until the scheduler switches to another user task.
@safe public final class FPUState {
    private let area: UnsafeMutableRawPointer
    private static let size = 512
    /// Where FXSAVE's image ends: it leaves the last 48 bytes (sw_reserved) alone.
    private static let savedSize = 464

    /// The state a new program starts with (Linux: fpstate_init).
    public init() {
        unsafe area = .allocate(byteCount: FPUState.size, alignment: 16)
        unsafe area.copyMemory(from: FPUState.initialImage, byteCount: FPUState.size)
    }

    deinit { unsafe area.deallocate() }

    /// A copy of another task's state, for fork.
    public init(copying other: FPUState) {
        unsafe area = .allocate(byteCount: FPUState.size, alignment: 16)
        unsafe area.copyMemory(from: other.area, byteCount: FPUState.size)
    }

    public func save() { unsafe fxsave(area) }
    public func restore() { unsafe fxrstor(area) }

    /// Saves the running task's live registers, which only the task that
    /// owns them may ask for, since they are in the CPU. A frame without
    /// XSAVE has the bytes FXSAVE leaves alone zero.
    private func saveLive() {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        save()
        CPU.restoreInterrupts(interruptsWereOn)
        unsafe (area + FPUState.savedSize).initializeMemory(
            as: UInt8.self, repeating: 0, count: FPUState.size - FPUState.savedSize)
    }

    /// The running task's registers, straight into a signal frame's FXSAVE
    /// image at `frame` in user memory (Linux: copy_fpstate_to_sigframe).
    public func save(to frame: UserPointer<FPState>) throws(Errno) {
        saveLive()
        let left = unsafe UserAccess.copy(toUser: true, user: frame.address, kernel: area, count: UInt64(FPUState.size))
        guard left == 0 else { throw .EFAULT }
    }

    /// The running task's registers as the 512-byte FXSAVE image, which is
    /// what a core dump's NT_PRFPREG holds (Linux: struct user_i387_struct).
    public func image() -> [UInt8] {
        saveLive()
        return unsafe Array(UnsafeRawBufferPointer(start: area, count: FPUState.size))
    }

    /// Makes the FXSAVE image at `frame` in user memory the running task's
    /// live registers (rt_sigreturn; Linux: restore_fpregs_from_user). MXCSR
    /// bits the CPU does not support would make FXRSTOR fault in the
    /// kernel, so they are cleared. FXRSTOR loads from the copy on the
    /// stack: the task's own area is only where a switch saves the registers.
    public func load(from frame: UserPointer<FPState>) throws(Errno) {
        try unsafe withUnsafeTemporaryAllocation(byteCount: FPUState.size, alignment: 16) {
            (image) throws(Errno) in
            let copy = image.baseAddress!
            let left = unsafe UserAccess.copy(
                toUser: false, user: frame.address, kernel: copy, count: UInt64(FPUState.size))
            guard left == 0 else { throw .EFAULT }
            let mxcsr = unsafe copy.load(fromByteOffset: FPUState.mxcsrOffset, as: UInt32.self)
            unsafe copy.storeBytes(
                of: mxcsr & FPUState.mxcsrFeatureMask, toByteOffset: FPUState.mxcsrOffset, as: UInt32.self)
            unsafe fxrstor(copy)
        }
    }

    /// Fresh registers for a signal handler (Linux: fpu__clear_user_states,
    /// which loads init_fpstate).
    public func reset() { unsafe fxrstor(FPUState.initialImage) }

    private static let mxcsrOffset = 24

    /// x87 control word 0x37F, MXCSR 0x1F80, every register zero (Linux:
    /// init_fpstate). Never written after it is built.
    nonisolated(unsafe) private static let initialImage: UnsafeMutableRawPointer = {
        let image = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        unsafe image.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        unsafe image.storeBytes(of: UInt16(0x037F), toByteOffset: 0, as: UInt16.self)
        unsafe image.storeBytes(of: UInt32(0x1F80), toByteOffset: mxcsrOffset, as: UInt32.self)
        return unsafe image
    }()

    /// The MXCSR bits this CPU supports, which FXSAVE reports, read once
    /// (Linux: mxcsr_feature_mask, set by fpu__init_system_mxcsr); a zero
    /// there means the default, all but DAZ.
    private static let mxcsrFeatureMask: UInt32 = {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { unsafe scratch.deallocate() }
        unsafe fxsave(scratch)
        let reported = unsafe scratch.load(fromByteOffset: mxcsrOffset + 4, as: UInt32.self)
        return reported == 0 ? 0xFFBF : reported
    }()
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
