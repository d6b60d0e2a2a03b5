import Lib
import Testing

@testable import ABI

/// A selection of numbers from each file, each checked against the Linux
/// header it comes from.
@Suite struct ABIConstantsTests {
    // MARK: include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h, linux/fs.h

    @Test func openFlags() {
        #expect(OpenFlags.O_RDONLY.rawValue == 0)
        #expect(OpenFlags.O_WRONLY.rawValue == 1)
        #expect(OpenFlags.O_RDWR.rawValue == 2)
        #expect(OpenFlags.O_CREAT.rawValue == 0o100)
        #expect(OpenFlags.O_EXCL.rawValue == 0o200)
        #expect(OpenFlags.O_NOCTTY.rawValue == 0o400)
        #expect(OpenFlags.O_TRUNC.rawValue == 0o1000)
        #expect(OpenFlags.O_APPEND.rawValue == 0o2000)
        #expect(OpenFlags.O_NONBLOCK.rawValue == 0o4000)
        #expect(OpenFlags.O_DIRECTORY.rawValue == 0o200000)
        #expect(OpenFlags.O_NOFOLLOW.rawValue == 0o400000)
        #expect(OpenFlags.O_CLOEXEC.rawValue == 0o2000000)
        #expect(OpenFlags.O_SYNC.rawValue == 0o4010000)
        #expect(OpenFlags.O_PATH.rawValue == 0o10000000)
        #expect(OpenFlags.O_TMPFILE.rawValue == 0o20200000)
        let flags: OpenFlags = [.O_RDWR, .O_CREAT, .O_CLOEXEC]
        #expect(flags.accessMode == .O_RDWR)
        #expect(OpenFlags.O_APPEND.accessMode == .O_RDONLY)
    }

    // MARK: include/uapi/linux/eventpoll.h, eventfd.h, memfd.h, inotify.h

    @Test func eventInterfaceFlags() {
        #expect(EpollEvents.EPOLLIN.rawValue == 0x1 && EpollEvents.EPOLLOUT.rawValue == 0x4)
        #expect(EpollEvents.EPOLLRDHUP.rawValue == 0x2000)
        #expect(EpollEvents.EPOLLEXCLUSIVE.rawValue == 0x1000_0000 && EpollEvents.EPOLLWAKEUP.rawValue == 0x2000_0000)
        #expect(EpollEvents.EPOLLONESHOT.rawValue == 0x4000_0000 && EpollEvents.EPOLLET.rawValue == 0x8000_0000)
        #expect(EpollOperation.EPOLL_CTL_ADD.rawValue == 1 && EpollOperation.EPOLL_CTL_DEL.rawValue == 2)
        #expect(EpollOperation.EPOLL_CTL_MOD.rawValue == 3 && EpollFlags.EPOLL_CLOEXEC == 0o2000000)
        #expect(EventFdFlags.EFD_SEMAPHORE.rawValue == 1 && EventFdFlags.EFD_NONBLOCK.rawValue == 0o4000)
        #expect(SignalfdFlags.SFD_NONBLOCK.rawValue == 0o4000 && SignalfdFlags.SFD_CLOEXEC.rawValue == 0o2000000)
        #expect(MemfdFlags.MFD_CLOEXEC.rawValue == 1 && MemfdFlags.MFD_ALLOW_SEALING.rawValue == 2)
        #expect(FileSeals.F_SEAL_SEAL.rawValue == 1 && FileSeals.F_SEAL_WRITE.rawValue == 8)
        #expect(FileSeals.F_SEAL_FUTURE_WRITE.rawValue == 0x10)
        #expect(InotifyMask.IN_CREATE.rawValue == 0x100 && InotifyMask.IN_DELETE_SELF.rawValue == 0x400)
        #expect(InotifyMask.IN_IGNORED.rawValue == 0x8000 && InotifyMask.IN_ONESHOT.rawValue == 0x8000_0000)
        #expect(InotifyMask.IN_MASK_CREATE.rawValue == 0x1000_0000 && InotifyMask.allEvents.rawValue == 0xFFF)
        #expect(InotifyFlags.IN_NONBLOCK.rawValue == 0o4000 && InotifyFlags.IN_CLOEXEC.rawValue == 0o2000000)
    }

