// The numbers of process life: clone flags, waiting and wait statuses,
// arch_prctl, futexes, the ELF auxiliary vector, resource limits and usage,
// and scheduling policies.

/// The flags of clone(2) and clone3(2): what the child shares with its
/// parent, and what the kernel writes where when it starts.
/// Linux: include/uapi/linux/sched.h.
///
/// clone(2) takes 32 bits, of which the low byte (CSIGNAL) is not a flag
/// but the signal the parent gets when the child exits, usually SIGCHLD.
/// clone3(2) takes 64 bits and the exit signal in a field of its own, which
/// frees that byte and makes room for the bits above 31.
public struct CloneFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// clone(2)'s exit-signal field.
    public static let CSIGNAL = CloneFlags(rawValue: 0x0000_00ff)
    /// clone3 and unshare only: a new time namespace. Inside CSIGNAL's
    /// byte, so clone(2) cannot express it.
    public static let CLONE_NEWTIME = CloneFlags(rawValue: 0x0000_0080)

    // MARK: Sharing
    /// Share the address space: a thread, or vfork's borrowed parent memory.
    public static let CLONE_VM = CloneFlags(rawValue: 0x0000_0100)
    /// Share root, current directory and umask.
    public static let CLONE_FS = CloneFlags(rawValue: 0x0000_0200)
    /// Share the descriptor table.
    public static let CLONE_FILES = CloneFlags(rawValue: 0x0000_0400)
    /// Share signal handlers (requires CLONE_VM).
    public static let CLONE_SIGHAND = CloneFlags(rawValue: 0x0000_0800)
    /// Return a pidfd for the child through parent_tid (clone) or pidfd (clone3).
    public static let CLONE_PIDFD = CloneFlags(rawValue: 0x0000_1000)
    public static let CLONE_PTRACE = CloneFlags(rawValue: 0x0000_2000)
    /// The parent sleeps until the child execs or exits.
    public static let CLONE_VFORK = CloneFlags(rawValue: 0x0000_4000)
    /// The child gets the caller's parent, not the caller, as its parent.
    public static let CLONE_PARENT = CloneFlags(rawValue: 0x0000_8000)
    /// Same thread group: a thread of the same process (requires CLONE_SIGHAND).
    public static let CLONE_THREAD = CloneFlags(rawValue: 0x0001_0000)
    public static let CLONE_NEWNS = CloneFlags(rawValue: 0x0002_0000)
    public static let CLONE_SYSVSEM = CloneFlags(rawValue: 0x0004_0000)

    // MARK: Thread start-up: what the kernel writes for the C library
    /// Set the child's FS base (its thread pointer) to `tls`.
    public static let CLONE_SETTLS = CloneFlags(rawValue: 0x0008_0000)
    /// Store the child's TID at parent_tid, in the parent's memory.
    public static let CLONE_PARENT_SETTID = CloneFlags(rawValue: 0x0010_0000)
    /// When the child exits, zero child_tid and wake a futex there: how
    /// pthread_join learns a thread has ended.
    public static let CLONE_CHILD_CLEARTID = CloneFlags(rawValue: 0x0020_0000)
    /// Unused; Linux ignores it.
    public static let CLONE_DETACHED = CloneFlags(rawValue: 0x0040_0000)
    public static let CLONE_UNTRACED = CloneFlags(rawValue: 0x0080_0000)
    /// Store the child's TID at child_tid, in the child's memory.
    public static let CLONE_CHILD_SETTID = CloneFlags(rawValue: 0x0100_0000)

    // MARK: Namespaces and the rest
    public static let CLONE_NEWCGROUP = CloneFlags(rawValue: 0x0200_0000)
    public static let CLONE_NEWUTS = CloneFlags(rawValue: 0x0400_0000)
    public static let CLONE_NEWIPC = CloneFlags(rawValue: 0x0800_0000)
    public static let CLONE_NEWUSER = CloneFlags(rawValue: 0x1000_0000)
    public static let CLONE_NEWPID = CloneFlags(rawValue: 0x2000_0000)
    public static let CLONE_NEWNET = CloneFlags(rawValue: 0x4000_0000)
    public static let CLONE_IO = CloneFlags(rawValue: 0x8000_0000)
    /// clone3 only: reset every handler to SIG_DFL in the child.
    public static let CLONE_CLEAR_SIGHAND = CloneFlags(rawValue: 0x1_0000_0000)
    /// clone3 only: start the child in the cgroup given by `cgroup`.
    public static let CLONE_INTO_CGROUP = CloneFlags(rawValue: 0x2_0000_0000)
}

