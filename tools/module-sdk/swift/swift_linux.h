/* Apus module SDK: the C declarations the Swift module API (Linux.swift) is
 * built on, imported by Swift as the clang module CLinux. */
#ifndef _SWIFT_LINUX_H
#define _SWIFT_LINUX_H

#include <linux/errno.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* One record: LEVEL is a KERN_* prefix, then the LEN bytes at TEXT (Swift
 * cannot call the variadic _printk itself). */
static inline int swift_printk(const char *level, const char *text, int len)
{
    return _printk("%s%.*s", level, len, text);
}

/* kmalloc's flags; the SDK's slab.h defines them as macros Swift cannot see. */
static inline void *swift_kzalloc(size_t size)
{
    return kzalloc(size, GFP_KERNEL);
}

/* THIS_MODULE, which Swift cannot take the address of itself: the module's
 * own __this_module, which the SDK's NAME.mod.c defines. */
static inline struct module *swift_this_module(void)
{
    return THIS_MODULE;
}

#endif
