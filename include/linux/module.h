/* Apus module SDK: a module's entry points and metadata (Linux:
 * include/linux/module.h, moduleparam.h).
 *
 * module_init(fn) and module_exit(fn) make fn known as init_module and
 * cleanup_module, the names the loader looks up (Linux's own macros do the
 * same). MODULE_* put key=value strings into .modinfo, which modinfo prints
 * and the loader reads (license, vermagic, name). The SDK's NAME.mod.c
 * defines the module's struct module, __this_module, in
 * .gnu.linkonce.this_module, as modpost does: THIS_MODULE is its address,
 * which the kernel knows as the module's, for try_module_get and
 * file_operations' .owner. */
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

#define MODULE_NAME_LEN 56

/* Apus's own layout: the name alone. */
struct module {
    char name[MODULE_NAME_LEN];
};

extern struct module __this_module;
#define THIS_MODULE (&__this_module)

/* A reference that keeps the module loaded (delete_module is EWOULDBLOCK
 * while any is held); false once it is being unloaded. NULL is the kernel. */
bool try_module_get(struct module *module);
void module_put(struct module *module);
/* The references: try_module_get's and one per module using its exports. */
int module_refcount(struct module *mod);

#endif
