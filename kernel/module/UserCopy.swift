import ABI
import Core

// The user-memory copies modules call (Linux: lib/usercopy.c _copy_to_user
// and _copy_from_user, which the inline copy_to_user and copy_from_user of
// <linux/uaccess.h> call; arch/x86/lib/usercopy_64.c clear_user;
// lib/strncpy_from_user.c). A module's `char __user *` is the calling
// task's own memory: each copies through the guarded copies, so a bad
// pointer stops the copy, and returns what Linux's does.

/// The bytes not copied to user memory.
@c(_copy_to_user)
func copyToUser(to: UInt64, from: UInt64, count: UInt64) -> UInt64 {
    ModuleCode.copyUser(toUser: true, user: to, kernel: from, count: count)
}

/// The bytes not copied from user memory.
@c(_copy_from_user)
func copyFromUser(to: UInt64, from: UInt64, count: UInt64) -> UInt64 {
    ModuleCode.copyUser(toUser: false, user: from, kernel: to, count: count)
}

/// The bytes not zeroed.
@c(clear_user)
func clearUser(to: UInt64, count: UInt64) -> UInt64 {
    ModuleCode.clearUser(to, count: count)
}

/// The string's length, `count` if it did not end within it, or -EFAULT.
@c(strncpy_from_user)
func strncpyFromUser(to: UInt64, from: UInt64, count: Int64) -> Int64 {
    guard count > 0 else { return 0 }
    guard let length = ModuleCode.stringFromUser(kernel: to, user: from, count: UInt64(count)) else {
        return -Int64(Errno.EFAULT.rawValue)
    }
    return Int64(length)
}
