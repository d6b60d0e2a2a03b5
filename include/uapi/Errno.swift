/// Linux's error numbers, every one of them.
/// Linux: include/uapi/asm-generic/errno-base.h (1...34) and
/// include/uapi/asm-generic/errno.h (35...133); x86-64 uses the generic values.
///
/// Kernel code throws these; the system call layer returns them negated in
/// rax, and the C library moves them into `errno`. The numbers are ABI: a
/// program compares `errno` against the constants compiled into it.
///
/// 41 and 58 are holes: Linux once used them for EWOULDBLOCK and EDEADLOCK,
/// which are now aliases (below) and no longer numbers of their own.
public enum Errno: Int32, Error, Sendable, CaseIterable {
    // MARK: The original Unix errors (errno-base.h)
    case EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5
    case ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9, ECHILD = 10
    case EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15
    case EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20
    case EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25
    case ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30
    case EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34

    // MARK: Locks, names and the system call table
    case EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37
    /// Only the system call entry returns this, for a number with no
    /// handler; Linux asks implemented calls never to return it, so that
    /// "no such call" stays distinguishable from a failure.
    case ENOSYS = 38
    case ENOTEMPTY = 39, ELOOP = 40

    // MARK: System V IPC and STREAMS heritage
    case ENOMSG = 42, EIDRM = 43, ECHRNG = 44, EL2NSYNC = 45, EL3HLT = 46
    case EL3RST = 47, ELNRNG = 48, EUNATCH = 49, ENOCSI = 50, EL2HLT = 51
    case EBADE = 52, EBADR = 53, EXFULL = 54, ENOANO = 55, EBADRQC = 56
    case EBADSLT = 57, EBFONT = 59, ENOSTR = 60, ENODATA = 61, ETIME = 62
    case ENOSR = 63, ENONET = 64, ENOPKG = 65, EREMOTE = 66, ENOLINK = 67
    case EADV = 68, ESRMNT = 69, ECOMM = 70, EPROTO = 71, EMULTIHOP = 72
    case EDOTDOT = 73, EBADMSG = 74, EOVERFLOW = 75, ENOTUNIQ = 76, EBADFD = 77
    case EREMCHG = 78

    // MARK: Shared libraries, character sets, restarts
    case ELIBACC = 79, ELIBBAD = 80, ELIBSCN = 81, ELIBMAX = 82, ELIBEXEC = 83
    case EILSEQ = 84, ERESTART = 85, ESTRPIPE = 86, EUSERS = 87

    // MARK: Sockets and networking
    case ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91
    case ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94
    case EOPNOTSUPP = 95, EPFNOSUPPORT = 96, EAFNOSUPPORT = 97, EADDRINUSE = 98
    case EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ENETRESET = 102
    case ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106
    case ENOTCONN = 107, ESHUTDOWN = 108, ETOOMANYREFS = 109, ETIMEDOUT = 110
    case ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113
    case EALREADY = 114, EINPROGRESS = 115

    // MARK: File systems, media and quotas
    case ESTALE = 116, EUCLEAN = 117, ENOTNAM = 118, ENAVAIL = 119, EISNAM = 120
    case EREMOTEIO = 121, EDQUOT = 122, ENOMEDIUM = 123, EMEDIUMTYPE = 124

    // MARK: Later additions: cancellation, keys, robust futexes, hardware
    case ECANCELED = 125, ENOKEY = 126, EKEYEXPIRED = 127, EKEYREVOKED = 128
    case EKEYREJECTED = 129, EOWNERDEAD = 130, ENOTRECOVERABLE = 131
    case ERFKILL = 132, EHWPOISON = 133

    // MARK: The kernel's own, never seen by user space (include/linux/errno.h)

    /// A sleep a signal interrupted: the call restarts if the handler has
    /// SA_RESTART or no handler runs, else it fails with EINTR.
    case ERESTARTSYS = 512
    /// Restarts whatever happens to the signal (fork, sigreturn-safe calls).
    case ERESTARTNOINTR = 513
    /// Restarts only if no handler runs; EINTR after a handler (pause, poll).
    case ERESTARTNOHAND = 514
    /// Like ERESTARTNOHAND, but the restart goes through restart_syscall,
    /// which resumes with what the task saved (nanosleep's remaining time).
    case ERESTART_RESTARTBLOCK = 516

    // MARK: Aliases

    /// Linux defines EWOULDBLOCK as EAGAIN: "try again" and "would block"
    /// are one error.
    public static let EWOULDBLOCK: Errno = .EAGAIN
    /// Linux defines EDEADLOCK as EDEADLK on x86.
    public static let EDEADLOCK: Errno = .EDEADLK
    /// The C library's name (glibc, musl) for EOPNOTSUPP; the kernel's uapi
    /// headers do not define it, but programs test `errno == ENOTSUP`.
    public static let ENOTSUP: Errno = .EOPNOTSUPP
}
