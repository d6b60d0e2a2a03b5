import ABI
import X86Asm

/// The only code that touches user memory (Linux: copy_from_user,
/// copy_to_user, strncpy_from_user, access_ok). An address from user space
/// is checked to lie below TASK_SIZE, then copied by routines whose faults
/// are caught through the exception table (usercopy.S), so an unmapped or
/// protected address becomes EFAULT rather than a kernel crash. The rest
/// of the kernel reaches these through the typed UserPointer, UserBuffer
/// and UserString; no raw address crosses out of Core.
public enum UserAccess {
    /// Linux's access_ok: the whole range in user space, without wrapping.
    public static func isUserRange(_ address: UInt64, count: Int) -> Bool {
        let (end, overflow) = address.addingReportingOverflow(UInt64(count))
        return !overflow && end <= MemoryLayout64.taskSize
    }

    /// The bytes of `count` elements of `size` bytes, or nil when that
    /// does not fit an Int (user-supplied counts must never trap).
    private static func byteCount(_ count: Int, of size: Int) -> Int? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        return count >= 0 && !overflow ? bytes : nil
    }

    /// `count` integers from user memory, as x86-64 stores them.
    static func copyFromUser<T: FixedWidthInteger>(_ type: T.Type, count: Int, at address: UInt64) throws(Errno) -> [T] {
        guard let size = byteCount(count, of: MemoryLayout<T>.stride), isUserRange(address, count: size) else {
            throw .EFAULT
        }
        var values = [T](repeating: 0, count: count)
        let left = values.withUnsafeMutableBytes { buffer in
            copy_user_raw(buffer.baseAddress, UnsafeRawPointer(bitPattern: UInt(address)), UInt64(size))
        }
        guard left == 0 else { throw .EFAULT }
        return values
    }

    /// Integers to user memory, as x86-64 stores them.
    static func copyToUser<T: FixedWidthInteger>(_ address: UInt64, _ values: [T]) throws(Errno) {
        let size = values.count * MemoryLayout<T>.stride
        guard isUserRange(address, count: size) else { throw .EFAULT }
        let left = values.withUnsafeBytes { buffer in
            copy_user_raw(UnsafeMutableRawPointer(bitPattern: UInt(address)), buffer.baseAddress, UInt64(size))
        }
        guard left == 0 else { throw .EFAULT }
    }

    /// A structure to user memory, laid out as its C counterpart.
    static func copyToUser<T: ByteLayout>(_ address: UInt64, _ value: T) throws(Errno) {
        try copyToUser(address, value.bytes())
    }

    /// A structure from user memory.
    static func copyFromUser<T: ByteLayoutDecodable>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        T(from: try copyFromUser(UInt8.self, count: T.size, at: address), at: 0)
    }

    /// Structures to user memory, each laid out as its C counterpart.
    static func copyToUser<T: ByteLayout>(_ address: UInt64, _ values: [T]) throws(Errno) {
        var bytes = [UInt8](repeating: 0, count: values.count * T.size)
        for (index, value) in values.enumerated() { value.write(into: &bytes, at: index * T.size) }
        try copyToUser(address, bytes)
    }

    /// `count` structures from user memory.
    static func copyFromUser<T: ByteLayoutDecodable>(_ type: T.Type, count: Int, at address: UInt64) throws(Errno) -> [T] {
        guard let size = byteCount(count, of: T.size) else { throw .EFAULT }
        let bytes = try copyFromUser(UInt8.self, count: size, at: address)
        return (0..<count).map { T(from: bytes, at: $0 * T.size) }
    }

    /// A NUL-terminated string of at most `limit` bytes, without the NUL;
    /// ENAMETOOLONG when no NUL comes within the limit (Linux's getname rules).
    static func stringFromUser(_ address: UInt64, limit: Int) throws(Errno) -> [UInt8] {
        guard limit >= 0, limit < Int.max else { throw .EFAULT }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        // Only the part below TASK_SIZE may be read; a string running past it is EFAULT.
        let readable = address < MemoryLayout64.taskSize ? min(UInt64(limit + 1), MemoryLayout64.taskSize - address) : 0
        guard readable > 0 else { throw .EFAULT }
        let length = bytes.withUnsafeMutableBytes { buffer in
            copy_string_from_user_raw(buffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                                      UnsafePointer<CChar>(bitPattern: UInt(address)), readable)
        }
        if length < 0 { throw .EFAULT }
        if length == Int64(readable) { throw readable == UInt64(limit + 1) ? .ENAMETOOLONG : .EFAULT }
        bytes.removeSubrange(Int(length)...)
        return bytes
    }

    /// Where to resume when the instruction at `rip` faulted on a user
    /// address, if it is one of the guarded copies (Linux: fixup_exception).
    public static func fixup(forFaultAt rip: UInt64) -> UInt64? {
        var entry = linker___ex_table_start()
        while entry < linker___ex_table_end() {
            let pair = UnsafePointer<UInt64>(bitPattern: UInt(entry))!
            if pair[0] == rip { return pair[1] }
            entry += 16
        }
        return nil
    }
}
