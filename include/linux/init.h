/* Apus module SDK: init and exit markers (Linux: include/linux/init.h).
 * Apus keeps a module's init code for its whole life, so these only
 * document intent; module_init and module_exit are in <linux/module.h>. */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <linux/compiler.h>

#define __init
#define __exit
#define __initdata
#define __exitdata

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

#endif