/// The `options` of wait4(2) and waitid(2). Linux: include/uapi/linux/wait.h.
public struct WaitOptions: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Return 0 at once if no child has changed state.
    public static let WNOHANG = WaitOptions(rawValue: 0x0000_0001)
    /// Also report stopped children.
    public static let WUNTRACED = WaitOptions(rawValue: 0x0000_0002)
    /// waitid's name for WUNTRACED.
    public static let WSTOPPED = WUNTRACED
    /// waitid: report children that exited (wait4 always does).
    public static let WEXITED = WaitOptions(rawValue: 0x0000_0004)
    /// Also report children resumed by SIGCONT.
    public static let WCONTINUED = WaitOptions(rawValue: 0x0000_0008)
    /// waitid: report, but leave the child waitable.
    public static let WNOWAIT = WaitOptions(rawValue: 0x0100_0000)
    /// Only children of this thread, not of the others in its group.
    public static let __WNOTHREAD = WaitOptions(rawValue: 0x2000_0000)
    /// Children whatever their exit signal.
    public static let __WALL = WaitOptions(rawValue: 0x4000_0000)
    /// Only "clone" children: those whose exit signal is not SIGCHLD.
    public static let __WCLONE = WaitOptions(rawValue: Int32(bitPattern: 0x8000_0000))
}

/// waitid's `idtype`: what its `id` argument names. Linux: include/uapi/linux/wait.h.
public enum WaitIDType: Int32, Sendable {
    /// Any child; `id` is ignored.
    case P_ALL = 0
    case P_PID = 1
    /// Any child in process group `id`.
    case P_PGID = 2
    /// The child the pidfd `id` refers to.
    case P_PIDFD = 3
}

/// The status word wait4(2) stores for the parent, encoded exactly as
/// Linux encodes it (kernel/exit.c) and as the C library's WIFEXITED,
/// WEXITSTATUS, WIFSIGNALED, WTERMSIG, WCOREDUMP, WIFSTOPPED, WSTOPSIG and
/// WIFCONTINUED take it apart.
public enum WaitStatus {
    /// Set with the signal number when the process dumped core.
    public static let coreDumpFlag: Int32 = 0x80

    /// exit(code) or exit_group(code): only the low 8 bits survive, in bits 8-15.
    public static func exited(code: Int32) -> Int32 { (code & 0xff) << 8 }

    /// Killed by `signal`: the number in the low 7 bits, plus 0x80 for a core dump.
    public static func signaled(by signal: Signal, coreDumped: Bool) -> Int32 {
        signal.rawValue | (coreDumped ? coreDumpFlag : 0)
    }

    /// Stopped by `signal`: 0x7f in the low byte (no real signal is 127), the
    /// signal above it.
    public static func stopped(by signal: Signal) -> Int32 { (signal.rawValue << 8) | 0x7f }

    /// Resumed by SIGCONT (reported with WCONTINUED).
    public static let continued: Int32 = 0xffff
}

/// The `code` of arch_prctl(2): x86-64's per-thread segment bases and CPUID
/// faulting. Linux: arch/x86/include/uapi/asm/prctl.h.
///
/// FS is the thread pointer of x86-64 user space: the C library points it
/// at the thread's TLS block with ARCH_SET_FS before main runs.
public enum ArchPrctlCode: Int32, Sendable {
    case ARCH_SET_GS = 0x1001
    case ARCH_SET_FS = 0x1002
    case ARCH_GET_FS = 0x1003
    case ARCH_GET_GS = 0x1004
    /// Whether CPUID executes normally (1) or faults with SIGSEGV (0).
    case ARCH_GET_CPUID = 0x1011
    case ARCH_SET_CPUID = 0x1012
}

