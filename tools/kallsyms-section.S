/* The encoded symbol table, placed in .kallsyms by the second link. */
    .section .kallsyms, "a"
    .balign 8
    .incbin KALLSYMS_BIN