    @Test func atFlagsFcntlSeekAccessRename() {
        #expect(AtFlags.AT_FDCWD == -100)
        #expect(AtFlags.AT_SYMLINK_NOFOLLOW == 0x100)
        #expect(AtFlags.AT_REMOVEDIR == 0x200 && AtFlags.AT_EACCESS == 0x200)
        #expect(AtFlags.AT_SYMLINK_FOLLOW == 0x400)
        #expect(AtFlags.AT_EMPTY_PATH == 0x1000)
        #expect(FcntlCommand.F_DUPFD.rawValue == 0)
        #expect(FcntlCommand.F_GETFD.rawValue == 1 && FcntlCommand.F_SETFD.rawValue == 2)
        #expect(FcntlCommand.F_GETFL.rawValue == 3 && FcntlCommand.F_SETFL.rawValue == 4)
        #expect(FcntlCommand.F_SETLKW.rawValue == 7)
        #expect(FcntlCommand.F_OFD_SETLK.rawValue == 37)
        #expect(FcntlCommand.F_DUPFD_CLOEXEC.rawValue == 1030)
        #expect(FcntlCommand.F_GET_SEALS.rawValue == 1034)
        #expect(DescriptorFlags.FD_CLOEXEC == 1)
        #expect(SeekWhence.SEEK_SET.rawValue == 0 && SeekWhence.SEEK_END.rawValue == 2)
        #expect(SeekWhence.SEEK_DATA.rawValue == 3 && SeekWhence.SEEK_HOLE.rawValue == 4)
        // access(2) modes equal the "other" permission bits, which the kernel relies on.
        #expect(AccessMode.F_OK.rawValue == 0)
        #expect(UInt32(AccessMode.R_OK.rawValue) == FileMode.S_IROTH)
        #expect(UInt32(AccessMode.W_OK.rawValue) == FileMode.S_IWOTH)
        #expect(UInt32(AccessMode.X_OK.rawValue) == FileMode.S_IXOTH)
        #expect(RenameFlags.RENAME_NOREPLACE.rawValue == 1)
        #expect(RenameFlags.RENAME_EXCHANGE.rawValue == 2)
        #expect(RenameFlags.RENAME_WHITEOUT.rawValue == 4)
    }

    // MARK: include/uapi/linux/stat.h, include/linux/fs_types.h

    @Test func fileModeAndDirentTypes() {
        #expect(FileMode.S_IFMT == 0o170000)
        #expect(FileMode.S_IFSOCK == 0o140000 && FileMode.S_IFLNK == 0o120000)
        #expect(FileMode.S_IFREG == 0o100000 && FileMode.S_IFBLK == 0o060000)
        #expect(FileMode.S_IFDIR == 0o040000 && FileMode.S_IFCHR == 0o020000)
        #expect(FileMode.S_IFIFO == 0o010000)
        #expect(FileMode.S_ISUID == 0o4000 && FileMode.S_ISGID == 0o2000 && FileMode.S_ISVTX == 0o1000)
        #expect(FileMode.permissionBits == 0o777)
        #expect(FileMode.fileType(0o100755) == FileMode.S_IFREG)
        // d_type is the file type field shifted down by 12.
        #expect(Dirent64.type(forMode: FileMode.S_IFDIR | 0o755) == Dirent64.DT_DIR)
        #expect(Dirent64.type(forMode: FileMode.S_IFREG) == 8)
        #expect(Dirent64.type(forMode: FileMode.S_IFLNK) == 10)
        #expect(Dirent64.type(forMode: FileMode.S_IFCHR) == 2)
        #expect(Dirent64.DT_UNKNOWN == 0 && Dirent64.DT_FIFO == 1 && Dirent64.DT_BLK == 6)
        #expect(Dirent64.DT_SOCK == 12 && Dirent64.DT_WHT == 14)
        #expect(StatxMask.STATX_BASIC_STATS.rawValue == 0x7ff)
        #expect(StatxMask.STATX_BTIME.rawValue == 0x800)
        #expect(StatxMask.STATX_MNT_ID.rawValue == 0x1000)
        #expect(StatxMask.STATX__RESERVED.rawValue == 0x8000_0000)
    }

