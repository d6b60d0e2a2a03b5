/* A module whose init hits BUG(): the oops says where ("kernel BUG at .../bug.c:N!"), then
 * "invalid opcode", and insmod is killed as for any fault in init. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/bug.h>

static int broken = 1;

static int __init bug_init(void)
{
    BUG_ON(broken);
    return 0;
}
module_init(bug_init);
MODULE_LICENSE("GPL");
