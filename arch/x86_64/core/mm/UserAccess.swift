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

    /// A value from user memory, copied straight into it: an integer or an
    /// ABI structure, a C structure from include/uapi/linux whose layout is
    /// Linux's (Linux: get_user, copy_from_user).
    static func copyFromUser<T: BitwiseCopyable>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        unsafe try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { (value) throws(Errno) -> T in
            unsafe try copy(from: address, to: UnsafeMutableRawBufferPointer(value))
            return unsafe value[0]
        }
    }

    /// A value to user memory, straight from its own bytes (Linux: put_user, copy_to_user).
    static func copyToUser<T: BitwiseCopyable>(_ address: UInt64, _ value: T) throws(Errno) {
        // Borrowed, not copied first: a copy of a signal frame is hundreds of bytes.
        unsafe try withUnsafeBytes(of: value) { (bytes) throws(Errno) in unsafe try copy(to: address, from: bytes) }
    }

    /// `count` values from user memory, copied into the new array's storage.
    /// The range is checked before the array is allocated, so a huge count
    /// with a bad address costs nothing.
    static func copyFromUser<T: BitwiseCopyable>(_ type: T.Type, count: Int, at address: UInt64) throws(Errno) -> [T] {
        guard let size = byteCount(count, of: MemoryLayout<T>.stride), isUserRange(address, count: size) else {
            throw .EFAULT
        }
        var failed = false
        let values = unsafe [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Errno) {
                unsafe try copy(from: address, to: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch { failed = true }
        }
        guard !failed else { throw .EFAULT }
        return values
    }

    /// Values to user memory, straight from the array's storage.
    static func copyToUser<T: BitwiseCopyable>(_ address: UInt64, _ values: [T]) throws(Errno) {
        unsafe try values.withUnsafeBytes { bytes in
            Result { () throws(Errno) in unsafe try copy(to: address, from: bytes) }
        }.get()
    }

    /// The guarded copies everything above ends in: the range must lie in
    /// user space, and a fault part-way is EFAULT.
    private static func copy(to address: UInt64, from bytes: UnsafeRawBufferPointer) throws(Errno) {
        guard isUserRange(address, count: bytes.count) else { throw .EFAULT }
        guard bytes.count > 0 else { return }
        let left = unsafe copy_user_raw(
            UnsafeMutableRawPointer(bitPattern: UInt(address)), bytes.baseAddress, UInt64(bytes.count))
        guard left == 0 else { throw .EFAULT }
    }

    private static func copy(from address: UInt64, to bytes: UnsafeMutableRawBufferPointer) throws(Errno) {
        guard isUserRange(address, count: bytes.count) else { throw .EFAULT }
        guard bytes.count > 0 else { return }
        let left = unsafe copy_user_raw(
            bytes.baseAddress, UnsafeRawPointer(bitPattern: UInt(address)), UInt64(bytes.count))
        guard left == 0 else { throw .EFAULT }
    }

    /// Linux's raw copies for a module's copy_to_user (`toUser`) and
    /// copy_from_user: `count` bytes between user memory at `user` and
    /// the kernel memory at `kernel`, which the caller vouches for; the
    /// bytes not copied (all of them outside user space).
    static func copy(toUser: Bool, user: UInt64, kernel: UnsafeMutableRawPointer, count: UInt64) -> UInt64 {
        guard count <= UInt64(Int.max), isUserRange(user, count: Int(count)) else { return count }
        guard count > 0 else { return 0 }
        let userPointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(user))
        return unsafe toUser ? copy_user_raw(userPointer, kernel, count) : copy_user_raw(kernel, userPointer, count)
    }

    /// clear_user: zeroes `count` bytes of user memory; the bytes not zeroed.
    static func clear(_ user: UInt64, count: UInt64) -> UInt64 {
        guard count <= UInt64(Int.max), isUserRange(user, count: Int(count)) else { return count }
        guard count > 0 else { return 0 }
        return unsafe clear_user_raw(UnsafeMutableRawPointer(bitPattern: UInt(user)), count)
    }

    /// strncpy_from_user: the string at `user` copied into the `count`
    /// bytes at `kernel` with its NUL if that fits; its length, `count`
    /// if no NUL came within it, or nil for a fault, or for a string that
    /// runs on past user space, first.
    static func copyString(from user: UInt64, to kernel: UnsafeMutablePointer<CChar>, count: UInt64) -> UInt64? {
        guard count > 0 else { return 0 }
        guard user < MemoryLayout64.taskSize else { return nil }
        let readable = min(count, MemoryLayout64.taskSize - user)
        let length = unsafe copy_string_from_user_raw(kernel, UnsafePointer<CChar>(bitPattern: UInt(user)), readable)
        guard length >= 0, length < Int64(readable) || readable == count else { return nil }
        return UInt64(length)
    }

    /// A NUL-terminated string of at most `limit` bytes, without the NUL;
    /// ENAMETOOLONG when no NUL comes within the limit (Linux's getname rules).
    /// Most strings (paths, names) are short: they are copied into a small
    /// buffer, and only one that does not end in it is copied again into one
    /// of the full size, so a path costs neither a page-sized allocation nor
    /// zeroing it.
    static func stringFromUser(_ address: UInt64, limit: Int) throws(Errno) -> [UInt8] {
        guard limit >= 0, limit < Int.max else { throw .EFAULT }
        if limit + 1 > shortStringCapacity, let string = try stringFromUser(address, capacity: shortStringCapacity) {
            return string
        }
        guard let string = try stringFromUser(address, capacity: limit + 1) else { throw .ENAMETOOLONG }
        return string
    }

    /// The bytes a string's first copy has room for, its NUL included.
    private static let shortStringCapacity = 256

    /// The string at `address` if its NUL comes within `capacity` bytes, nil
    /// if not; EFAULT for a fault or a string that runs on past user space.
    private static func stringFromUser(_ address: UInt64, capacity: Int) throws(Errno) -> [UInt8]? {
        // Only the part below TASK_SIZE may be read.
        let readable = address < MemoryLayout64.taskSize ? min(UInt64(capacity), MemoryLayout64.taskSize - address) : 0
        guard readable > 0 else { throw .EFAULT }
        var length: Int64 = -1
        let bytes = unsafe [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            length = unsafe copy_string_from_user_raw(
                UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                UnsafePointer<CChar>(bitPattern: UInt(address)), readable)
            initialized = length >= 0 && length < Int64(readable) ? Int(length) : 0
        }
        if length < 0 { throw .EFAULT }
        if length == Int64(readable) {
            guard readable == UInt64(capacity) else { throw .EFAULT }
            return nil
        }
        return bytes
    }

    /// Where to resume when the instruction at `rip` faulted on a user
    /// address, if it is one of the guarded copies (Linux: fixup_exception).
    public static func fixup(forFaultAt rip: UInt64) -> UInt64? {
        var entry = linker___ex_table_start()
        while entry < linker___ex_table_end() {
            let pair = unsafe UnsafePointer<UInt64>(bitPattern: UInt(entry))!
            if unsafe pair[0] == rip { return unsafe pair[1] }
            entry += 16
        }
        return nil
    }
}