/// The operation word of futex(2): a command in the low bits, plus two
/// option bits. Linux: include/uapi/linux/futex.h.
public enum FutexCommand: Int32, Sendable {
    /// Sleep if the word still holds the expected value.
    case FUTEX_WAIT = 0
    /// Wake up to `val` sleepers.
    case FUTEX_WAKE = 1
    /// Removed from Linux long ago; the number stays reserved.
    case FUTEX_FD = 2
    case FUTEX_REQUEUE = 3
    case FUTEX_CMP_REQUEUE = 4
    case FUTEX_WAKE_OP = 5
    case FUTEX_LOCK_PI = 6
    case FUTEX_UNLOCK_PI = 7
    case FUTEX_TRYLOCK_PI = 8
    /// FUTEX_WAIT with a wake-up bit mask, and an absolute timeout.
    case FUTEX_WAIT_BITSET = 9
    /// FUTEX_WAKE for waiters whose mask shares a bit with this one.
    case FUTEX_WAKE_BITSET = 10
    case FUTEX_WAIT_REQUEUE_PI = 11
    case FUTEX_CMP_REQUEUE_PI = 12
    case FUTEX_LOCK_PI2 = 13

    // The two option bits; the command is `op & FUTEX_CMD_MASK`.

    /// The futex word is not shared with other processes, so the kernel can
    /// key waiters by address alone. glibc sets it on every process-local lock.
    public static let FUTEX_PRIVATE_FLAG: Int32 = 128
    /// Timeouts are measured on CLOCK_REALTIME instead of CLOCK_MONOTONIC.
    public static let FUTEX_CLOCK_REALTIME: Int32 = 256
    public static let FUTEX_CMD_MASK: Int32 = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)

    /// The mask that matches every waiter (what FUTEX_WAIT and FUTEX_WAKE use).
    public static let FUTEX_BITSET_MATCH_ANY: UInt32 = 0xffff_ffff
}

/// The keys of the ELF auxiliary vector, the (key, value) pairs execve
/// leaves on the new program's stack after its environment.
/// Linux: include/uapi/linux/auxvec.h, plus AT_SYSINFO_EHDR from
/// arch/x86/include/uapi/asm/auxvec.h. 18...22 are reserved; 32 is the
/// i386 vsyscall entry, absent on x86-64.
public enum AuxvType: UInt64, Sendable {
    /// Ends the vector.
    case AT_NULL = 0
    case AT_IGNORE = 1
    case AT_EXECFD = 2
    /// Where the program headers are in memory, their entry size and count:
    /// how a static binary finds its own TLS template.
    case AT_PHDR = 3
    case AT_PHENT = 4
    case AT_PHNUM = 5
    case AT_PAGESZ = 6
    /// The interpreter's (ld.so's) load address; 0 for a static binary.
    case AT_BASE = 7
    case AT_FLAGS = 8
    /// The program's entry point.
    case AT_ENTRY = 9
    case AT_NOTELF = 10
    case AT_UID = 11
    case AT_EUID = 12
    case AT_GID = 13
    case AT_EGID = 14
    /// Address of a string naming the CPU ("x86_64").
    case AT_PLATFORM = 15
    /// CPUID leaf 1's EDX feature bits, on x86.
    case AT_HWCAP = 16
    /// The clock tick rate times() counts in (USER_HZ, 100).
    case AT_CLKTCK = 17
    /// Nonzero for set-ID programs: the C library then ignores dangerous
    /// environment variables.
    case AT_SECURE = 23
    case AT_BASE_PLATFORM = 24
    /// Address of 16 random bytes: the C library's stack-protector and
    /// pointer-guard seeds.
    case AT_RANDOM = 25
    case AT_HWCAP2 = 26
    case AT_RSEQ_FEATURE_SIZE = 27
    case AT_RSEQ_ALIGN = 28
    case AT_HWCAP3 = 29
    case AT_HWCAP4 = 30
    /// Address of the path execve was given.
    case AT_EXECFN = 31
    /// Address of the vDSO's ELF header.
    case AT_SYSINFO_EHDR = 33
    /// The smallest signal stack the kernel can deliver a signal onto.
    case AT_MINSIGSTKSZ = 51
}

