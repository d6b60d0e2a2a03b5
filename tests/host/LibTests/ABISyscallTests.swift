import Testing

@testable import ABI

/// The system call table and the error numbers: the two lists every other
/// part of the ABI leans on.
@Suite struct ABISyscallTests {
    // MARK: System call numbers (arch/x86/entry/syscalls/syscall_64.tbl)

    @Test func knownNumbersMatchLinuxTable() {
        let expected: [(SyscallNumber, Int)] = [
            (.read, 0), (.write, 1), (.open, 2), (.close, 3), (.stat, 4),
            (.mmap, 9), (.brk, 12), (.rt_sigaction, 13), (.rt_sigreturn, 15),
            (.ioctl, 16), (.pread64, 17), (.writev, 20), (.clone, 56), (.fork, 57),
            (.vfork, 58), (.execve, 59), (.exit, 60), (.wait4, 61), (.kill, 62),
            (.uname, 63), (.fcntl, 72), (.getdents64, 217), (.arch_prctl, 158),
            (.gettid, 186), (.futex, 202), (.set_tid_address, 218),
            (.clock_gettime, 228), (.exit_group, 231), (.openat, 257),
            (.newfstatat, 262), (.set_robust_list, 273), (.pipe2, 293),
            (.prlimit64, 302), (.getrandom, 318), (.statx, 332), (.rseq, 334),
            (.clone3, 435), (.faccessat2, 439), (.mseal, 462), (.listns, 470),
        ]
        for (call, number) in expected {
            #expect(call.rawValue == number, "\(call.name)")
            #expect(SyscallNumber(rawValue: number) == call)
        }
    }

    @Test func namesAreLinuxSpellingsAndMatchTheirCases() {
        #expect(SyscallNumber.rt_sigaction.name == "rt_sigaction")
        #expect(SyscallNumber.newfstatat.name == "newfstatat")
        #expect(SyscallNumber.pread64.name == "pread64")
        #expect(SyscallNumber._sysctl.name == "_sysctl")
        // The switch in `name` repeats every case; the host has the
        // reflection the kernel lacks, so compare the two spellings.
        for call in SyscallNumber.allCases {
            #expect(call.name == String(describing: call))
        }
    }

    @Test func namesAreUnique() {
        let names = SyscallNumber.allCases.map(\.name)
        #expect(Set(names).count == names.count)
    }

    @Test func tableCoversBothRangesAndSkipsTheGaps() {
        let numbers = Set(SyscallNumber.allCases.map(\.rawValue))
        #expect(numbers.count == SyscallNumber.allCases.count)
        // 0...336 are all in use on x86-64; 337...423 never will be; from 424
        // the shared numbering runs without holes.
        #expect(numbers == Set(0...336).union(424...471))
        // The x32 ABI's private numbers stay out.
        #expect(SyscallNumber(rawValue: 512) == nil)
    }

    // MARK: Error numbers (include/uapi/asm-generic/errno-base.h, errno.h)

    @Test func errnoCoversOneThrough133ExceptTheTwoAliasHolesAndTheRestartCodes() {
        let values = Set(Errno.allCases.map(\.rawValue))
        #expect(values.count == Errno.allCases.count)
        #expect(values == Set(1...133).subtracting([41, 58]).union([512, 513, 514, 516]))
    }

    @Test func errnoSpotChecks() {
        let expected: [(Errno, Int32)] = [
            (.EPERM, 1), (.ENOENT, 2), (.EINTR, 4), (.EBADF, 9), (.EAGAIN, 11),
            (.ENOMEM, 12), (.EFAULT, 14), (.EEXIST, 17), (.ENOTDIR, 20),
            (.EINVAL, 22), (.ENOTTY, 25), (.ESPIPE, 29), (.EPIPE, 32),
            (.ERANGE, 34), (.EDEADLK, 35), (.ENOSYS, 38), (.ELOOP, 40),
            (.ENOMSG, 42), (.EBFONT, 59), (.EOVERFLOW, 75), (.EILSEQ, 84),
            (.ENOTSOCK, 88), (.EOPNOTSUPP, 95), (.ECONNREFUSED, 111),
            (.ECANCELED, 125), (.EOWNERDEAD, 130), (.EHWPOISON, 133),
        ]
        for (error, number) in expected { #expect(error.rawValue == number) }
    }

    @Test func errnoAliasesShareTheirNumbers() {
        #expect(Errno.EWOULDBLOCK == .EAGAIN)
        #expect(Errno.EDEADLOCK.rawValue == 35)
        #expect(Errno.ENOTSUP.rawValue == 95)
    }
}
