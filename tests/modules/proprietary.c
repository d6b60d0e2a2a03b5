/* A module whose licence is not GPL-compatible: it loads and taints the
 * kernel with P ("(PO)" in /proc/modules, bit 0 of kernel.tainted). */
#include <linux/module.h>
#include <linux/kernel.h>

static int __init proprietary_init(void)
{
    pr_info("proprietary: loaded\n");
    return 0;
}
static void __exit proprietary_exit(void) {}
module_init(proprietary_init);
module_exit(proprietary_exit);
MODULE_LICENSE("Proprietary");
