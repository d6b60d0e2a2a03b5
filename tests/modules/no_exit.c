/* An init and no exit: rmmod is EBUSY, `rmmod -f` (O_TRUNC) removes it and taints R. */
#include <linux/module.h>
#include <linux/kernel.h>

static int __init no_exit_init(void)
{
    return 0;
}
module_init(no_exit_init);
MODULE_LICENSE("GPL");
