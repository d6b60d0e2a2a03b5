import Core

// copy_to_user and copy_from_user for modules (Linux: lib/usercopy.c
// _copy_to_user, _copy_from_user, which the inline copy_to_user and
// copy_from_user of <linux/uaccess.h> call). Each returns the bytes it
// could not copy: all of them unless the user side lies in the buffer of
// the proc_ops call under way (ModuleCode.callTransfer).

@c(_copy_to_user)
func copyToUser(to: UInt64, from: UInt64, count: UInt64) -> UInt64 {
    ModuleCode.copyUser(toUser: true, user: to, kernel: from, count: count)
}

@c(_copy_from_user)
func copyFromUser(to: UInt64, from: UInt64, count: UInt64) -> UInt64 {
    ModuleCode.copyUser(toUser: false, user: from, kernel: to, count: count)
}
