/* Calls exporter.ko's my_function and my_gpl_function at init and logs the
 * results; without exporter loaded: "user: Unknown symbol my_function". */
#include <linux/module.h>
#include <linux/kernel.h>

int my_function(int x);
int my_gpl_function(int x);

static int __init user_init(void)
{
    pr_info("user: my_function(21) = %d, my_gpl_function(41) = %d\n", my_function(21), my_gpl_function(41));
    return 0;
}

static void __exit user_exit(void)
{
    pr_info("user: unloaded\n");
}

module_init(user_init);
module_exit(user_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Uses exporter's my_function");
