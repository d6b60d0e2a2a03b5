/* Linux: struct termios in include/uapi/asm-generic/termbits.h and struct
 * winsize in include/uapi/asm-generic/termios.h, which x86 uses. */
#ifndef _APUS_UAPI_TERMIOS_H
#define _APUS_UAPI_TERMIOS_H
#include "types.h"

/* NCCS, under a name the C library's own NCCS (32) cannot collide with. */
#define __KERNEL_NCCS 19

/* A terminal's settings as TCGETS/TCSETS move them: four flag words, the
 * line discipline, 19 control characters. 36 bytes. This is the kernel's
 * termios, not the C library's (which has 32 control characters and two
 * speed fields, and converts). */
struct linux_termios {
    __u32 c_iflag;
    __u32 c_oflag;
    __u32 c_cflag;
    __u32 c_lflag;
    __u8 c_line;     /* the line discipline; 0 is N_TTY */
    __u8 c_cc[__KERNEL_NCCS]; /* indexed by VINTR, VQUIT, ... */
} APUS_SWIFT_NAME(Termios);

/* Swift sees c_cc as a tuple it cannot index without unsafe code; these
 * accessors take and return the structure by value. Out-of-range indices
 * read as 0 and are not written. */
APUS_SWIFT_NAME(Termios.controlCharacter(self:_:))
static inline __u8 linux_termios_cc(struct linux_termios t, unsigned index) {
    return index < __KERNEL_NCCS ? t.c_cc[index] : 0;
}

APUS_SWIFT_NAME(Termios.setting(self:controlCharacter:to:))
static inline struct linux_termios linux_termios_set_cc(struct linux_termios t,
                                                             unsigned index, __u8 c) {
    if (index < __KERNEL_NCCS) t.c_cc[index] = c;
    return t;
}

/* A terminal's size in characters (and pixels, rarely filled in), for
 * TIOCGWINSZ/TIOCSWINSZ. 8 bytes. */
struct linux_winsize {
    __u16 ws_row;
    __u16 ws_col;
    __u16 ws_xpixel;
    __u16 ws_ypixel;
} APUS_SWIFT_NAME(Winsize);

#endif
