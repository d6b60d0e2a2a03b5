/*
 * stac/clac around the kernel's deliberate accesses to user memory (Linux:
 * arch/x86/include/asm/smap.h). Both are #UD on a CPU without SMAP, so each
 * site assembles to a 3-byte NOP listed in .smap_alternatives, which
 * CPU.enableFeatures overwrites with the real instruction before it turns
 * SMAP on (Linux: ALTERNATIVE "", __ASM_STAC, X86_FEATURE_SMAP).
 */
.macro SMAP_ALTERNATIVE modrm
771: .byte 0x0f, 0x1f, 0x00            /* nopl (%rax), as long as stac/clac */
    .pushsection .smap_alternatives, "a"
    .balign 8
    .quad 771b, \modrm
    .popsection
.endm

/* 0f 01 cb: set EFLAGS.AC, user pages become accessible. */
.macro ASM_STAC
    SMAP_ALTERNATIVE 0xcb
.endm

/* 0f 01 ca: clear EFLAGS.AC, user pages fault again. */
.macro ASM_CLAC
    SMAP_ALTERNATIVE 0xca
.endm