    // MARK: include/uapi/asm-generic/mman-common.h, mman.h, linux/mman.h

    @Test func memoryMappingNumbers() {
        #expect(MemoryProtection.PROT_NONE.rawValue == 0)
        #expect(MemoryProtection.PROT_READ.rawValue == 1)
        #expect(MemoryProtection.PROT_WRITE.rawValue == 2)
        #expect(MemoryProtection.PROT_EXEC.rawValue == 4)
        #expect(MapFlags.MAP_SHARED.rawValue == 1 && MapFlags.MAP_PRIVATE.rawValue == 2)
        #expect(MapFlags.MAP_FIXED.rawValue == 0x10)
        #expect(MapFlags.MAP_ANONYMOUS.rawValue == 0x20)
        #expect(MapFlags.MAP_GROWSDOWN.rawValue == 0x100)
        #expect(MapFlags.MAP_DENYWRITE.rawValue == 0x800)
        #expect(MapFlags.MAP_NORESERVE.rawValue == 0x4000)
        #expect(MapFlags.MAP_POPULATE.rawValue == 0x8000)
        #expect(MapFlags.MAP_STACK.rawValue == 0x20000)
        #expect(MapFlags.MAP_FIXED_NOREPLACE.rawValue == 0x100000)
        let flags: MapFlags = [.MAP_PRIVATE, .MAP_ANONYMOUS, .MAP_STACK]
        #expect(flags.mappingType == .MAP_PRIVATE)
        #expect(MremapFlags.MREMAP_MAYMOVE.rawValue == 1 && MremapFlags.MREMAP_FIXED.rawValue == 2)
        #expect(MemoryAdvice.MADV_DONTNEED.rawValue == 4)
        #expect(MemoryAdvice.MADV_FREE.rawValue == 8)
        #expect(MemoryAdvice.MADV_HUGEPAGE.rawValue == 14)
    }

    // MARK: include/uapi/linux/sched.h, wait.h, futex.h, auxvec.h;
    // arch/x86/include/uapi/asm/prctl.h; include/uapi/asm-generic/resource.h

    @Test func cloneFlags() {
        #expect(CloneFlags.CSIGNAL.rawValue == 0xff)
        #expect(CloneFlags.CLONE_VM.rawValue == 0x100)
        #expect(CloneFlags.CLONE_FS.rawValue == 0x200)
        #expect(CloneFlags.CLONE_FILES.rawValue == 0x400)
        #expect(CloneFlags.CLONE_SIGHAND.rawValue == 0x800)
        #expect(CloneFlags.CLONE_VFORK.rawValue == 0x4000)
        #expect(CloneFlags.CLONE_THREAD.rawValue == 0x10000)
        #expect(CloneFlags.CLONE_SETTLS.rawValue == 0x80000)
        #expect(CloneFlags.CLONE_PARENT_SETTID.rawValue == 0x100000)
        #expect(CloneFlags.CLONE_CHILD_CLEARTID.rawValue == 0x200000)
        #expect(CloneFlags.CLONE_CHILD_SETTID.rawValue == 0x1000000)
        #expect(CloneFlags.CLONE_NEWPID.rawValue == 0x2000_0000)
        #expect(CloneFlags.CLONE_INTO_CGROUP.rawValue == 0x2_0000_0000)
        // What glibc's pthread_create passes, minus the signal byte.
        let thread: CloneFlags = [
            .CLONE_VM, .CLONE_FS, .CLONE_FILES, .CLONE_SIGHAND, .CLONE_THREAD,
            .CLONE_SYSVSEM, .CLONE_SETTLS, .CLONE_PARENT_SETTID,
            .CLONE_CHILD_CLEARTID,
        ]
        #expect(thread.rawValue == 0x3d0f00)
    }

