/// Frame-pointer stack walking (Linux: arch/x86/kernel/unwind_frame.c).
/// Every Swift and assembly function here keeps `push rbp; mov rsp, rbp`, so
/// the saved RBP values form a chain of (previous RBP, return address) pairs.
public enum StackTrace {
    /// Return addresses found by following the RBP chain from `framePointer`,
    /// which must lie inside `stack`. Stops at a zero RBP (head.S clears it), a
    /// frame outside the stack, or a chain that does not move strictly upward,
    /// so a corrupt stack ends the walk instead of faulting during an oops.
    public static func returnAddresses(framePointer: UInt64, stack: Range<UInt64>, limit: Int = 32) -> [UInt64] {
        var addresses: [UInt64] = []
        var frame = framePointer
        while addresses.count < limit, frame & 7 == 0, stack.contains(frame), stack.contains(frame + 15) {
            let record = unsafe UnsafePointer<UInt64>(bitPattern: UInt(frame))!
            let returnAddress = unsafe record[1]
            if returnAddress == 0 { break }
            addresses.append(returnAddress)
            let next = unsafe record[0]
            if next <= frame { break }
            frame = next
        }
        return addresses
    }
}