/// What execve copies for the new program, and how much of a file it reads
/// to recognise its format. Linux: include/uapi/linux/binfmts.h.
public enum ExecLimits {
    /// MAX_ARG_STRLEN: the longest single argument or environment string,
    /// its NUL included (32 pages); a longer one is E2BIG.
    public static let MAX_ARG_STRLEN = 32 * 4096
    /// MAX_ARG_STRINGS: the most argument or environment pointers counted.
    public static let MAX_ARG_STRINGS = 0x7FFF_FFFF
    /// BINPRM_BUF_SIZE: the bytes at the start of a file that exec reads to
    /// choose its format (and that hold a script's `#!` line).
    public static let BINPRM_BUF_SIZE = 256
}

/// The resources of getrlimit, setrlimit and prlimit64.
/// Linux: include/uapi/asm-generic/resource.h (x86 keeps the generic numbers).
public enum RlimitResource: Int32, Sendable, CaseIterable {
    /// CPU time, in seconds.
    case RLIMIT_CPU = 0
    /// Largest file that may be written, in bytes.
    case RLIMIT_FSIZE = 1
    /// Data segment and heap (brk, and private writable mappings), in bytes.
    case RLIMIT_DATA = 2
    /// Main thread's stack, in bytes; also steers where mmap places mappings.
    case RLIMIT_STACK = 3
    case RLIMIT_CORE = 4
    case RLIMIT_RSS = 5
    /// Processes (threads) per real user ID.
    case RLIMIT_NPROC = 6
    /// One more than the highest descriptor number that may be opened.
    case RLIMIT_NOFILE = 7
    case RLIMIT_MEMLOCK = 8
    /// Address space, in bytes.
    case RLIMIT_AS = 9
    case RLIMIT_LOCKS = 10
    case RLIMIT_SIGPENDING = 11
    case RLIMIT_MSGQUEUE = 12
    case RLIMIT_NICE = 13
    case RLIMIT_RTPRIO = 14
    case RLIMIT_RTTIME = 15

    /// How many resources there are (one past the last number).
    public static let RLIM_NLIMITS = 16
}

extension Rusage {
    /// getrusage's `who`.
    public static let RUSAGE_SELF: Int32 = 0
    public static let RUSAGE_CHILDREN: Int32 = -1
    public static let RUSAGE_THREAD: Int32 = 1
}

/// The scheduling policy numbers of sched_setscheduler(2) and
/// sched_setattr(2). Linux: include/uapi/linux/sched.h.
/// lib/sched/SchedPolicy.swift gives the ones Apus implements their meaning.
public enum SchedPolicyNumber {
    public static let SCHED_NORMAL: Int32 = 0
    public static let SCHED_FIFO: Int32 = 1
    public static let SCHED_RR: Int32 = 2
    public static let SCHED_BATCH: Int32 = 3
    // 4 is reserved for SCHED_ISO, which Linux never implemented.
    public static let SCHED_IDLE: Int32 = 5
    public static let SCHED_DEADLINE: Int32 = 6
    /// Scheduling by a BPF program (sched_ext).
    public static let SCHED_EXT: Int32 = 7
    /// OR'd into the policy: children of fork inherit neither a real-time
    /// policy nor a negative nice value.
    public static let SCHED_RESET_ON_FORK: Int32 = 0x4000_0000
}

/// The futex word's bits that the kernel itself interprets: at thread exit
/// (robust lists) and in the priority-inheritance operations.
/// Linux: include/uapi/linux/futex.h.
public enum FutexWord {
    /// Someone sleeps on the futex: the owner must FUTEX_WAKE when releasing it.
    public static let FUTEX_WAITERS: UInt32 = 0x8000_0000
    /// The owner died holding the lock; set by the kernel for robust mutexes.
    public static let FUTEX_OWNER_DIED: UInt32 = 0x4000_0000
    /// The owner's thread ID.
    public static let FUTEX_TID_MASK: UInt32 = 0x3fff_ffff
    /// How many robust-list entries the kernel follows at exit, so a
    /// corrupted or circular list cannot keep it busy (ROBUST_LIST_LIMIT).
    public static let ROBUST_LIST_LIMIT = 2048
}

