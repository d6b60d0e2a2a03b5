import ABI
import Core
import Lib

/// arch_prctl (Linux: arch/x86/kernel/process_64.c do_arch_prctl_64): the
/// running thread's FS and GS bases, which x86-64 user space uses for
/// thread-local storage.
enum ArchPrctlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.arch_prctl, syscall(archPrctl))  // partial: FS/GS bases; no CPUID faulting, vDSO, AMX or shadow stack
    ]

    /// arch_prctl(code, addr): `addr` is the new base for the SET codes,
    /// where to store the base for the GET codes.
    static func archPrctl(_ codeNumber: Int32, _ address: UserPointer<UInt64>) throws(Errno) -> Int64 {
        // Linux takes the code as an int: the upper half of the register is ignored.
        guard let code = ArchPrctlCode(rawValue: codeNumber) else { throw .EINVAL }
        switch code {
        case .ARCH_SET_FS:
            UserSegmentBases.live.fs = try userBase(address.address)
        case .ARCH_SET_GS:
            UserSegmentBases.live.gs = try userBase(address.address)
        case .ARCH_GET_FS:
            try address.write(UserSegmentBases.live.fs)
        case .ARCH_GET_GS:
            try address.write(UserSegmentBases.live.gs)
        case .ARCH_GET_CPUID:
            // CPUID runs normally: Apus never turns CPUID faulting on.
            return 1
        case .ARCH_SET_CPUID:
            // Linux's answer on a CPU without CPUID faulting, which Apus does not use.
            throw .ENODEV
        }
        return 0
    }

    /// A base must be a user address: anything from TASK_SIZE up (the
    /// kernel, or non-canonical values the MSR write would fault on) is EPERM.
    private static func userBase(_ address: UInt64) throws(Errno) -> UInt64 {
        guard address < MemoryLayout64.taskSize else { throw .EPERM }
        return address
    }
}
