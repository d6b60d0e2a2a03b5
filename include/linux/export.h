/* Apus module SDK: symbols a module gives other modules (Linux:
 * include/linux/export.h with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS).
 *
 * EXPORT_SYMBOL(sym) adds a struct kernel_symbol { int value_offset;
 * int name_offset; int namespace_offset; } to __ksymtab (EXPORT_SYMBOL_GPL:
 * __ksymtab_gpl), each offset relative to its own field, and the name to
 * __ksymtab_strings. The loader reads both once the module is linked.
 * Symbol namespaces are not supported: the namespace offset is 0. */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

#include <linux/compiler.h>

#define __EXPORT_SYMBOL(sym, sec)                                            \
    extern typeof(sym) sym;                                                  \
    static const char __kstrtab_##sym[] __used __section("__ksymtab_strings") \
        __aligned(1) = #sym;                                                 \
    asm("	.section \"" sec "\", \"a\"\n"                                   \
        "	.balign 4\n"                                                     \
        "__ksymtab_" #sym ":\n"                                              \
        "	.long " #sym " - .\n"                                            \
        "	.long __kstrtab_" #sym " - .\n"                                  \
        "	.long 0\n"                                                       \
        "	.previous\n")

#define EXPORT_SYMBOL(sym) __EXPORT_SYMBOL(sym, "__ksymtab")
#define EXPORT_SYMBOL_GPL(sym) __EXPORT_SYMBOL(sym, "__ksymtab_gpl")

#endif
