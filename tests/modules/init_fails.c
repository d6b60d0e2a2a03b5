/* An init that fails with -ENODEV: insmod reports it and nothing stays loaded. */
#include <linux/module.h>
#include <linux/kernel.h>

static int __init init_fails_init(void)
{
    pr_info("init_fails: failing\n");
    return -ENODEV;
}
static void __exit init_fails_exit(void) {}
module_init(init_fails_init);
module_exit(init_fails_exit);
MODULE_LICENSE("GPL");
