import Core

// kmalloc and kfree for C modules (Linux: mm/slab_common.c __kmalloc and
// kfree; <linux/slab.h>'s inline kmalloc and kzalloc call __kmalloc). The
// memory comes from the kernel's slab caches and is always zeroed, so
// __GFP_ZERO costs nothing extra; NULL when it cannot be had.

@c(__kmalloc)
func kmalloc(size: Int, flags: UInt32) -> UInt64 {
    guard size > 0, let address = KernelAllocator.allocate(size: size, align: 8) else { return 0 }
    ModuleCode.zero(UInt64(address), count: size)
    return UInt64(address)
}

@c(kfree)
func kfree(address: UInt64) {
    guard address != 0 else { return }
    try? KernelAllocator.free(UInt(address))
}

/// `char *kstrdup(const char *s, gfp_t)` (Linux: mm/util.c): a kmalloc'd
/// copy of the string, NULL for NULL or when memory is short.
@c(kstrdup)
func kstrdup(string: UInt64, flags: UInt32) -> UInt64 {
    guard string != 0 else { return 0 }
    let bytes = ModuleCode.string(at: string, limit: 1 << 20)
    let copy = kmalloc(size: bytes.count + 1, flags: flags)
    if copy != 0 { ModuleCode.write(bytes, to: copy) }
    return copy
}
