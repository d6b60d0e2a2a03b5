/*
 * The tick count as a variable of the image (Linux: kernel/time/timer.c's
 * jiffies_64, which the linker script also names jiffies), so that C
 * modules read `jiffies` in place as Linux's do. Only the tick writes it
 * (Jiffies.tick, through Core's JiffiesCounter).
 */
    .data
    .balign 8
    .global jiffies_64, jiffies
jiffies_64:
jiffies:
    .quad 0
