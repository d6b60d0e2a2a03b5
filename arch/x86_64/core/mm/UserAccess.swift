import ABI
import X86Asm

/// The only way the kernel touches user memory (Linux: copy_from_user,
/// copy_to_user, strncpy_from_user, access_ok). A pointer from user space is
/// checked to lie below TASK_SIZE, then copied by routines whose faults are
/// caught through the exception table (usercopy.S), so an unmapped or
/// protected address becomes EFAULT rather than a kernel crash.
public enum UserAccess {
    /// Linux's access_ok: the whole range in user space, without wrapping.
    public static func isUserRange(_ address: UInt64, count: Int) -> Bool {
        let (end, overflow) = address.addingReportingOverflow(UInt64(count))
        return !overflow && end <= MemoryLayout64.taskSize
    }

    public static func copyFromUser(_ address: UInt64, count: Int) throws(Errno) -> [UInt8] {
        guard count >= 0, isUserRange(address, count: count) else { throw .EFAULT }
        var bytes = [UInt8](repeating: 0, count: count)
        let left = bytes.withUnsafeMutableBytes { buffer in
            copy_user_raw(buffer.baseAddress, UnsafeRawPointer(bitPattern: UInt(address)), UInt64(count))
        }
        guard left == 0 else { throw .EFAULT }
        return bytes
    }

    public static func copyToUser(_ address: UInt64, _ bytes: [UInt8]) throws(Errno) {
        guard isUserRange(address, count: bytes.count) else { throw .EFAULT }
        let left = bytes.withUnsafeBytes { buffer in
            copy_user_raw(UnsafeMutableRawPointer(bitPattern: UInt(address)), buffer.baseAddress, UInt64(bytes.count))
        }
        guard left == 0 else { throw .EFAULT }
    }

    /// One integer to user memory, little-endian as x86-64 stores it
    /// (Linux: put_user).
    public static func putUser<T: FixedWidthInteger>(_ value: T, at address: UInt64) throws(Errno) {
        var bytes = [UInt8](repeating: 0, count: T.bitWidth / 8)
        bytes.storeLittleEndian(value, at: 0)
        try copyToUser(address, bytes)
    }

    /// One integer from user memory (Linux: get_user).
    public static func getUser<T: FixedWidthInteger>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        try copyFromUser(address, count: T.bitWidth / 8).loadLittleEndian(T.self, at: 0)
    }

    /// A structure to user memory, laid out as its C counterpart.
    public static func copyToUser<T: ByteLayout>(_ address: UInt64, _ value: T) throws(Errno) {
        try copyToUser(address, value.bytes())
    }

    /// A structure from user memory.
    public static func copyFromUser<T: ByteLayoutDecodable>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        T(from: try copyFromUser(address, count: T.size), at: 0)
    }

    /// A NUL-terminated string of at most `limit` bytes, without the NUL;
    /// ENAMETOOLONG when no NUL comes within the limit (Linux's getname rules).
    public static func stringFromUser(_ address: UInt64, limit: Int) throws(Errno) -> [UInt8] {
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
