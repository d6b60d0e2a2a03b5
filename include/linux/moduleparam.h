/* Apus module SDK: module parameters (Linux: include/linux/moduleparam.h).
 *
 * module_param(name, type, perm) makes the variable `name` settable at load
 * time (`insmod m.ko name=value`); type is int, uint, long, ulong, short,
 * ushort, bool or charp, and the variable must have that C type. Each puts
 * a struct kernel_param into __param, which the loader reads, and
 * "parmtype=name:type" into .modinfo; MODULE_PARM_DESC adds
 * "parm=name:description", both shown by modinfo. Apus's struct
 * kernel_param names its type by string where Linux points at the
 * kernel's param_ops_TYPE. */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H

#include <linux/compiler.h>
#include <linux/types.h>

struct kernel_param {
    const char *name;
    const char *type;
    void *arg;
    unsigned short perm;
};

/* The C type each parameter type needs (Linux: param_check_TYPE). */
#define __param_ctype_int int
#define __param_ctype_uint unsigned int
#define __param_ctype_long long
#define __param_ctype_ulong unsigned long
#define __param_ctype_short short
#define __param_ctype_ushort unsigned short
#define __param_ctype_bool bool
#define __param_ctype_charp char *

#define module_param_named(name, value, type, perm)                             \
    static inline __param_ctype_##type __maybe_unused *__check_##name(void)    \
    {                                                                           \
        return &(value);                                                        \
    }                                                                           \
    static const char __param_str_##name[] = #name;                             \
    static const char __param_type_##name[] = #type;                            \
    static struct kernel_param __param_##name __used __section("__param")       \
        __aligned(8) = { __param_str_##name, __param_type_##name, &(value), perm }; \
    MODULE_INFO(parmtype, #name ":" #type)

#define module_param(name, type, perm) module_param_named(name, name, type, perm)

#define MODULE_PARM_DESC(_parm, desc) MODULE_INFO(parm, #_parm ":" desc)

#endif