    @Test func waitOptionsAndStatuses() {
        #expect(WaitOptions.WNOHANG.rawValue == 1 && WaitOptions.WUNTRACED.rawValue == 2)
        #expect(WaitOptions.WEXITED.rawValue == 4 && WaitOptions.WCONTINUED.rawValue == 8)
        #expect(WaitOptions.WNOWAIT.rawValue == 0x0100_0000)
        #expect(WaitOptions.__WALL.rawValue == 0x4000_0000)
        #expect(WaitIDType.P_ALL.rawValue == 0 && WaitIDType.P_PIDFD.rawValue == 3)
        // kernel/exit.c: do_exit((code & 0xff) << 8), (sig << 8) | 0x7f, 0xffff
        #expect(WaitStatus.exited(code: 0) == 0)
        #expect(WaitStatus.exited(code: 1) == 0x100)
        #expect(WaitStatus.exited(code: 256 + 3) == 0x300)
        #expect(WaitStatus.exited(code: -1) == 0xff00)
        #expect(WaitStatus.signaled(by: .SIGKILL, coreDumped: false) == 9)
        #expect(WaitStatus.signaled(by: .SIGSEGV, coreDumped: true) == 0x8b)
        #expect(WaitStatus.stopped(by: .SIGTSTP) == 0x147f)
        #expect(WaitStatus.continued == 0xffff)
    }

