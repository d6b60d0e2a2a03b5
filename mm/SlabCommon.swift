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
