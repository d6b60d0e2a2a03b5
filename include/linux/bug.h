/* Apus module SDK: BUG() and BUG_ON() (Linux: include/linux/bug.h, arch/x86/include/asm/bug.h).
 * BUG() is a ud2 with a struct bug_entry in __bug_table giving its file and line, each place a
 * 32-bit offset from its own field (Linux's CONFIG_GENERIC_BUG with relative pointers): the
 * oops it causes first prints "kernel BUG at FILE:LINE!". */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>

#define BUG()                                                                                      \
    do {                                                                                           \
        asm volatile("1:\tud2\n"                                                                   \
                     ".pushsection __bug_table,\"aw\"\n"                                           \
                     "2:\t.long 1b - .\n"                                                          \
                     "\t.long %c0 - .\n"                                                           \
                     "\t.word %c1\n"                                                               \
                     "\t.word 0\n"                                                                 \
                     "\t.org 2b + 12\n"                                                            \
                     ".popsection"                                                                 \
                     :                                                                             \
                     : "i"(__FILE__), "i"(__LINE__));                                              \
        __builtin_unreachable();                                                                   \
    } while (0)

#define BUG_ON(condition)                                                                          \
    do {                                                                                           \
        if (__builtin_expect(!!(condition), 0))                                                    \
            BUG();                                                                                 \
    } while (0)

#endif
