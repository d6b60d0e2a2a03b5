/*
 * Complete ELF programs for the exec self-test (ExecTests.swift): the
 * Makefile links tests/kernel/user/exec_check.c as an ET_EXEC and as a static PIE,
 * and their files are included here byte for byte. The test writes them
 * into ramfs files and execs those.
 */
    .section .rodata.user_programs, "a"
    .global exec_check_start, exec_check_end, exec_check_pie_start, exec_check_pie_end

    .balign 16
exec_check_start:
    .incbin EXEC_CHECK
exec_check_end:

    .balign 16
exec_check_pie_start:
    .incbin EXEC_CHECK_PIE
exec_check_pie_end:
