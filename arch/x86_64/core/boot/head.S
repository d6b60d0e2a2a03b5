/*
 * The first instructions of Apus (Linux: arch/x86/kernel/head_64.S and
 * arch/x86/platform/pvh/head.S).
 *
 * QEMU's `-kernel` enters here in 32-bit protected mode with paging off, either
 * through the Multiboot v1 header (a.out kludge: QEMU copies the file to the
 * physical addresses named in the header) or through the PVH ELF note; GRUB
 * enters through the Multiboot2 header. Both
 * paths build throw-away page tables, switch to long mode and call the Swift
 * `start_kernel` in the kernel's high mapping, which builds the real tables.
 */
#include "boot/layout.h"

/* ---- Multiboot v1 header: must sit in the first 8 KiB of the file. ---- */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, memory map, a.out kludge */

    .section .boot.header, "a"
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long multiboot_header          /* header_addr */
    .long __image_phys_start        /* load_addr */
    .long __image_phys_load_end     /* load_end_addr: file bytes end here */
    .long __image_phys_end          /* bss_end_addr: loader zeroes up to here */
    .long multiboot_entry           /* entry_addr */

/* ---- Multiboot2 header (for GRUB: `make iso`); GRUB loads the ELF segments itself. ---- */
#define MB2_MAGIC 0xE85250D6
    .balign 8
multiboot2_header:
    .long MB2_MAGIC
    .long 0                         /* architecture: i386 protected mode */
    .long multiboot2_header_end - multiboot2_header
    .long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
    .short 0, 0                     /* end tag */
    .long 8
multiboot2_header_end:

/* ---- PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18); QEMU reads 8 bytes for ELF64. ---- */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4f - 3f                   /* namesz */
    .long 6f - 5f                   /* descsz */
    .long 18                        /* type */
3:  .asciz "Xen"
4:  .balign 4
5:  .quad pvh_entry
6:  .balign 4

    .section .boot.text, "ax"
    .code32
    .global multiboot_entry
multiboot_entry:
    cli
    movl %ebx, %esi
    movl $BOOT_PROTOCOL_MULTIBOOT, %edi
    cmpl $0x2BADB002, %eax
    je enter_long_mode
    movl $BOOT_PROTOCOL_MULTIBOOT2, %edi
    cmpl $0x36D76289, %eax
    je enter_long_mode
    jmp no_long_mode                /* not started by a Multiboot loader */

    .global pvh_entry
pvh_entry:
    cli
    movl $BOOT_PROTOCOL_PVH, %edi
    movl %ebx, %esi

/* edi = boot protocol, esi = physical address of its info block; kept intact below. */
enter_long_mode:
    cld
    /* Long mode present? CPUID 0x80000001.EDX bit 29. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /*
     * Boot page tables: the first 1 GiB of physical memory with 2 MiB pages,
     * seen three times — identity (for the next few instructions), at
     * PAGE_OFFSET (the direct map) and at the kernel image base.
     */
    movl $boot_pd, %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                 /* present, writable, 2 MiB page */
    movl %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b
    movl $boot_pd + 3, boot_pdpt_low
    movl $boot_pd + 3, boot_pdpt_image + 8 * PDPT_INDEX_IMAGE
    movl $boot_pdpt_low + 3, boot_pml4
    movl $boot_pdpt_low + 3, boot_pml4 + 8 * PML4_INDEX_DIRECT_MAP
    movl $boot_pdpt_image + 3, boot_pml4 + 8 * PML4_INDEX_IMAGE

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx          /* EFER */
    rdmsr
    orl $(1 << 8), %eax             /* LME */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    movl %eax, %cr0

    lgdt boot_gdt_descriptor
    ljmp $8, $long_mode_start

/* No way forward: say so on COM1 and stop. */
no_long_mode:
    movl $no_long_mode_message, %esi
2:  movb (%esi), %al
    testb %al, %al
    jz 3f
    movw $0x3F8, %dx
    outb %al, %dx
    incl %esi
    jmp 2b
3:  hlt
    jmp 3b

    .code64
long_mode_start:
    movl $16, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $init_stack_top, %rsp
    xorl %ebp, %ebp                 /* terminates frame-pointer backtraces */
    fninit                          /* Swift's Double uses x87 in an SSE-free kernel */
    movl %edi, %edi                 /* zero-extend the 32-bit arguments */
    movl %esi, %esi
    /*
     * The stack protector's canary, set before the first Swift function has
     * a frame to check (Linux: boot_init_stack_canary): the TSC stirred by a
     * multiply, its low byte zero so a string copy cannot write it.
     */
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    movabsq $0x9E3779B97F4A7C15, %rdx
    imulq %rdx, %rax
    xorb %al, %al
    movabsq $__stack_chk_guard, %rdx
    movq %rax, (%rdx)
    movabsq $start_kernel, %rax
    call *%rax
4:  hlt
    jmp 4b

    .section .boot.data, "aw"
no_long_mode_message:
    .asciz "Apus: this CPU has no 64-bit long mode\r\n"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF        /* 64-bit kernel code */
    .quad 0x00CF92000000FFFF        /* kernel data */
boot_gdt_descriptor:
    .word boot_gdt_descriptor - boot_gdt - 1
    .long boot_gdt

    .balign 4096
boot_pml4:       .skip 4096
boot_pdpt_low:   .skip 4096
boot_pdpt_image: .skip 4096
boot_pd:         .skip 4096

/* What every protected Swift function's canary is compared with on return. */
    .data
    .balign 8
    .global __stack_chk_guard
__stack_chk_guard:
    .quad 0

/* The boot CPU's first kernel stack; it becomes the idle task's stack. */
    .section .bss.init_stack, "aw", @nobits
    .balign THREAD_SIZE
    .global init_stack_bottom, init_stack_top
init_stack_bottom:
    .skip INIT_STACK_SIZE
init_stack_top:
