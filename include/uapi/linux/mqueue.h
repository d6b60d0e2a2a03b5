/* Linux: struct mq_attr in include/uapi/linux/mqueue.h. 64 bytes. */
#ifndef _APUS_UAPI_MQUEUE_H
#define _APUS_UAPI_MQUEUE_H
#include "types.h"

/* A POSIX message queue's attributes, as mq_open takes them and
 * mq_getsetattr reports them; mq_flags is only ever 0 or O_NONBLOCK. */
struct linux_mq_attr {
    __s64 mq_flags;
    __s64 mq_maxmsg;   /* the most messages it holds */
    __s64 mq_msgsize;  /* the largest message, in bytes */
    __s64 mq_curmsgs;  /* messages in it now */
    __s64 __reserved[4];
} APUS_SWIFT_NAME(MqAttr);

#endif
