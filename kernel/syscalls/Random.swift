import ABI
import Core
import Lib

/// getrandom(2) (Linux: drivers/char/random.c).
enum RandomSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getrandom, syscall(getrandom))  // partial: TSC-seeded generator until an entropy pool exists
    ]

    /// Linux hands out at most 32 MiB - 1 per call (MAX_RW_COUNT is larger; random.c caps here).
    static let maximumPerCall = (32 << 20) - 1

    static func getrandom(
        _ buffer: UserPointer<UInt8>, _ length: UInt64,
        _ flagsArgument: ZeroExtended<GetrandomFlags>
    ) throws(Errno) -> Int64 {
        let flags = try flagsArgument.value()
        guard flags.subtracting([.GRND_NONBLOCK, .GRND_RANDOM, .GRND_INSECURE]).isEmpty,
            !flags.isSuperset(of: [.GRND_RANDOM, .GRND_INSECURE])
        else { throw .EINVAL }
        let count = Int(min(length, UInt64(maximumPerCall)))
        try buffer.write(Entropy.bytes(count))
        return Int64(count)
    }
}
