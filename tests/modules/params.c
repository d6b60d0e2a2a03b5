/* A module_param of each type: init logs their values, so the user tier
 * can check what insmod's arguments set. */
#include <linux/module.h>
#include <linux/kernel.h>

static int count = 1;
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "How many (int)");
static unsigned int ucount = 2;
module_param(ucount, uint, 0444);
static long big = 3;
module_param(big, long, 0444);
static unsigned long ubig = 4;
module_param(ubig, ulong, 0444);
static short small = 5;
module_param(small, short, 0444);
static unsigned short usmall = 6;
module_param(usmall, ushort, 0444);
static bool flag;
module_param(flag, bool, 0644);
static char *name = "world";
module_param(name, charp, 0644);
MODULE_PARM_DESC(name, "Whom to greet (charp)");
static int my_int = 7;
module_param(my_int, int, 0);

static int __init params_init(void)
{
    pr_info("params: count=%d ucount=%u big=%ld ubig=%lu small=%hd usmall=%hu flag=%d name=%s my_int=%d\n",
            count, ucount, big, ubig, small, usmall, flag, name, my_int);
    return 0;
}

static void __exit params_exit(void)
{
    pr_info("params: goodbye, %s\n", name);
}

module_init(params_init);
module_exit(params_exit);
MODULE_LICENSE("GPL");
