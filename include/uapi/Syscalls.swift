/// The x86-64 system call numbers: the single table Apus dispatches on,
/// logs with and documents from.
/// Linux: arch/x86/entry/syscalls/syscall_64.tbl, the "common" and "64"
/// rows, as of Linux 7.0 (rseq_slice_yield, 471, is the newest).
///
/// A program puts the number in rax and executes `syscall`; the number is
/// the whole of its request, so each one here is fixed forever. The case
/// names are Linux's own, spelled exactly as in the table (that is also
/// what `name` returns), so "newfstatat" and "pread64" read as in strace.
///
/// Two gaps are deliberate. 337...423 are unused on x86-64: numbers from 424
/// on are shared by every architecture, so new calls get the same number
/// everywhere. 512...547 are the x32 ABI's private numbers, which Apus,
/// running only 64-bit programs, does not include.
///
/// A few rows have no entry point in Linux at all (marked below): they keep
/// their numbers reserved and always fail with ENOSYS.
public enum SyscallNumber: Int, CaseIterable, Sendable {
    case read = 0
    case write = 1
    case open = 2
    case close = 3
    case stat = 4
    case fstat = 5
    case lstat = 6
    case poll = 7
    case lseek = 8
    case mmap = 9
    case mprotect = 10
    case munmap = 11
    case brk = 12
    case rt_sigaction = 13
    case rt_sigprocmask = 14
    case rt_sigreturn = 15
    case ioctl = 16
    case pread64 = 17
    case pwrite64 = 18
    case readv = 19
    case writev = 20
    case access = 21
    case pipe = 22
    case select = 23
    case sched_yield = 24
    case mremap = 25
    case msync = 26
    case mincore = 27
    case madvise = 28
    case shmget = 29
    case shmat = 30
    case shmctl = 31
    case dup = 32
    case dup2 = 33
    case pause = 34
    case nanosleep = 35
    case getitimer = 36
    case alarm = 37
    case setitimer = 38
    case getpid = 39
    case sendfile = 40
    case socket = 41
    case connect = 42
    case accept = 43
    case sendto = 44
    case recvfrom = 45
    case sendmsg = 46
    case recvmsg = 47
    case shutdown = 48
    case bind = 49
    case listen = 50
    case getsockname = 51
    case getpeername = 52
    case socketpair = 53
    case setsockopt = 54
    case getsockopt = 55
    case clone = 56
    case fork = 57
    case vfork = 58
    case execve = 59
    case exit = 60
    case wait4 = 61
    case kill = 62
    case uname = 63
    case semget = 64
    case semop = 65
    case semctl = 66
    case shmdt = 67
    case msgget = 68
    case msgsnd = 69
    case msgrcv = 70
    case msgctl = 71
    case fcntl = 72
    case flock = 73
    case fsync = 74
    case fdatasync = 75
    case truncate = 76
    case ftruncate = 77
    case getdents = 78
    case getcwd = 79
    case chdir = 80
    case fchdir = 81
    case rename = 82
    case mkdir = 83
    case rmdir = 84
    case creat = 85
    case link = 86
    case unlink = 87
    case symlink = 88
    case readlink = 89
    case chmod = 90
    case fchmod = 91
    case chown = 92
    case fchown = 93
    case lchown = 94
    case umask = 95
    case gettimeofday = 96
    case getrlimit = 97
    case getrusage = 98
    case sysinfo = 99
    case times = 100
    case ptrace = 101
    case getuid = 102
    case syslog = 103
    case getgid = 104
    case setuid = 105
    case setgid = 106
    case geteuid = 107
    case getegid = 108
    case setpgid = 109
    case getppid = 110
    case getpgrp = 111
    case setsid = 112
    case setreuid = 113
    case setregid = 114
    case getgroups = 115
    case setgroups = 116
    case setresuid = 117
    case getresuid = 118
    case setresgid = 119
    case getresgid = 120
    case getpgid = 121
    case setfsuid = 122
    case setfsgid = 123
    case getsid = 124
    case capget = 125
    case capset = 126
    case rt_sigpending = 127
    case rt_sigtimedwait = 128
    case rt_sigqueueinfo = 129
    case rt_sigsuspend = 130
    case sigaltstack = 131
    case utime = 132
    case mknod = 133
    case uselib = 134  // no entry point in Linux
    case personality = 135
    case ustat = 136
    case statfs = 137
    case fstatfs = 138
    case sysfs = 139
    case getpriority = 140
    case setpriority = 141
    case sched_setparam = 142
    case sched_getparam = 143
    case sched_setscheduler = 144
    case sched_getscheduler = 145
    case sched_get_priority_max = 146
    case sched_get_priority_min = 147
    case sched_rr_get_interval = 148
    case mlock = 149
    case munlock = 150
    case mlockall = 151
    case munlockall = 152
    case vhangup = 153
    case modify_ldt = 154
    case pivot_root = 155
    case _sysctl = 156  // no entry point in Linux
    case prctl = 157
    case arch_prctl = 158
    case adjtimex = 159
    case setrlimit = 160
    case chroot = 161
    case sync = 162
    case acct = 163
    case settimeofday = 164
    case mount = 165
    case umount2 = 166
    case swapon = 167
    case swapoff = 168
    case reboot = 169
    case sethostname = 170
    case setdomainname = 171
    case iopl = 172
    case ioperm = 173
    case create_module = 174  // no entry point in Linux
    case init_module = 175
    case delete_module = 176
    case get_kernel_syms = 177  // no entry point in Linux
    case query_module = 178  // no entry point in Linux
    case quotactl = 179
    case nfsservctl = 180  // no entry point in Linux
    case getpmsg = 181  // no entry point in Linux
    case putpmsg = 182  // no entry point in Linux
    case afs_syscall = 183  // no entry point in Linux
    case tuxcall = 184  // no entry point in Linux
    case security = 185  // no entry point in Linux
    case gettid = 186
    case readahead = 187
    case setxattr = 188
    case lsetxattr = 189
    case fsetxattr = 190
    case getxattr = 191
    case lgetxattr = 192
    case fgetxattr = 193
    case listxattr = 194
    case llistxattr = 195
    case flistxattr = 196
    case removexattr = 197
    case lremovexattr = 198
    case fremovexattr = 199
    case tkill = 200
    case time = 201
    case futex = 202
    case sched_setaffinity = 203
    case sched_getaffinity = 204
    case set_thread_area = 205  // no entry point in Linux
    case io_setup = 206
    case io_destroy = 207
    case io_getevents = 208
    case io_submit = 209
    case io_cancel = 210
    case get_thread_area = 211  // no entry point in Linux
    case lookup_dcookie = 212  // no entry point in Linux
    case epoll_create = 213
    case epoll_ctl_old = 214  // no entry point in Linux
    case epoll_wait_old = 215  // no entry point in Linux
    case remap_file_pages = 216
    case getdents64 = 217
    case set_tid_address = 218
    case restart_syscall = 219
    case semtimedop = 220
    case fadvise64 = 221
    case timer_create = 222
    case timer_settime = 223
    case timer_gettime = 224
    case timer_getoverrun = 225
    case timer_delete = 226
    case clock_settime = 227
    case clock_gettime = 228
    case clock_getres = 229
    case clock_nanosleep = 230
    case exit_group = 231
    case epoll_wait = 232
    case epoll_ctl = 233
    case tgkill = 234
    case utimes = 235
    case vserver = 236  // no entry point in Linux
    case mbind = 237
    case set_mempolicy = 238
    case get_mempolicy = 239
    case mq_open = 240
    case mq_unlink = 241
    case mq_timedsend = 242
    case mq_timedreceive = 243
    case mq_notify = 244
    case mq_getsetattr = 245
    case kexec_load = 246
    case waitid = 247
    case add_key = 248
    case request_key = 249
    case keyctl = 250
    case ioprio_set = 251
    case ioprio_get = 252
    case inotify_init = 253
    case inotify_add_watch = 254
    case inotify_rm_watch = 255
    case migrate_pages = 256
    case openat = 257
    case mkdirat = 258
    case mknodat = 259
    case fchownat = 260
    case futimesat = 261
    case newfstatat = 262
    case unlinkat = 263
    case renameat = 264
    case linkat = 265
    case symlinkat = 266
    case readlinkat = 267
    case fchmodat = 268
    case faccessat = 269
    case pselect6 = 270
    case ppoll = 271
    case unshare = 272
    case set_robust_list = 273
    case get_robust_list = 274
    case splice = 275
    case tee = 276
    case sync_file_range = 277
    case vmsplice = 278
    case move_pages = 279
    case utimensat = 280
    case epoll_pwait = 281
    case signalfd = 282
    case timerfd_create = 283
    case eventfd = 284
    case fallocate = 285
    case timerfd_settime = 286
    case timerfd_gettime = 287
    case accept4 = 288
    case signalfd4 = 289
    case eventfd2 = 290
    case epoll_create1 = 291
    case dup3 = 292
    case pipe2 = 293
    case inotify_init1 = 294
    case preadv = 295
    case pwritev = 296
    case rt_tgsigqueueinfo = 297
    case perf_event_open = 298
    case recvmmsg = 299
    case fanotify_init = 300
    case fanotify_mark = 301
    case prlimit64 = 302
    case name_to_handle_at = 303
    case open_by_handle_at = 304
    case clock_adjtime = 305
    case syncfs = 306
    case sendmmsg = 307
    case setns = 308
    case getcpu = 309
    case process_vm_readv = 310
    case process_vm_writev = 311
    case kcmp = 312
    case finit_module = 313
    case sched_setattr = 314
    case sched_getattr = 315
    case renameat2 = 316
    case seccomp = 317
    case getrandom = 318
    case memfd_create = 319
    case kexec_file_load = 320
    case bpf = 321
    case execveat = 322
    case userfaultfd = 323
    case membarrier = 324
    case mlock2 = 325
    case copy_file_range = 326
    case preadv2 = 327
    case pwritev2 = 328
    case pkey_mprotect = 329
    case pkey_alloc = 330
    case pkey_free = 331
    case statx = 332
    case io_pgetevents = 333
    case rseq = 334
    case uretprobe = 335
    case uprobe = 336

