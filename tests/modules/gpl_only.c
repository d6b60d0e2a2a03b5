/* A proprietary module calling ktime_get, which is EXPORT_SYMBOL_GPL: to it
 * the symbol does not exist (ENOENT, "Unknown symbol ktime_get"). */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ktime.h>

static int __init gpl_only_init(void)
{
    pr_info("gpl_only: %lld\n", ktime_get());
    return 0;
}
static void __exit gpl_only_exit(void) {}
module_init(gpl_only_init);
module_exit(gpl_only_exit);
MODULE_LICENSE("Proprietary");
