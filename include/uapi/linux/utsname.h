/* Linux: struct linux_new_utsname in include/uapi/linux/utsname.h. 390 bytes. */
#ifndef _APUS_UAPI_UTSNAME_H
#define _APUS_UAPI_UTSNAME_H
#include "types.h"

/* __NEW_UTS_LEN + 1: 64 characters and the terminating NUL. */
#define __NEW_UTS_LEN 64

/* What uname(2) reports: six NUL-terminated strings in fixed fields. */
struct linux_new_utsname {
    char sysname[__NEW_UTS_LEN + 1];
    char nodename[__NEW_UTS_LEN + 1];
    char release[__NEW_UTS_LEN + 1];
    char version[__NEW_UTS_LEN + 1];
    char machine[__NEW_UTS_LEN + 1];
    char domainname[__NEW_UTS_LEN + 1];
} APUS_SWIFT_NAME(Utsname);

/* Swift cannot index a C array (it sees a tuple) without unsafe code, so
 * the one way to fill a field is this accessor: the structure goes in and
 * out by value. `field` counts from 0 (sysname); out-of-range positions are
 * ignored. */
APUS_SWIFT_NAME(Utsname.setting(self:field:index:character:))
static inline struct linux_new_utsname linux_new_utsname_set(struct linux_new_utsname u, unsigned field,
                                                 unsigned index, char c) {
    if (field < 6 && index <= __NEW_UTS_LEN) {
        char (*fields[6])[__NEW_UTS_LEN + 1] = {&u.sysname, &u.nodename, &u.release,
                                                &u.version, &u.machine, &u.domainname};
        (*fields[field])[index] = c;
    }
    return u;
}

#endif