    // Numbers from here on are the same on every architecture.
    case pidfd_send_signal = 424
    case io_uring_setup = 425
    case io_uring_enter = 426
    case io_uring_register = 427
    case open_tree = 428
    case move_mount = 429
    case fsopen = 430
    case fsconfig = 431
    case fsmount = 432
    case fspick = 433
    case pidfd_open = 434
    case clone3 = 435
    case close_range = 436
    case openat2 = 437
    case pidfd_getfd = 438
    case faccessat2 = 439
    case process_madvise = 440
    case epoll_pwait2 = 441
    case mount_setattr = 442
    case quotactl_fd = 443
    case landlock_create_ruleset = 444
    case landlock_add_rule = 445
    case landlock_restrict_self = 446
    case memfd_secret = 447
    case process_mrelease = 448
    case futex_waitv = 449
    case set_mempolicy_home_node = 450
    case cachestat = 451
    case fchmodat2 = 452
    case map_shadow_stack = 453
    case futex_wake = 454
    case futex_wait = 455
    case futex_requeue = 456
    case statmount = 457
    case listmount = 458
    case lsm_get_self_attr = 459
    case lsm_set_self_attr = 460
    case lsm_list_modules = 461
    case mseal = 462
    case setxattrat = 463
    case getxattrat = 464
    case listxattrat = 465
    case removexattrat = 466
    case open_tree_attr = 467
    case file_getattr = 468
    case file_setattr = 469
    case listns = 470
    case rseq_slice_yield = 471

