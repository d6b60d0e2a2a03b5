/* Exports my_function(x) = 2x to later modules (user.ko calls it). Loaded
 * first; while user is loaded it cannot be removed (EWOULDBLOCK). */
#include <linux/module.h>
#include <linux/kernel.h>

int my_function(int x)
{
    return 2 * x;
}
EXPORT_SYMBOL(my_function);

/* A GPL-only export, which only GPL-compatible modules see. */
int my_gpl_function(int x)
{
    return x + 1;
}
EXPORT_SYMBOL_GPL(my_gpl_function);

static int __init exporter_init(void)
{
    pr_info("exporter: loaded\n");
    return 0;
}

static void __exit exporter_exit(void)
{
    pr_info("exporter: unloaded\n");
}

module_init(exporter_init);
module_exit(exporter_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exports my_function");
