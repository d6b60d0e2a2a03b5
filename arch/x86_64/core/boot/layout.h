/*
 * The virtual memory layout, shared by the assembly and the linker script
 * (Linux: arch/x86/include/asm/page_64_types.h, Documentation/arch/x86/x86_64/mm.rst).
 * Swift cannot dereference pointers with bits 47-63 set, so Linux's split of the
 * address space (user low, kernel in the upper canonical half) becomes a split
 * inside the lower half: user space below TASK_SIZE, kernel areas above it.
 * arch/x86_64/core/mm/Layout.swift repeats these numbers for Swift; keep them equal.
 */
#define BOOT_PROTOCOL_MULTIBOOT 1
#define BOOT_PROTOCOL_PVH 2
#define BOOT_PROTOCOL_MULTIBOOT2 3

#define PAGE_OFFSET 0x400000000000          /* direct map of all RAM: PML4 slot 128 */
#define KERNEL_IMAGE_BASE 0x7FFF80000000    /* physical 0 of the image: PML4 slot 255, top 2 GiB */
#define KERNEL_PHYS_LOAD 0x100000           /* Multiboot loads the image at 1 MiB */

#define PML4_INDEX_DIRECT_MAP 128
#define PML4_INDEX_IMAGE 255
#define PDPT_INDEX_IMAGE 510

/* THREAD_SIZE: every kernel stack. Swift frames are larger than C's (Linux
 * doubles its 16 KiB the same way when KASAN grows frames). */
#define THREAD_SIZE 32768
#define INIT_STACK_SIZE THREAD_SIZE
