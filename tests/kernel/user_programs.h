/* Where user_programs.S, user_elf_images.S and module_images.S put their programs, as addresses in
 * the kernel image. */
#include <stdint.h>
#define USER_PROGRAM(name) \
    static inline uint64_t name##_start_address(void) { extern char name##_start[]; return (uint64_t)name##_start; } \
    static inline uint64_t name##_end_address(void) { extern char name##_end[]; return (uint64_t)name##_end; }
USER_PROGRAM(user_hello)
USER_PROGRAM(user_segfault)
USER_PROGRAM(user_kernel_jump)
USER_PROGRAM(user_memory)
USER_PROGRAM(user_mprotect)
USER_PROGRAM(user_fork)
USER_PROGRAM(user_threads)
USER_PROGRAM(user_group_exit)
USER_PROGRAM(user_vfork)
USER_PROGRAM(user_identity)
USER_PROGRAM(exec_check)
USER_PROGRAM(exec_check_pie)
USER_PROGRAM(user_files)
USER_PROGRAM(user_kernel_bug)
USER_PROGRAM(user_kernel_oom)
USER_PROGRAM(hello_ko)
