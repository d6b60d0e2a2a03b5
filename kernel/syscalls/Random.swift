import ABI
import Core

/// getrandom(2) (Linux: drivers/char/random.c).
enum RandomSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getrandom, getrandom),  // partial: TSC-seeded generator until an entropy pool exists
    ]

    /// Linux hands out at most 32 MiB - 1 per call (MAX_RW_COUNT is larger; random.c caps here).
    static let maximumPerCall = (32 << 20) - 1

    static func getrandom(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = GetrandomFlags(rawValue: UInt32(truncatingIfNeeded: arguments.a2))
        guard arguments.a2 >> 32 == 0, flags.subtracting([.GRND_NONBLOCK, .GRND_RANDOM, .GRND_INSECURE]).isEmpty,
              !flags.isSuperset(of: [.GRND_RANDOM, .GRND_INSECURE]) else { throw .EINVAL }
        let count = Int(min(arguments.a1, UInt64(maximumPerCall)))
        try UserAccess.copyToUser(arguments.a0, Entropy.bytes(count))
        return Int64(count)
    }
}