    /// Linux's name for the call, as in syscall_64.tbl, for messages such as
    /// "unimplemented syscall newfstatat (262)" and for the generated
    /// docs/syscalls.md. Embedded Swift has no reflection to turn a case into
    /// its name, so the names are spelled out once more here; a host test
    /// checks each against its case.
    public var name: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .open: "open"
        case .close: "close"
        case .stat: "stat"
        case .fstat: "fstat"
        case .lstat: "lstat"
        case .poll: "poll"
        case .lseek: "lseek"
        case .mmap: "mmap"
        case .mprotect: "mprotect"
        case .munmap: "munmap"
        case .brk: "brk"
        case .rt_sigaction: "rt_sigaction"
        case .rt_sigprocmask: "rt_sigprocmask"
        case .rt_sigreturn: "rt_sigreturn"
        case .ioctl: "ioctl"
        case .pread64: "pread64"
        case .pwrite64: "pwrite64"
        case .readv: "readv"
        case .writev: "writev"
        case .access: "access"
        case .pipe: "pipe"
        case .select: "select"
        case .sched_yield: "sched_yield"
        case .mremap: "mremap"
        case .msync: "msync"
        case .mincore: "mincore"
        case .madvise: "madvise"
        case .shmget: "shmget"
        case .shmat: "shmat"
        case .shmctl: "shmctl"
        case .dup: "dup"
        case .dup2: "dup2"
        case .pause: "pause"
        case .nanosleep: "nanosleep"
        case .getitimer: "getitimer"
        case .alarm: "alarm"
        case .setitimer: "setitimer"
        case .getpid: "getpid"
        case .sendfile: "sendfile"
        case .socket: "socket"
        case .connect: "connect"
        case .accept: "accept"
        case .sendto: "sendto"
        case .recvfrom: "recvfrom"
        case .sendmsg: "sendmsg"
        case .recvmsg: "recvmsg"
        case .shutdown: "shutdown"
        case .bind: "bind"
        case .listen: "listen"
        case .getsockname: "getsockname"
        case .getpeername: "getpeername"
        case .socketpair: "socketpair"
        case .setsockopt: "setsockopt"
        case .getsockopt: "getsockopt"
        case .clone: "clone"
        case .fork: "fork"
        case .vfork: "vfork"
        case .execve: "execve"
        case .exit: "exit"
        case .wait4: "wait4"
        case .kill: "kill"
        case .uname: "uname"
        case .semget: "semget"
        case .semop: "semop"
        case .semctl: "semctl"
        case .shmdt: "shmdt"
        case .msgget: "msgget"
        case .msgsnd: "msgsnd"
        case .msgrcv: "msgrcv"
        case .msgctl: "msgctl"
        case .fcntl: "fcntl"
        case .flock: "flock"
        case .fsync: "fsync"
        case .fdatasync: "fdatasync"
        case .truncate: "truncate"
        case .ftruncate: "ftruncate"
        case .getdents: "getdents"
        case .getcwd: "getcwd"
        case .chdir: "chdir"
        case .fchdir: "fchdir"
        case .rename: "rename"
        case .mkdir: "mkdir"
        case .rmdir: "rmdir"
        case .creat: "creat"
        case .link: "link"
        case .unlink: "unlink"
        case .symlink: "symlink"
        case .readlink: "readlink"
        case .chmod: "chmod"
        case .fchmod: "fchmod"
        case .chown: "chown"
        case .fchown: "fchown"
        case .lchown: "lchown"
        case .umask: "umask"
        case .gettimeofday: "gettimeofday"
        case .getrlimit: "getrlimit"
        case .getrusage: "getrusage"
        case .sysinfo: "sysinfo"
        case .times: "times"
        case .ptrace: "ptrace"
        case .getuid: "getuid"
        case .syslog: "syslog"
        case .getgid: "getgid"
        case .setuid: "setuid"
        case .setgid: "setgid"
        case .geteuid: "geteuid"
        case .getegid: "getegid"
        case .setpgid: "setpgid"
        case .getppid: "getppid"
        case .getpgrp: "getpgrp"
        case .setsid: "setsid"
        case .setreuid: "setreuid"
        case .setregid: "setregid"
        case .getgroups: "getgroups"
        case .setgroups: "setgroups"
        case .setresuid: "setresuid"
        case .getresuid: "getresuid"
        case .setresgid: "setresgid"
        case .getresgid: "getresgid"
        case .getpgid: "getpgid"
        case .setfsuid: "setfsuid"
        case .setfsgid: "setfsgid"
        case .getsid: "getsid"
        case .capget: "capget"
        case .capset: "capset"
        case .rt_sigpending: "rt_sigpending"
        case .rt_sigtimedwait: "rt_sigtimedwait"
        case .rt_sigqueueinfo: "rt_sigqueueinfo"
        case .rt_sigsuspend: "rt_sigsuspend"
        case .sigaltstack: "sigaltstack"
        case .utime: "utime"
        case .mknod: "mknod"
        case .uselib: "uselib"
        case .personality: "personality"
        case .ustat: "ustat"
        case .statfs: "statfs"
        case .fstatfs: "fstatfs"
        case .sysfs: "sysfs"
        case .getpriority: "getpriority"
        case .setpriority: "setpriority"
        case .sched_setparam: "sched_setparam"
        case .sched_getparam: "sched_getparam"
        case .sched_setscheduler: "sched_setscheduler"
        case .sched_getscheduler: "sched_getscheduler"
        case .sched_get_priority_max: "sched_get_priority_max"
        case .sched_get_priority_min: "sched_get_priority_min"
        case .sched_rr_get_interval: "sched_rr_get_interval"
        case .mlock: "mlock"
        case .munlock: "munlock"
        case .mlockall: "mlockall"
        case .munlockall: "munlockall"
        case .vhangup: "vhangup"
        case .modify_ldt: "modify_ldt"
        case .pivot_root: "pivot_root"
        case ._sysctl: "_sysctl"
        case .prctl: "prctl"
        case .arch_prctl: "arch_prctl"
        case .adjtimex: "adjtimex"
        case .setrlimit: "setrlimit"
        case .chroot: "chroot"
        case .sync: "sync"
        case .acct: "acct"
        case .settimeofday: "settimeofday"
        case .mount: "mount"
        case .umount2: "umount2"
        case .swapon: "swapon"
        case .swapoff: "swapoff"
        case .reboot: "reboot"
        case .sethostname: "sethostname"
        case .setdomainname: "setdomainname"
        case .iopl: "iopl"
        case .ioperm: "ioperm"
        case .create_module: "create_module"
        case .init_module: "init_module"
        case .delete_module: "delete_module"
        case .get_kernel_syms: "get_kernel_syms"
        case .query_module: "query_module"
        case .quotactl: "quotactl"
        case .nfsservctl: "nfsservctl"
        case .getpmsg: "getpmsg"
        case .putpmsg: "putpmsg"
        case .afs_syscall: "afs_syscall"
        case .tuxcall: "tuxcall"
        case .security: "security"
        case .gettid: "gettid"
        case .readahead: "readahead"
        case .setxattr: "setxattr"
        case .lsetxattr: "lsetxattr"
        case .fsetxattr: "fsetxattr"
        case .getxattr: "getxattr"
        case .lgetxattr: "lgetxattr"
        case .fgetxattr: "fgetxattr"
        case .listxattr: "listxattr"
        case .llistxattr: "llistxattr"
        case .flistxattr: "flistxattr"
        case .removexattr: "removexattr"
        case .lremovexattr: "lremovexattr"
        case .fremovexattr: "fremovexattr"
        case .tkill: "tkill"
        case .time: "time"
        case .futex: "futex"
        case .sched_setaffinity: "sched_setaffinity"
        case .sched_getaffinity: "sched_getaffinity"
        case .set_thread_area: "set_thread_area"
        case .io_setup: "io_setup"
        case .io_destroy: "io_destroy"
        case .io_getevents: "io_getevents"
        case .io_submit: "io_submit"
        case .io_cancel: "io_cancel"
        case .get_thread_area: "get_thread_area"
        case .lookup_dcookie: "lookup_dcookie"
        case .epoll_create: "epoll_create"
        case .epoll_ctl_old: "epoll_ctl_old"
        case .epoll_wait_old: "epoll_wait_old"
        case .remap_file_pages: "remap_file_pages"
        case .getdents64: "getdents64"
        case .set_tid_address: "set_tid_address"
        case .restart_syscall: "restart_syscall"
        case .semtimedop: "semtimedop"
        case .fadvise64: "fadvise64"
        case .timer_create: "timer_create"
        case .timer_settime: "timer_settime"
        case .timer_gettime: "timer_gettime"
        case .timer_getoverrun: "timer_getoverrun"
        case .timer_delete: "timer_delete"
        case .clock_settime: "clock_settime"
        case .clock_gettime: "clock_gettime"
        case .clock_getres: "clock_getres"
        case .clock_nanosleep: "clock_nanosleep"
        case .exit_group: "exit_group"
        case .epoll_wait: "epoll_wait"
        case .epoll_ctl: "epoll_ctl"
        case .tgkill: "tgkill"
        case .utimes: "utimes"
        case .vserver: "vserver"
        case .mbind: "mbind"
        case .set_mempolicy: "set_mempolicy"
        case .get_mempolicy: "get_mempolicy"
        case .mq_open: "mq_open"
        case .mq_unlink: "mq_unlink"
        case .mq_timedsend: "mq_timedsend"
        case .mq_timedreceive: "mq_timedreceive"
        case .mq_notify: "mq_notify"
        case .mq_getsetattr: "mq_getsetattr"
        case .kexec_load: "kexec_load"
        case .waitid: "waitid"
        case .add_key: "add_key"
        case .request_key: "request_key"
        case .keyctl: "keyctl"
        case .ioprio_set: "ioprio_set"
        case .ioprio_get: "ioprio_get"
        case .inotify_init: "inotify_init"
        case .inotify_add_watch: "inotify_add_watch"
        case .inotify_rm_watch: "inotify_rm_watch"
        case .migrate_pages: "migrate_pages"
        case .openat: "openat"
        case .mkdirat: "mkdirat"
        case .mknodat: "mknodat"
        case .fchownat: "fchownat"
        case .futimesat: "futimesat"
        case .newfstatat: "newfstatat"
        case .unlinkat: "unlinkat"
        case .renameat: "renameat"
        case .linkat: "linkat"
        case .symlinkat: "symlinkat"
        case .readlinkat: "readlinkat"
        case .fchmodat: "fchmodat"
        case .faccessat: "faccessat"
        case .pselect6: "pselect6"
        case .ppoll: "ppoll"
        case .unshare: "unshare"
        case .set_robust_list: "set_robust_list"
        case .get_robust_list: "get_robust_list"
        case .splice: "splice"
        case .tee: "tee"
        case .sync_file_range: "sync_file_range"
        case .vmsplice: "vmsplice"
        case .move_pages: "move_pages"
        case .utimensat: "utimensat"
        case .epoll_pwait: "epoll_pwait"
        case .signalfd: "signalfd"
        case .timerfd_create: "timerfd_create"
        case .eventfd: "eventfd"
        case .fallocate: "fallocate"
        case .timerfd_settime: "timerfd_settime"
        case .timerfd_gettime: "timerfd_gettime"
        case .accept4: "accept4"
        case .signalfd4: "signalfd4"
        case .eventfd2: "eventfd2"
        case .epoll_create1: "epoll_create1"
        case .dup3: "dup3"
        case .pipe2: "pipe2"
        case .inotify_init1: "inotify_init1"
        case .preadv: "preadv"
        case .pwritev: "pwritev"
        case .rt_tgsigqueueinfo: "rt_tgsigqueueinfo"
        case .perf_event_open: "perf_event_open"
        case .recvmmsg: "recvmmsg"
        case .fanotify_init: "fanotify_init"
        case .fanotify_mark: "fanotify_mark"
        case .prlimit64: "prlimit64"
        case .name_to_handle_at: "name_to_handle_at"
        case .open_by_handle_at: "open_by_handle_at"
        case .clock_adjtime: "clock_adjtime"
        case .syncfs: "syncfs"
        case .sendmmsg: "sendmmsg"
        case .setns: "setns"
        case .getcpu: "getcpu"
        case .process_vm_readv: "process_vm_readv"
        case .process_vm_writev: "process_vm_writev"
        case .kcmp: "kcmp"
        case .finit_module: "finit_module"
        case .sched_setattr: "sched_setattr"
        case .sched_getattr: "sched_getattr"
        case .renameat2: "renameat2"
        case .seccomp: "seccomp"
        case .getrandom: "getrandom"
        case .memfd_create: "memfd_create"
        case .kexec_file_load: "kexec_file_load"
        case .bpf: "bpf"
        case .execveat: "execveat"
        case .userfaultfd: "userfaultfd"
        case .membarrier: "membarrier"
        case .mlock2: "mlock2"
        case .copy_file_range: "copy_file_range"
        case .preadv2: "preadv2"
        case .pwritev2: "pwritev2"
        case .pkey_mprotect: "pkey_mprotect"
        case .pkey_alloc: "pkey_alloc"
        case .pkey_free: "pkey_free"
        case .statx: "statx"
        case .io_pgetevents: "io_pgetevents"
        case .rseq: "rseq"
        case .uretprobe: "uretprobe"
        case .uprobe: "uprobe"
        case .pidfd_send_signal: "pidfd_send_signal"
        case .io_uring_setup: "io_uring_setup"
        case .io_uring_enter: "io_uring_enter"
        case .io_uring_register: "io_uring_register"
        case .open_tree: "open_tree"
        case .move_mount: "move_mount"
        case .fsopen: "fsopen"
        case .fsconfig: "fsconfig"
        case .fsmount: "fsmount"
        case .fspick: "fspick"
        case .pidfd_open: "pidfd_open"
        case .clone3: "clone3"
        case .close_range: "close_range"
        case .openat2: "openat2"
        case .pidfd_getfd: "pidfd_getfd"
        case .faccessat2: "faccessat2"
        case .process_madvise: "process_madvise"
        case .epoll_pwait2: "epoll_pwait2"
        case .mount_setattr: "mount_setattr"
        case .quotactl_fd: "quotactl_fd"
        case .landlock_create_ruleset: "landlock_create_ruleset"
        case .landlock_add_rule: "landlock_add_rule"
        case .landlock_restrict_self: "landlock_restrict_self"
        case .memfd_secret: "memfd_secret"
        case .process_mrelease: "process_mrelease"
        case .futex_waitv: "futex_waitv"
        case .set_mempolicy_home_node: "set_mempolicy_home_node"
        case .cachestat: "cachestat"
        case .fchmodat2: "fchmodat2"
        case .map_shadow_stack: "map_shadow_stack"
        case .futex_wake: "futex_wake"
        case .futex_wait: "futex_wait"
        case .futex_requeue: "futex_requeue"
        case .statmount: "statmount"
        case .listmount: "listmount"
        case .lsm_get_self_attr: "lsm_get_self_attr"
        case .lsm_set_self_attr: "lsm_set_self_attr"
        case .lsm_list_modules: "lsm_list_modules"
        case .mseal: "mseal"
        case .setxattrat: "setxattrat"
        case .getxattrat: "getxattrat"
        case .listxattrat: "listxattrat"
        case .removexattrat: "removexattrat"
        case .open_tree_attr: "open_tree_attr"
        case .file_getattr: "file_getattr"
        case .file_setattr: "file_setattr"
        case .listns: "listns"
        case .rseq_slice_yield: "rseq_slice_yield"
        }
    }
}
