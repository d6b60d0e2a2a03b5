/* Calls a function the kernel does not export: refused with ENOENT and
 * "unknown_symbol: Unknown symbol no_such_function (err -2)". */
#include <linux/module.h>
#include <linux/kernel.h>

void no_such_function(void);

static int __init unknown_init(void)
{
    no_such_function();
    return 0;
}
module_init(unknown_init);
MODULE_LICENSE("GPL");
