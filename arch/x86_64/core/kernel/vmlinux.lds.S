/*
 * Link map of the kernel image (Linux: arch/x86/kernel/vmlinux.lds.S).
 * The boot code runs at its physical address; everything else runs in the
 * high mapping at KERNEL_IMAGE_BASE + physical. The file must be laid out
 * linearly (file offset - physical address constant) because Multiboot's a.out
 * kludge copies it byte for byte; tools/check-image.sh verifies that.
 */
#include "boot/layout.h"

ENTRY(multiboot_entry)

SECTIONS
{
    . = KERNEL_PHYS_LOAD;
    __image_phys_start = .;

    .boot : {
        KEEP(*(.boot.header))
        *(.boot.text)
        . = ALIGN(4096);
        *(.boot.data)
    }
    .note.Xen : { KEEP(*(.note.Xen)) }

    . = ALIGN(4096);
    . += KERNEL_IMAGE_BASE;

    .text : AT(ADDR(.text) - KERNEL_IMAGE_BASE) {
        __text_start = .;
        *(.text.entry)
        *(.text .text.*)
        __text_end = .;
    }

    . = ALIGN(4096);
    .rodata : AT(ADDR(.rodata) - KERNEL_IMAGE_BASE) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(__ex_table))
        __ex_table_end = .;
        __smap_alternatives_start = .;
        KEEP(*(.smap_alternatives))
        __smap_alternatives_end = .;
        *(.eh_frame*)
        *(swift5_*)
        *(.swift_*)
    }

    /*
     * The symbol table comes after all code, so filling it in (second link)
     * moves no function: see tools/kallsyms.sh.
     */
    .kallsyms : AT(ADDR(.kallsyms) - KERNEL_IMAGE_BASE) {
        __kallsyms_start = .;
        KEEP(*(.kallsyms))
        __kallsyms_end = .;
    }

    /*
     * .data and .bss share one segment (file size < memory size), the shape
     * every ELF loader reserves in full; GRUB placed a module inside a .bss
     * that had a segment of its own with no file bytes.
     */
    . = ALIGN(4096);
    .data : AT(ADDR(.data) - KERNEL_IMAGE_BASE) {
        __data_start = .;
        *(.data .data.*)
        *(.got .got.*)
        *(.init_array*)
    }
    __image_phys_load_end = . - KERNEL_IMAGE_BASE;

    .bss (NOLOAD) : AT(ADDR(.bss) - KERNEL_IMAGE_BASE) {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        /*
         * The boot stack, with an unmapped guard page right below it: an
         * overflow faults (and the #DF handler reports it on its IST stack)
         * instead of silently overwriting .bss or .data.
         */
        . = ALIGN(THREAD_SIZE);
        . += THREAD_SIZE - 4096;
        __init_stack_guard = .;
        . += 4096;
        *(.bss.init_stack)
        . = ALIGN(4096);
        __brk_base = .;             /* early heap, before the page allocator exists */
        . += 2 * 1024 * 1024;
        __brk_limit = .;
    }
    . = ALIGN(4096);
    __image_end = .;
    __image_phys_end = . - KERNEL_IMAGE_BASE;

    /DISCARD/ : {
        *(.comment) *(.note.GNU-stack) *(.swift_modhash) *(.swift1_autolink_entries)
        *(.linker-options) *(.llvm_addrsig)
        /* Each Swift object's DWARF name index covers only its own units; joined, gdb
         * rejects them. Without one, gdb reads the DWARF itself (docs/debugging.md). */
        *(.debug_names)
    }
}
