/*
 * The debug table: what gdb's helpers (tools/gdb/apus.py: lx-dmesg, lx-ps, lx-lsmod,
 * lx-symbols) read from a running or halted Apus, in a fixed C layout (Linux: vmcoreinfo and
 * scripts/gdb/linux/constants.py; Linux's helpers read the C structures themselves, Apus's
 * are Swift objects gdb cannot walk). The subsystems keep it up to date through Core's
 * DebugInfo (arch/x86_64/core/kernel/DebugInfo.swift); it is in every image, and gdb finds
 * its layout in the DWARF of arch/x86_64/core/kernel/debug_info.c. docs/debugging.md.
 */
#ifndef APUS_DEBUG_INFO_H
#define APUS_DEBUG_INFO_H
#include <stdint.h>

#define APUS_DEBUG_MAGIC 0x4f464e4947554244ULL  /* "DBUGINFO" */
#define APUS_DEBUG_VERSION 1

/* The newest log records, a copy of each printk record as it is stored (text cut to
 * APUS_DEBUG_LOG_TEXT bytes). Record `seq` is in slot seq % APUS_DEBUG_LOG_RECORDS. */
#define APUS_DEBUG_LOG_RECORDS 512
#define APUS_DEBUG_LOG_TEXT 108
struct apus_debug_log_record {
    uint64_t seq;
    uint64_t ts_nsec;           /* nanoseconds since boot */
    uint16_t text_len;          /* bytes of text kept */
    uint8_t level;              /* 0 (KERN_EMERG) ... 7 (KERN_DEBUG) */
    uint8_t facility;           /* 0 the kernel, 1 LOG_USER (/dev/kmsg writes) */
    char text[APUS_DEBUG_LOG_TEXT];
};

/* One task: a slot is free when pid is 0 (the idle task is not listed). */
#define APUS_DEBUG_TASKS 512
#define APUS_DEBUG_COMM 16      /* TASK_COMM_LEN */
struct apus_debug_task {
    int32_t pid;
    int32_t tgid;
    uint32_t state;             /* Linux's __state bits: 0 running, 1 interruptible, ... */
    uint32_t kthread;           /* 1 for a kernel thread */
    char comm[APUS_DEBUG_COMM];
};

/* One loaded module: a slot is free when name[0] is 0. section_addr[i] is where section i
 * of the module's .ko (its section header table's order) was loaded, 0 if it was not. */
#define APUS_DEBUG_MODULES 16
#define APUS_DEBUG_MODULE_NAME 56   /* MODULE_NAME_LEN */
#define APUS_DEBUG_MODULE_SECTIONS 64
struct apus_debug_module {
    char name[APUS_DEBUG_MODULE_NAME];
    uint64_t base;
    uint64_t size;
    uint32_t state;             /* Linux's enum module_state: 0 live, 1 coming, 2 going */
    uint32_t refcount;          /* modules using its exports */
    uint32_t section_count;     /* sections in the .ko (section_addr holds the first 64) */
    uint32_t reserved;
    uint64_t section_addr[APUS_DEBUG_MODULE_SECTIONS];
};

struct apus_debug_info {
    uint64_t magic;             /* APUS_DEBUG_MAGIC */
    uint32_t version;           /* APUS_DEBUG_VERSION */
    uint32_t size;              /* sizeof(struct apus_debug_info) */
    uint64_t log_next_seq;      /* the sequence number the next record gets */
    uint32_t tasks_unlisted;    /* live tasks that found no free slot */
    uint32_t modules_unlisted;  /* loaded modules that found no free slot */
    struct apus_debug_log_record log[APUS_DEBUG_LOG_RECORDS];
    struct apus_debug_task tasks[APUS_DEBUG_TASKS];
    struct apus_debug_module modules[APUS_DEBUG_MODULES];
};

extern struct apus_debug_info apus_debug_info;

/* Core's DebugInfo reaches the table through these (Swift sees a C array as a tuple). */
static inline struct apus_debug_info *apus_debug_table(void) { return &apus_debug_info; }
static inline struct apus_debug_log_record *apus_debug_log_slot(uint64_t seq) {
    return &apus_debug_info.log[seq % APUS_DEBUG_LOG_RECORDS];
}
static inline struct apus_debug_task *apus_debug_task_slot(uint32_t i) { return &apus_debug_info.tasks[i]; }
static inline struct apus_debug_module *apus_debug_module_slot(uint32_t i) { return &apus_debug_info.modules[i]; }

/* Called once a module is in place, before its init runs: gdb's lx-symbols breaks here to
 * load the module's symbols (Linux: lx-symbols' breakpoint on do_init_module). */
void apus_debug_module_loaded(void);

#endif
