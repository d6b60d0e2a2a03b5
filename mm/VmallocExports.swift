import Core

// <linux/vmalloc.h> for C modules (Linux: mm/vmalloc.c's vmalloc, vzalloc
// and vfree): page-granular memory in the vmalloc area, always zeroed, for
// buffers too big for kmalloc's caches. NULL when it cannot be had.

@c(vmalloc)
func vmallocFromModule(_ size: UInt64) -> UInt64 {
    guard size > 0, size <= Vmalloc.vmallocRange.upperBound - Vmalloc.vmallocRange.lowerBound,
        let start = try? Vmalloc.allocate(size: size)
    else { return 0 }
    return start.value
}

@c(vzalloc)
func vzalloc(_ size: UInt64) -> UInt64 { vmallocFromModule(size) }

/// `void vfree(const void *)`: NULL and addresses outside the vmalloc area are ignored.
@c(vfree)
func vfree(_ address: UInt64) {
    guard Vmalloc.vmallocRange.contains(address) else { return }
    try? Vmalloc.free(VirtAddr(address))
}
