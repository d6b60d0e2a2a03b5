/* Apus module SDK: a module's entry points and metadata (Linux:
 * include/linux/module.h, moduleparam.h).
 *
 * module_init(fn) and module_exit(fn) make fn known as init_module and
 * cleanup_module, the names the loader looks up (Linux's own macros do the
 * same; Linux's modpost then also builds a struct module in
 * .gnu.linkonce.this_module, which Apus does without: see docs/modules.md).
 * MODULE_* put key=value strings into .modinfo, which modinfo prints and
 * the loader reads (license, vermagic, name). */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/export.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

#define module_init(initfn)                                                  \
    static inline initcall_t __maybe_unused __inittest(void) { return initfn; } \
    int init_module(void) __attribute__((__alias__(#initfn)));

#define module_exit(exitfn)                                                  \
    static inline exitcall_t __maybe_unused __exittest(void) { return exitfn; } \
    void cleanup_module(void) __attribute__((__alias__(#exitfn)));

#define MODULE_INFO(tag, info)                                               \
    static const char __UNIQUE_ID(tag)[] __used __section(".modinfo") __aligned(1) = #tag "=" info

#define MODULE_LICENSE(_license) MODULE_INFO(license, _license)
#define MODULE_AUTHOR(_author) MODULE_INFO(author, _author)
#define MODULE_DESCRIPTION(_description) MODULE_INFO(description, _description)
#define MODULE_VERSION(_version) MODULE_INFO(version, _version)
#define MODULE_ALIAS(_alias) MODULE_INFO(alias, _alias)

/* Apus has no struct module for modules to point at (Linux: &__this_module). */
#define THIS_MODULE ((void *)0)

#endif
