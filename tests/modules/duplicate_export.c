/* Exports a name exporter.ko already exports: refused with ENOEXEC and
 * "duplicate_export: exports duplicate symbol my_function (owned by exporter)". */
#include <linux/module.h>
#include <linux/kernel.h>

int my_function(int x)
{
    return x;
}
EXPORT_SYMBOL(my_function);

MODULE_LICENSE("GPL");
