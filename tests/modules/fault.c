/* A module whose init dereferences NULL: the kernel prints an oops naming fault_deref and
 * init_module [fault], kills insmod (SIGSEGV) and goes on, tainted D; the module stays
 * listed as Loading, as Linux leaves one whose init never returned. */
#include <linux/module.h>
#include <linux/kernel.h>

static int *nowhere;

/* A function of its own, not a leaf (gcc gives leaves no frame), so that the call trace
 * goes on through init_module. */
static noinline int fault_deref(int *pointer)
{
    pr_info("fault: dereferencing NULL\n");
    return *(volatile int *)pointer;
}

static int __init fault_init(void)
{
    return fault_deref(nowhere);
}
static void __exit fault_exit(void) {}
module_init(fault_init);
module_exit(fault_exit);
MODULE_LICENSE("GPL");
