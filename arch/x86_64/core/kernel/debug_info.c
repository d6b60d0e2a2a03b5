/*
 * The debug table gdb's helpers read (debug_info.h). It is C so that the image's DWARF
 * describes its layout: tools/gdb/apus.py reads fields by name.
 */
#include "debug_info.h"

_Static_assert(sizeof(struct apus_debug_log_record) == 128, "a log record is 128 bytes");
_Static_assert(sizeof(struct apus_debug_task) == 32, "a task is 32 bytes");

struct apus_debug_info apus_debug_info __attribute__((used, aligned(64))) = {
    .magic = APUS_DEBUG_MAGIC,
    .version = APUS_DEBUG_VERSION,
    .size = sizeof(struct apus_debug_info),
};

__attribute__((noinline, used)) void apus_debug_module_loaded(void) {
    /* An empty function the compiler must keep, and call: gdb breaks on it. */
    __asm__ volatile("" ::: "memory");
}