extension Tms {
    /// The tick user space counts clock_t in (Linux: USER_HZ; also AT_CLKTCK).
    public static let USER_HZ: UInt64 = 100
}

/// The arguments of reboot(2): two magic numbers that make an accidental
/// call unlikely, and the command. Linux: include/uapi/linux/reboot.h.
public enum RebootCommand {
    public static let LINUX_REBOOT_MAGIC1: UInt32 = 0xfee1_dead
    /// Any of these is accepted as the second magic (Linus's and his
    /// daughters' birthdays, in hexadecimal).
    public static let LINUX_REBOOT_MAGIC2: UInt32 = 672_274_793
    public static let LINUX_REBOOT_MAGIC2A: UInt32 = 85_072_278
    public static let LINUX_REBOOT_MAGIC2B: UInt32 = 369_367_448
    public static let LINUX_REBOOT_MAGIC2C: UInt32 = 537_993_216

    /// Restart the machine.
    public static let LINUX_REBOOT_CMD_RESTART: UInt32 = 0x0123_4567
    /// Stop the machine (and leave it on).
    public static let LINUX_REBOOT_CMD_HALT: UInt32 = 0xcdef_0123
    /// Ctrl-Alt-Del restarts at once / sends SIGINT to init.
    public static let LINUX_REBOOT_CMD_CAD_ON: UInt32 = 0x89ab_cdef
    public static let LINUX_REBOOT_CMD_CAD_OFF: UInt32 = 0x0000_0000
    /// Stop the machine and switch it off: busybox `poweroff -f`.
    public static let LINUX_REBOOT_CMD_POWER_OFF: UInt32 = 0x4321_fedc
    /// Restart with a command string for the firmware.
    public static let LINUX_REBOOT_CMD_RESTART2: UInt32 = 0xa1b2_c3d4
    public static let LINUX_REBOOT_CMD_SW_SUSPEND: UInt32 = 0xd000_fce2
    public static let LINUX_REBOOT_CMD_KEXEC: UInt32 = 0x4558_4543
}

/// The options of prctl(2) that Apus knows. Linux: include/uapi/linux/prctl.h.
public enum PrctlOption {
    /// Set the calling thread's name (`comm`), at most 15 bytes and a NUL.
    public static let PR_SET_NAME: Int32 = 15
    /// Read it into a 16-byte buffer.
    public static let PR_GET_NAME: Int32 = 16
}

/// getpriority/setpriority's `which`. Linux: include/uapi/linux/resource.h.
public enum PriorityWhich {
    public static let PRIO_PROCESS: Int32 = 0
    public static let PRIO_PGRP: Int32 = 1
    public static let PRIO_USER: Int32 = 2
}

/// The clock IDs of other processes' and threads' CPU clocks, which
/// clock_getcpuclockid and pthread_getcpuclockid compute: ~pid << 3, a
/// per-thread bit and a clock type. Linux: include/linux/posix-timers_types.h
/// (the encoding is ABI: the C libraries build these numbers themselves).
public enum CPUClockID {
    public static let CPUCLOCK_PROF: Int32 = 0
    public static let CPUCLOCK_VIRT: Int32 = 1
    public static let CPUCLOCK_SCHED: Int32 = 2
    /// The low two bits at 3: not a CPU clock but a file-descriptor clock.
    public static let CLOCKFD: Int32 = 3
    public static let CPUCLOCK_PERTHREAD_MASK: Int32 = 4

    /// The process or thread ID a CPU clock ID names (0: the caller).
    public static func pid(of clock: Int32) -> Int32 { ~(clock >> 3) }
    public static func isPerThread(_ clock: Int32) -> Bool { clock & CPUCLOCK_PERTHREAD_MASK != 0 }
    public static func type(of clock: Int32) -> Int32 { clock & 3 }
}
