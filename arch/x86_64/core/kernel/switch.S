/*
 * Switching kernel stacks (Linux: arch/x86/entry/entry_64.S __switch_to_asm,
 * ret_from_fork). A task that is not running is parked inside
 * switch_stacks with its callee-saved registers pushed on its own stack; its
 * saved stack pointer is all the scheduler needs to resume it. Caller-saved
 * registers need no saving: the C calling convention already lets a call clobber them.
 */
    .text
    .global switch_stacks, ret_from_kernel_thread

/* void switch_stacks(uint64_t *save_current_sp, uint64_t next_sp) */
switch_stacks:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    jmp 1f

/* void resume_stack(uint64_t next_sp): the last switch of a task that is exiting — nothing to save. */
    .global resume_stack
resume_stack:
    movq %rdi, %rsp
1:  popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/*
 * A new kernel thread's first instructions: ThreadContext built its stack so
 * that switch_stacks "returns" here. RBP is zero, which ends backtraces.
 */
ret_from_kernel_thread:
    xorl %ebp, %ebp
    call kernel_thread_start
    ud2

/*
 * A forked child's first instructions: finish the switch that brought it
 * here, then leave for user space through the copy of its parent's frame,
 * whose address ThreadContext left in R12 (Linux: ret_from_fork).
 */
    .global ret_from_fork
ret_from_fork:
    xorl %ebp, %ebp
    movq %r12, %rdi
    call schedule_tail
    movq %r12, %rdi
    jmp return_to_user_mode