    @Test func archPrctlFutexAuxvAndLimits() {
        #expect(ArchPrctlCode.ARCH_SET_GS.rawValue == 0x1001)
        #expect(ArchPrctlCode.ARCH_SET_FS.rawValue == 0x1002)
        #expect(ArchPrctlCode.ARCH_GET_FS.rawValue == 0x1003)
        #expect(ArchPrctlCode.ARCH_GET_GS.rawValue == 0x1004)
        #expect(FutexCommand.FUTEX_WAIT.rawValue == 0 && FutexCommand.FUTEX_WAKE.rawValue == 1)
        #expect(FutexCommand.FUTEX_WAIT_BITSET.rawValue == 9)
        #expect(FutexCommand.FUTEX_WAKE_BITSET.rawValue == 10)
        #expect(FutexCommand.FUTEX_PRIVATE_FLAG == 128)
        #expect(FutexCommand.FUTEX_CLOCK_REALTIME == 256)
        // glibc's FUTEX_WAKE_PRIVATE is 129; masking recovers the command.
        #expect(FutexCommand(rawValue: 129 & FutexCommand.FUTEX_CMD_MASK) == .FUTEX_WAKE)
        let auxv: [(AuxvType, UInt64)] = [
            (.AT_NULL, 0), (.AT_IGNORE, 1), (.AT_EXECFD, 2), (.AT_PHDR, 3), (.AT_PHENT, 4),
            (.AT_PHNUM, 5), (.AT_PAGESZ, 6), (.AT_BASE, 7), (.AT_FLAGS, 8), (.AT_ENTRY, 9),
            (.AT_NOTELF, 10), (.AT_UID, 11), (.AT_EUID, 12), (.AT_GID, 13), (.AT_EGID, 14),
            (.AT_PLATFORM, 15), (.AT_HWCAP, 16), (.AT_CLKTCK, 17), (.AT_SECURE, 23),
            (.AT_BASE_PLATFORM, 24), (.AT_RANDOM, 25), (.AT_HWCAP2, 26), (.AT_EXECFN, 31),
            (.AT_SYSINFO_EHDR, 33), (.AT_MINSIGSTKSZ, 51),
        ]
        for (key, value) in auxv { #expect(key.rawValue == value) }
        #expect(ExecLimits.MAX_ARG_STRLEN == 131_072)
        #expect(ExecLimits.MAX_ARG_STRINGS == 0x7FFF_FFFF)
        #expect(ExecLimits.BINPRM_BUF_SIZE == 256)
        #expect(UserClock.USER_HZ == 100)
        #expect(RlimitResource.RLIMIT_CPU.rawValue == 0)
        #expect(RlimitResource.RLIMIT_STACK.rawValue == 3)
        #expect(RlimitResource.RLIMIT_NOFILE.rawValue == 7)
        #expect(RlimitResource.RLIMIT_AS.rawValue == 9)
        #expect(RlimitResource.allCases.count == RlimitResource.RLIM_NLIMITS)
        #expect(Rlimit.RLIM_INFINITY == UInt64.max)
    }

    @Test func rebootPrctlPriorityAndCPUClocks() {
        #expect(RebootCommand.LINUX_REBOOT_MAGIC1 == 0xfee1dead)
        #expect(RebootCommand.LINUX_REBOOT_MAGIC2 == 0x2812_1969)
        #expect(RebootCommand.LINUX_REBOOT_MAGIC2C == 0x2011_2000)
        #expect(RebootCommand.LINUX_REBOOT_CMD_POWER_OFF == 0x4321fedc)
        #expect(PrctlOption.PR_SET_NAME == 15 && PrctlOption.PR_GET_NAME == 16)
        #expect(PriorityWhich.PRIO_USER == 2)
        // glibc's clock_getcpuclockid(pid 42): MAKE_PROCESS_CPUCLOCK(42, CPUCLOCK_SCHED)
        let clock = (~Int32(42) << 3) | CPUClockID.CPUCLOCK_SCHED
        #expect(CPUClockID.pid(of: clock) == 42 && !CPUClockID.isPerThread(clock))
        #expect(CPUClockID.type(of: clock) == CPUClockID.CPUCLOCK_SCHED)
        // CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID are the caller's own clocks.
        #expect(CPUClockID.pid(of: 2 | ~0 << 3) == 0)
        #expect(SignalCode.SI_TKILL == -6 && SignalCode.CLD_EXITED == 1 && SignalCode.CLD_CONTINUED == 6)
        #expect(SignalCode.SI_MESGQ == -3 && SignalCode.SI_SIGIO == -5)
        #expect(FutexWord.FUTEX_TID_MASK == 0x3fffffff)
    }

    @Test func schedPolicyNumbersAgreeWithTheScheduler() {
        #expect(SchedPolicyNumber.SCHED_NORMAL == SchedPolicy.normal.rawValue)
        #expect(SchedPolicyNumber.SCHED_FIFO == SchedPolicy.fifo.rawValue)
        #expect(SchedPolicyNumber.SCHED_RR == SchedPolicy.roundRobin.rawValue)
        #expect(SchedPolicyNumber.SCHED_BATCH == SchedPolicy.batch.rawValue)
        #expect(SchedPolicyNumber.SCHED_IDLE == SchedPolicy.idle.rawValue)
        #expect(SchedPolicyNumber.SCHED_DEADLINE == 6)
        #expect(SchedPolicyNumber.SCHED_RESET_ON_FORK == 0x4000_0000)
    }

    // MARK: arch/x86/include/uapi/asm/signal.h, asm-generic/signal-defs.h,
    // include/linux/signal.h

    @Test func signalNumbersAndFlags() {
        #expect(Signal.SIGHUP.rawValue == 1 && Signal.SIGINT.rawValue == 2)
        #expect(Signal.SIGKILL.rawValue == 9 && Signal.SIGSEGV.rawValue == 11)
        #expect(Signal.SIGCHLD.rawValue == 17 && Signal.SIGCONT.rawValue == 18)
        #expect(Signal.SIGSTOP.rawValue == 19 && Signal.SIGTSTP.rawValue == 20)
        #expect(Signal.SIGSYS.rawValue == 31)
        #expect(Signal.SIGRTMIN.rawValue == 32 && Signal.SIGRTMAX.rawValue == 64)
        #expect(Signal._NSIG == 64)
        #expect(Signal(rawValue: 0) == nil && Signal(rawValue: 65) == nil)
        #expect(Signal(rawValue: 40)?.isRealTime == true)
        #expect(Signal.SIGIOT == .SIGABRT && Signal.SIGPOLL == .SIGIO)
        #expect(SigactionFlags.SA_NOCLDSTOP.rawValue == 1)
        #expect(SigactionFlags.SA_NOCLDWAIT.rawValue == 2)
        #expect(SigactionFlags.SA_SIGINFO.rawValue == 4)
        #expect(SigactionFlags.SA_RESTORER.rawValue == 0x0400_0000)
        #expect(SigactionFlags.SA_ONSTACK.rawValue == 0x0800_0000)
        #expect(SigactionFlags.SA_RESTART.rawValue == 0x1000_0000)
        #expect(SigactionFlags.SA_NODEFER.rawValue == 0x4000_0000)
        #expect(SigactionFlags.SA_RESETHAND.rawValue == 0x8000_0000)
        #expect(SigprocmaskHow.SIG_BLOCK.rawValue == 0)
        #expect(SigprocmaskHow.SIG_UNBLOCK.rawValue == 1)
        #expect(SigprocmaskHow.SIG_SETMASK.rawValue == 2)
        #expect(KernelSigaction.SIG_DFL == 0 && KernelSigaction.SIG_IGN == 1)
    }

    @Test func signalSetsUseBitNumberMinusOne() {
        var set = SignalSet()
        set.insert(.SIGHUP)
        set.insert(.SIGKILL)
        set.insert(.SIGRTMAX)
        #expect(set.rawValue == (1 as UInt64) | 1 << 8 | 1 << 63)
        #expect(set.contains(.SIGKILL) && !set.contains(.SIGTERM))
        set.remove(.SIGKILL)
        #expect(set.rawValue == (1 as UInt64) | 1 << 63)
    }

    @Test func defaultActionsFollowLinuxTable() {
        let table: [(Signal, SignalDefaultAction)] = [
            (.SIGHUP, .terminate), (.SIGINT, .terminate), (.SIGQUIT, .coreDump),
            (.SIGILL, .coreDump), (.SIGTRAP, .coreDump), (.SIGABRT, .coreDump),
            (.SIGBUS, .coreDump), (.SIGFPE, .coreDump), (.SIGKILL, .terminate),
            (.SIGUSR1, .terminate), (.SIGSEGV, .coreDump), (.SIGUSR2, .terminate),
            (.SIGPIPE, .terminate), (.SIGALRM, .terminate), (.SIGTERM, .terminate),
            (.SIGSTKFLT, .terminate), (.SIGCHLD, .ignore), (.SIGCONT, .continue),
            (.SIGSTOP, .stop), (.SIGTSTP, .stop), (.SIGTTIN, .stop), (.SIGTTOU, .stop),
            (.SIGURG, .ignore), (.SIGXCPU, .coreDump), (.SIGXFSZ, .coreDump),
            (.SIGVTALRM, .terminate), (.SIGPROF, .terminate), (.SIGWINCH, .ignore),
            (.SIGIO, .terminate), (.SIGPWR, .terminate), (.SIGSYS, .coreDump),
            (.SIGRTMIN, .terminate), (.SIGRTMAX, .terminate),
        ]
        for (signal, action) in table { #expect(signal.defaultAction == action, "signal \(signal.rawValue)") }
        #expect(Signal.SIGKILL.isKernelOnly && Signal.SIGSTOP.isKernelOnly)
        #expect(!Signal.SIGTERM.isKernelOnly)
    }

    // MARK: include/uapi/asm-generic/termbits.h, ioctls.h

    @Test func terminalNumbers() {
        #expect(Termios.VINTR == 0 && Termios.VQUIT == 1 && Termios.VERASE == 2)
        #expect(Termios.VKILL == 3 && Termios.VEOF == 4 && Termios.VTIME == 5 && Termios.VMIN == 6)
        #expect(Termios.VSUSP == 10 && Termios.VWERASE == 14 && Termios.VLNEXT == 15)
        #expect(Termios.ICRNL == 0x100 && Termios.IXON == 0x400)
        #expect(Termios.OPOST == 0x1 && Termios.ONLCR == 0x4)
        #expect(Termios.ISIG == 0x1 && Termios.ICANON == 0x2 && Termios.ECHO == 0x8)
        #expect(Termios.ECHOE == 0x10 && Termios.ECHOK == 0x20 && Termios.ECHONL == 0x40)
        #expect(Termios.IEXTEN == 0x8000)
        #expect(Termios.CS8 == 0x30 && Termios.CREAD == 0x80 && Termios.B38400 == 0xf)
        #expect(IoctlCommand.TCGETS.rawValue == 0x5401)
        #expect(IoctlCommand.TCSETS.rawValue == 0x5402)
        #expect(IoctlCommand.TCSETSW.rawValue == 0x5403)
        #expect(IoctlCommand.TCSETSF.rawValue == 0x5404)
        #expect(IoctlCommand.TIOCSCTTY.rawValue == 0x540E)
        #expect(IoctlCommand.TIOCGPGRP.rawValue == 0x540F)
        #expect(IoctlCommand.TIOCSPGRP.rawValue == 0x5410)
        #expect(IoctlCommand.TIOCGWINSZ.rawValue == 0x5413)
        #expect(IoctlCommand.TIOCSWINSZ.rawValue == 0x5414)
        #expect(IoctlCommand.FIONREAD.rawValue == 0x541B)
        #expect(IoctlCommand.FIONBIO.rawValue == 0x5421)
        #expect(IoctlCommand.TIOCNOTTY.rawValue == 0x5422)
        #expect(IoctlCommand.TIOCGSID.rawValue == 0x5429)
        #expect(IoctlCommand.TCXONC.rawValue == 0x540A && IoctlCommand.TCFLSH.rawValue == 0x540B)
        #expect(Termios.TOSTOP == 0x100 && Termios.NOFLSH == 0x80 && Termios.ISIG == 0x1)
        #expect(IoctlCommand.FIOCLEX.rawValue == 0x5451)
    }

    // MARK: include/uapi/linux/time.h, random.h

    @Test func clocksAndRandomFlags() {
        let clocks: [(ClockID, Int32)] = [
            (.CLOCK_REALTIME, 0), (.CLOCK_MONOTONIC, 1), (.CLOCK_PROCESS_CPUTIME_ID, 2),
            (.CLOCK_THREAD_CPUTIME_ID, 3), (.CLOCK_MONOTONIC_RAW, 4), (.CLOCK_REALTIME_COARSE, 5),
            (.CLOCK_MONOTONIC_COARSE, 6), (.CLOCK_BOOTTIME, 7), (.CLOCK_TAI, 11),
        ]
        for (clock, id) in clocks { #expect(clock.rawValue == id) }
        #expect(ClockID(rawValue: 10) == nil)
        #expect(TimerFlags.TIMER_ABSTIME == 1)
        #expect(GetrandomFlags.GRND_NONBLOCK.rawValue == 1)
        #expect(GetrandomFlags.GRND_RANDOM.rawValue == 2)
        #expect(GetrandomFlags.GRND_INSECURE.rawValue == 4)
    }

    // MARK: include/uapi/linux/time.h (itimers), asm-generic/siginfo.h (sigevent), linux/timerfd.h

    @Test func timerNumbers() {
        #expect(ITimerWhich.ITIMER_REAL.rawValue == 0 && ITimerWhich.ITIMER_VIRTUAL.rawValue == 1)
        #expect(ITimerWhich.ITIMER_PROF.rawValue == 2 && ITimerWhich(rawValue: 3) == nil)
        #expect(Sigevent.SIGEV_SIGNAL == 0 && Sigevent.SIGEV_NONE == 1 && Sigevent.SIGEV_THREAD == 2)
        #expect(Sigevent.SIGEV_THREAD_ID == 4)
        #expect(TimerfdFlags.TFD_TIMER_ABSTIME == 1 && TimerfdFlags.TFD_TIMER_CANCEL_ON_SET == 2)
        #expect(TimerfdFlags.TFD_NONBLOCK == 0o4000 && TimerfdFlags.TFD_CLOEXEC == 0o2000000)
        #expect(MemoryLayout<Sigevent>.size == 64)
    }

    // MARK: include/uapi/linux/ipc.h, msg.h, sem.h, shm.h

    @Test func systemVIPCNumbers() {
        #expect(IPCFlags.IPC_CREAT.rawValue == 0o1000 && IPCFlags.IPC_EXCL.rawValue == 0o2000)
        #expect(IPCFlags.IPC_NOWAIT.rawValue == 0o4000 && IPCFlags.MSG_NOERROR.rawValue == 0o10000)
        #expect(IPCFlags.MSG_EXCEPT.rawValue == 0o20000 && IPCFlags.MSG_COPY.rawValue == 0o40000)
        #expect(IPCFlags.SHM_RDONLY.rawValue == 0o10000 && IPCFlags.SHM_RND.rawValue == 0o20000)
        #expect(IPCFlags.SHM_REMAP.rawValue == 0o40000 && IPCFlags.SHM_EXEC.rawValue == 0o100000)
        #expect(IPCCommand.IPC_RMID.rawValue == 0 && IPCCommand.IPC_SET.rawValue == 1)
        #expect(IPCCommand.IPC_STAT.rawValue == 2 && IPCCommand.IPC_INFO.rawValue == 3)
        #expect(IPCCommand.MSG_STAT == 11 && IPCCommand.MSG_INFO == 12 && IPCCommand.MSG_STAT_ANY == 13)
        #expect(IPCCommand.GETPID.rawValue == 11 && IPCCommand.SETALL.rawValue == 17)
        #expect(IPCCommand.SEM_STAT.rawValue == 18 && IPCCommand.SEM_STAT_ANY.rawValue == 20)
        #expect(IPCCommand.SHM_LOCK == 11 && IPCCommand.SHM_UNLOCK == 12 && IPCCommand.SHM_STAT == 13)
        #expect(IPCCommand.SHM_INFO == 14 && IPCCommand.SHM_STAT_ANY == 15 && SemFlags.SEM_UNDO == 0x1000)
        #expect(IPCDefaults.MSGMNI == 32000 && IPCDefaults.MSGMAX == 8192 && IPCDefaults.MSGMNB == 16384)
        #expect(IPCDefaults.SEMMNI == 32000 && IPCDefaults.SEMMSL == 32000 && IPCDefaults.SEMOPM == 500)
        #expect(IPCDefaults.SEMVMX == 32767 && IPCDefaults.SEMUSZ == 20 && IPCDefaults.SHMMNI == 4096)
        #expect(ShmMode.SHM_DEST == 0o1000 && ShmMode.SHM_LOCKED == 0o2000)
    }
}

/// include/uapi/linux/mount.h, include/linux/fs.h (umount2) and
/// include/uapi/linux/magic.h.
@Suite struct ABIMountConstantsTests {
    @Test func mountFlags() {
        #expect(MountFlags.MS_RDONLY.rawValue == 1 && MountFlags.MS_NOSUID.rawValue == 2)
        #expect(MountFlags.MS_NODEV.rawValue == 4 && MountFlags.MS_NOEXEC.rawValue == 8)
        #expect(MountFlags.MS_REMOUNT.rawValue == 32 && MountFlags.MS_NOATIME.rawValue == 1024)
        #expect(MountFlags.MS_BIND.rawValue == 4096 && MountFlags.MS_MOVE.rawValue == 8192)
        #expect(MountFlags.MS_REC.rawValue == 16384 && MountFlags.MS_PRIVATE.rawValue == 0x40000)
        #expect(MountFlags.MS_SHARED.rawValue == 0x100000 && MountFlags.MS_RELATIME.rawValue == 0x200000)
        #expect(MountFlags.MS_STRICTATIME.rawValue == 0x1000000 && MountFlags.MS_MGC_VAL == 0xC0ED0000)
        #expect(UnmountFlags.MNT_FORCE.rawValue == 1 && UnmountFlags.MNT_DETACH.rawValue == 2)
        #expect(UnmountFlags.MNT_EXPIRE.rawValue == 4 && UnmountFlags.UMOUNT_NOFOLLOW.rawValue == 8)
    }

    @Test func magicNumbersAndStatfsFlags() {
        #expect(FilesystemMagic.TMPFS_MAGIC == 0x01021994 && FilesystemMagic.RAMFS_MAGIC == 0x858458f6)
        #expect(FilesystemMagic.PROC_SUPER_MAGIC == 0x9fa0 && FilesystemMagic.SYSFS_MAGIC == 0x62656572)
        #expect(FilesystemMagic.MQUEUE_MAGIC == 0x19800202)
        #expect(Statfs.ST_RDONLY == 1 && Statfs.ST_NOSUID == 2 && Statfs.ST_NODEV == 4)
        #expect(Statfs.ST_NOEXEC == 8 && Statfs.ST_RELATIME == 4096)
    }
}
