import X86Asm

/// Random bytes for the Swift runtime's hash seeds (Dictionary, Set), which it
/// asks for through arc4random_buf. RDRAND when the CPU has it (QEMU's default
/// CPU does not), otherwise the TSC stirred through SplitMix64 — unpredictable
/// enough for hash seeding, not for cryptography; the kernel's entropy pool
/// (Linux: drivers/char/random.c) will replace this.
@c(arc4random_buf)
func arc4randomBuffer(_ buffer: UnsafeMutableRawPointer, _ count: Int) {
    for index in 0..<count {
        unsafe buffer.storeBytes(of: UInt8(truncatingIfNeeded: EarlyRandom.next()), toByteOffset: index, as: UInt8.self)
    }
}

enum EarlyRandom {
    nonisolated(unsafe) private static var state: UInt64 = 0

    static func next() -> UInt64 {
        unsafe state = state &+ rdtsc() &+ 0x9E37_79B9_7F4A_7C15
        var mixed = unsafe state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Random bytes for the kernel (getrandom(2) for now; Linux: get_random_bytes).
public enum Entropy {
    public static func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = EarlyRandom.next()
            for _ in 0..<min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }
}
