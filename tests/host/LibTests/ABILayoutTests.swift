import Foundation
import Testing

@testable import ABI

/// Reads `width` bytes least significant first, so the layouts are checked
/// against a second reading of the bytes.
private func field(_ bytes: [UInt8], _ offset: Int, width: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
    return value
}

/// Whether a value read back from its own bytes, as a copy from user memory
/// reads it, has the same bytes.
private func roundTrips<T: BitwiseCopyable>(_ value: T) -> Bool {
    let original = bytes(of: value)
    let decoded = original.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    return bytes(of: decoded) == original
}

private func isZero(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
    bytes[range].allSatisfy { $0 == 0 }
}

/// One number to compare: a C expression (`sizeof(struct stat)`,
/// `offsetof(struct stat, st_ino)`) and what Swift's MemoryLayout says of
/// the matching include/uapi/linux structure.
private struct Measure {
    let name: String
    let value: Int
}

/// The size of the C type `type` and the offset of each field, named as
/// Linux's header names it, against `T`'s.
private func layout<T>(
    _ type: String, _ swift: T.Type, size: Bool = true,
    _ fields: [(String, PartialKeyPath<T>)]
) -> [Measure] {
    (size ? [Measure(name: "sizeof(\(type))", value: MemoryLayout<T>.size)] : [])
        + fields.map { Measure(name: "offsetof(\(type), \($0.0))", value: MemoryLayout<T>.offset(of: $0.1) ?? -1) }
}

/// Every ABI structure: Linux's C name and field names, Apus's Swift type
/// and key paths.
private let measures: [Measure] = [
    layout("struct __kernel_timespec", Timespec.self, [("tv_sec", \.tv_sec), ("tv_nsec", \.tv_nsec)]),
    layout("struct __kernel_old_timeval", Timeval.self, [("tv_sec", \.tv_sec), ("tv_usec", \.tv_usec)]),
    layout(
        "struct __kernel_itimerspec", Itimerspec.self, [("it_interval", \.it_interval), ("it_value", \.it_value)]),
    layout(
        "struct __kernel_old_itimerval", Itimerval.self, [("it_interval", \.it_interval), ("it_value", \.it_value)]),
    layout(
        "sigevent_t", Sigevent.self,
        [
            ("sigev_value", \.sigev_value), ("sigev_signo", \.sigev_signo), ("sigev_notify", \.sigev_notify),
            ("_sigev_un._tid", \.sigev_notify_thread_id),
        ]),
    layout("struct timezone", Timezone.self, [("tz_minuteswest", \.tz_minuteswest), ("tz_dsttime", \.tz_dsttime)]),
    layout("struct utimbuf", Utimbuf.self, [("actime", \.actime), ("modtime", \.modtime)]),
    layout(
        "struct stat", Stat.self,
        [
            ("st_dev", \.st_dev), ("st_ino", \.st_ino), ("st_nlink", \.st_nlink), ("st_mode", \.st_mode),
            ("st_uid", \.st_uid), ("st_gid", \.st_gid), ("st_rdev", \.st_rdev), ("st_size", \.st_size),
            ("st_blksize", \.st_blksize), ("st_blocks", \.st_blocks),
            // Linux's header spells each timespec as two words.
            ("st_atime", \.st_atim.tv_sec), ("st_atime_nsec", \.st_atim.tv_nsec),
            ("st_mtime", \.st_mtim.tv_sec), ("st_mtime_nsec", \.st_mtim.tv_nsec),
            ("st_ctime", \.st_ctim.tv_sec), ("st_ctime_nsec", \.st_ctim.tv_nsec),
        ]),
    layout("struct statx_timestamp", StatxTimestamp.self, [("tv_sec", \.tv_sec), ("tv_nsec", \.tv_nsec)]),
    layout(
        "struct statx", Statx.self,
        [
            ("stx_mask", \.stx_mask), ("stx_blksize", \.stx_blksize), ("stx_attributes", \.stx_attributes),
            ("stx_nlink", \.stx_nlink), ("stx_uid", \.stx_uid), ("stx_gid", \.stx_gid), ("stx_mode", \.stx_mode),
            ("stx_ino", \.stx_ino), ("stx_size", \.stx_size), ("stx_blocks", \.stx_blocks),
            ("stx_attributes_mask", \.stx_attributes_mask), ("stx_atime", \.stx_atime), ("stx_btime", \.stx_btime),
            ("stx_ctime", \.stx_ctime), ("stx_mtime", \.stx_mtime), ("stx_rdev_major", \.stx_rdev_major),
            ("stx_rdev_minor", \.stx_rdev_minor), ("stx_dev_major", \.stx_dev_major),
            ("stx_dev_minor", \.stx_dev_minor),
            ("stx_mnt_id", \.stx_mnt_id), ("stx_dio_mem_align", \.stx_dio_mem_align),
            ("stx_dio_offset_align", \.stx_dio_offset_align),
            // Where older headers' spare words begin, newer kernels' fields do.
            ("__spare3", \.stx_subvol),
        ]),
    layout(
        "struct statfs", Statfs.self,
        [
            ("f_type", \.f_type), ("f_bsize", \.f_bsize), ("f_blocks", \.f_blocks), ("f_bfree", \.f_bfree),
            ("f_bavail", \.f_bavail), ("f_files", \.f_files), ("f_ffree", \.f_ffree), ("f_fsid", \.f_fsid),
            ("f_namelen", \.f_namelen), ("f_frsize", \.f_frsize), ("f_flags", \.f_flags), ("f_spare", \.f_spare),
        ]),
    layout("struct iovec", Iovec.self, [("iov_base", \.iov_base), ("iov_len", \.iov_len)]),
    layout(
        "struct flock", Flock.self,
        [
            ("l_type", \.l_type), ("l_whence", \.l_whence), ("l_start", \.l_start), ("l_len", \.l_len),
            ("l_pid", \.l_pid),
        ]),
    layout("struct pollfd", PollFd.self, [("fd", \.fd), ("events", \.events), ("revents", \.revents)]),
    layout("struct epoll_event", EpollEvent.self, [("events", \.events), ("data", \.data)]),
    layout(
        "struct inotify_event", InotifyEvent.self,
        [("wd", \.wd), ("mask", \.mask), ("cookie", \.cookie), ("len", \.len)]),
    layout(
        "struct signalfd_siginfo", SignalfdSiginfo.self,
        [
            ("ssi_signo", \.ssi_signo), ("ssi_errno", \.ssi_errno), ("ssi_code", \.ssi_code), ("ssi_pid", \.ssi_pid),
            ("ssi_uid", \.ssi_uid), ("ssi_fd", \.ssi_fd), ("ssi_tid", \.ssi_tid), ("ssi_band", \.ssi_band),
            ("ssi_overrun", \.ssi_overrun), ("ssi_trapno", \.ssi_trapno), ("ssi_status", \.ssi_status),
            ("ssi_int", \.ssi_int), ("ssi_ptr", \.ssi_ptr), ("ssi_utime", \.ssi_utime), ("ssi_stime", \.ssi_stime),
            ("ssi_addr", \.ssi_addr), ("ssi_addr_lsb", \.ssi_addr_lsb), ("ssi_syscall", \.ssi_syscall),
            ("ssi_call_addr", \.ssi_call_addr), ("ssi_arch", \.ssi_arch),
        ]),
    layout(
        "struct mq_attr", MqAttr.self,
        [
            ("mq_flags", \.mq_flags), ("mq_maxmsg", \.mq_maxmsg), ("mq_msgsize", \.mq_msgsize),
            ("mq_curmsgs", \.mq_curmsgs), ("__reserved", \.__reserved),
        ]),
    layout(
        "struct sigaction", KernelSigaction.self,
        [
            ("sa_handler", \.sa_handler), ("sa_flags", \.sa_flags), ("sa_restorer", \.sa_restorer),
            ("sa_mask", \.sa_mask),
        ]),
    layout("stack_t", StackT.self, [("ss_sp", \.ss_sp), ("ss_flags", \.ss_flags), ("ss_size", \.ss_size)]),
    layout(
        "siginfo_t", Siginfo.self,
        [
            ("si_signo", \.si_signo), ("si_errno", \.si_errno), ("si_code", \.si_code), ("si_pid", \.si_pid),
            ("si_uid", \.si_uid), ("si_status", \.si_status), ("si_utime", \.si_utime), ("si_stime", \.si_stime),
        ])
        // The members Signals.swift overlays on the flat layout.
        + [
            Measure(name: "offsetof(siginfo_t, si_addr)", value: MemoryLayout<Siginfo>.offset(of: \.si_pid) ?? -1),
            Measure(name: "offsetof(siginfo_t, si_value)", value: MemoryLayout<Siginfo>.offset(of: \.si_status) ?? -1),
            Measure(name: "offsetof(siginfo_t, si_tid)", value: MemoryLayout<Siginfo>.offset(of: \.si_pid) ?? -1),
            Measure(name: "offsetof(siginfo_t, si_overrun)", value: MemoryLayout<Siginfo>.offset(of: \.si_uid) ?? -1),
        ],
    layout(
        "struct _fpstate_64", FPState.self,
        [
            ("cwd", \.cwd), ("swd", \.swd), ("twd", \.twd), ("fop", \.fop), ("rip", \.rip), ("rdp", \.rdp),
            ("mxcsr", \.mxcsr), ("mxcsr_mask", \.mxcsr_mask), ("st_space", \.st_space), ("xmm_space", \.xmm_space),
            ("reserved2", \.reserved2), ("sw_reserved", \.sw_reserved),
        ]),
    layout(
        "struct sigcontext", Sigcontext.self,
        [
            ("r8", \.r8), ("r9", \.r9), ("r10", \.r10), ("r11", \.r11), ("r12", \.r12), ("r13", \.r13),
            ("r14", \.r14), ("r15", \.r15), ("rdi", \.rdi), ("rsi", \.rsi), ("rbp", \.rbp), ("rbx", \.rbx),
            ("rdx", \.rdx), ("rax", \.rax), ("rcx", \.rcx), ("rsp", \.rsp), ("rip", \.rip), ("eflags", \.eflags),
            ("cs", \.cs), ("gs", \.gs), ("fs", \.fs), ("ss", \.ss), ("err", \.err), ("trapno", \.trapno),
            ("oldmask", \.oldmask), ("cr2", \.cr2), ("fpstate", \.fpstate), ("reserved1", \.reserved1),
        ]),
    layout(
        "struct ucontext", Ucontext.self,
        [
            ("uc_flags", \.uc_flags), ("uc_link", \.uc_link), ("uc_stack", \.uc_stack),
            ("uc_mcontext", \.uc_mcontext), ("uc_sigmask", \.uc_sigmask),
        ]),
    layout(
        "struct ipc64_perm", IPC64Perm.self,
        [
            ("key", \.key), ("uid", \.uid), ("gid", \.gid), ("cuid", \.cuid), ("cgid", \.cgid), ("mode", \.mode),
            ("seq", \.seq), ("__unused1", \.__unused1), ("__unused2", \.__unused2),
        ]),
    layout(
        "struct msqid64_ds", MsqidDs.self,
        [
            ("msg_perm", \.msg_perm), ("msg_stime", \.msg_stime), ("msg_rtime", \.msg_rtime),
            ("msg_ctime", \.msg_ctime), ("msg_cbytes", \.msg_cbytes), ("msg_qnum", \.msg_qnum),
            ("msg_qbytes", \.msg_qbytes), ("msg_lspid", \.msg_lspid), ("msg_lrpid", \.msg_lrpid),
        ]),
    layout(
        "struct msginfo", Msginfo.self,
        [
            ("msgpool", \.msgpool), ("msgmap", \.msgmap), ("msgmax", \.msgmax), ("msgmnb", \.msgmnb),
            ("msgmni", \.msgmni), ("msgssz", \.msgssz), ("msgtql", \.msgtql), ("msgseg", \.msgseg),
        ]),
    layout(
        "struct semid64_ds", SemidDs.self,
        [
            ("sem_perm", \.sem_perm), ("sem_otime", \.sem_otime), ("sem_ctime", \.sem_ctime),
            ("sem_nsems", \.sem_nsems),
        ]),
    layout("struct sembuf", Sembuf.self, [("sem_num", \.sem_num), ("sem_op", \.sem_op), ("sem_flg", \.sem_flg)]),
    layout(
        "struct seminfo", Seminfo.self,
        [
            ("semmap", \.semmap), ("semmni", \.semmni), ("semmns", \.semmns), ("semmnu", \.semmnu),
            ("semmsl", \.semmsl), ("semopm", \.semopm), ("semume", \.semume), ("semusz", \.semusz),
            ("semvmx", \.semvmx), ("semaem", \.semaem),
        ]),
    layout(
        "struct shmid64_ds", ShmidDs.self,
        [
            ("shm_perm", \.shm_perm), ("shm_segsz", \.shm_segsz), ("shm_atime", \.shm_atime),
            ("shm_dtime", \.shm_dtime), ("shm_ctime", \.shm_ctime), ("shm_cpid", \.shm_cpid),
            ("shm_lpid", \.shm_lpid), ("shm_nattch", \.shm_nattch),
        ]),
    layout(
        "struct shminfo64", Shminfo64.self,
        [
            ("shmmax", \.shmmax), ("shmmin", \.shmmin), ("shmmni", \.shmmni), ("shmseg", \.shmseg),
            ("shmall", \.shmall),
        ]),
    layout(
        "struct shm_info", ShmInfo.self,
        [
            ("used_ids", \.used_ids), ("shm_tot", \.shm_tot), ("shm_rss", \.shm_rss), ("shm_swp", \.shm_swp),
            ("swap_attempts", \.swap_attempts), ("swap_successes", \.swap_successes),
        ]),
    layout("struct rlimit", Rlimit.self, [("rlim_cur", \.rlim_cur), ("rlim_max", \.rlim_max)]),
    layout(
        "struct rusage", Rusage.self,
        [
            ("ru_utime", \.ru_utime), ("ru_stime", \.ru_stime), ("ru_maxrss", \.ru_maxrss), ("ru_ixrss", \.ru_ixrss),
            ("ru_idrss", \.ru_idrss), ("ru_isrss", \.ru_isrss), ("ru_minflt", \.ru_minflt), ("ru_majflt", \.ru_majflt),
            ("ru_nswap", \.ru_nswap), ("ru_inblock", \.ru_inblock), ("ru_oublock", \.ru_oublock),
            ("ru_msgsnd", \.ru_msgsnd), ("ru_msgrcv", \.ru_msgrcv), ("ru_nsignals", \.ru_nsignals),
            ("ru_nvcsw", \.ru_nvcsw), ("ru_nivcsw", \.ru_nivcsw),
        ]),
    layout(
        "struct tms", Tms.self,
        [
            ("tms_utime", \.tms_utime), ("tms_stime", \.tms_stime), ("tms_cutime", \.tms_cutime),
            ("tms_cstime", \.tms_cstime),
        ]),
    layout(
        "struct sysinfo", Sysinfo.self,
        [
            ("uptime", \.uptime), ("loads", \.loads), ("totalram", \.totalram), ("freeram", \.freeram),
            ("sharedram", \.sharedram), ("bufferram", \.bufferram), ("totalswap", \.totalswap),
            ("freeswap", \.freeswap),
            ("procs", \.procs), ("pad", \.pad), ("totalhigh", \.totalhigh), ("freehigh", \.freehigh),
            ("mem_unit", \.mem_unit),
        ]),
    layout(
        "struct new_utsname", Utsname.self,
        [
            ("sysname", \.sysname), ("nodename", \.nodename), ("release", \.release), ("version", \.version),
            ("machine", \.machine), ("domainname", \.domainname),
        ]),
    layout(
        "struct termios", Termios.self,
        [
            ("c_iflag", \.c_iflag), ("c_oflag", \.c_oflag), ("c_cflag", \.c_cflag), ("c_lflag", \.c_lflag),
            ("c_line", \.c_line), ("c_cc", \.c_cc),
        ]),
    layout(
        "struct winsize", Winsize.self,
        [
            ("ws_row", \.ws_row), ("ws_col", \.ws_col), ("ws_xpixel", \.ws_xpixel), ("ws_ypixel", \.ws_ypixel),
        ]),
    layout(
        "struct robust_list_head", RobustListHead.self,
        [
            ("list", \.list), ("futex_offset", \.futex_offset), ("list_op_pending", \.list_op_pending),
        ]),
    // Only the head: a record's length is its d_reclen. The name has no
    // Swift field; it starts where Dirent64 writes it.
    layout(
        "struct dirent64", LinuxDirent64.self, size: false,
        [
            ("d_ino", \.d_ino), ("d_off", \.d_off), ("d_reclen", \.d_reclen), ("d_type", \.d_type),
        ]) + [Measure(name: "offsetof(struct dirent64, d_name)", value: Dirent64.nameOffset)],
].flatMap { $0 }

/// The same numbers from the system's Linux headers: a C program that
/// includes tests/host/abi/linux_headers.h and prints one line per measure,
/// compiled with the host's C compiler and run.
private func linuxValues(of measures: [Measure]) throws -> [Int] {
    let headers = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../abi/linux_headers.h").standardized
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-abi-layout-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("layout.c")
    let program = directory.appendingPathComponent("layout")
    let lines = measures.map { "    printf(\"%zu\\n\", \($0.name));" }
    try
        ([
            "#define _GNU_SOURCE", "#include <stddef.h>", "#include <stdio.h>", "#include \"\(headers.path)\"",
            "int main(void) {",
        ] + lines + ["    return 0;", "}"]).joined(separator: "\n")
        .write(to: source, atomically: true, encoding: .utf8)
    guard try run("/usr/bin/env", ["cc", "-Wall", "-Werror", "-o", program.path, source.path]) != nil,
        let output = try run(program.path, [])
    else { return [] }
    return output.split(separator: "\n").map { Int($0) ?? -1 }
}

/// Runs a program; its standard output, or nil (and a recorded issue) if it failed.
private func run(_ path: String, _ arguments: [String]) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Issue.record("\(path) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        return nil
    }
    return String(decoding: data, as: UTF8.self)
}

/// Each ABI structure's size and field offsets against Linux's own headers,
/// and what Apus's Swift conveniences put into those fields.
@Suite struct ABILayoutTests {
    // MARK: Against Linux's headers

    @Test func sizesAndOffsetsAreLinuxs() throws {
        let linux = try linuxValues(of: measures)
        try #require(linux.count == measures.count)
        for (measure, value) in zip(measures, linux) {
            #expect(
                measure.value == value, "\(measure.name) is \(value) in Linux's headers, \(measure.value) in Apus's")
        }
    }

    // MARK: struct stat (arch/x86/include/uapi/asm/stat.h)

    @Test func statLayout() {
        var stat = Stat()
        stat.st_dev = 0x0102_0304_0506_0708
        stat.st_ino = 0x1111
        stat.st_nlink = 3
        stat.st_mode = FileMode.S_IFREG | 0o644
        stat.st_uid = 1000
        stat.st_gid = 100
        stat.st_rdev = 0x501
        stat.st_size = 123_456
        stat.st_blksize = 4096
        stat.st_blocks = 248
        stat.st_atim = Timespec(tv_sec: 10, tv_nsec: 11)
        stat.st_mtim = Timespec(tv_sec: 20, tv_nsec: 21)
        stat.st_ctim = Timespec(tv_sec: 30, tv_nsec: 31)
        let bytes = bytes(of: stat)

        #expect(MemoryLayout<Stat>.size == 144 && bytes.count == 144)
        #expect(field(bytes, 0, width: 8) == 0x0102_0304_0506_0708)
        #expect(field(bytes, 8, width: 8) == 0x1111)
        #expect(field(bytes, 16, width: 8) == 3)
        #expect(field(bytes, 24, width: 4) == 0o100644)
        #expect(field(bytes, 28, width: 4) == 1000)
        #expect(field(bytes, 32, width: 4) == 100)
        #expect(isZero(bytes, 36..<40))  // __pad0
        #expect(field(bytes, 40, width: 8) == 0x501)
        #expect(field(bytes, 48, width: 8) == 123_456)
        #expect(field(bytes, 56, width: 8) == 4096)
        #expect(field(bytes, 64, width: 8) == 248)
        #expect(field(bytes, 72, width: 8) == 10 && field(bytes, 80, width: 8) == 11)
        #expect(field(bytes, 88, width: 8) == 20 && field(bytes, 96, width: 8) == 21)
        #expect(field(bytes, 104, width: 8) == 30 && field(bytes, 112, width: 8) == 31)
        #expect(isZero(bytes, 120..<144))  // __unused[3]
    }

    @Test func deviceNumbersUseNewEncodeDev() {
        // include/linux/kdev_t.h: minor's low byte, major from bit 8, the
        // rest of minor from bit 20.
        #expect(DeviceNumber.encode(major: 5, minor: 1) == 0x501)
        #expect(DeviceNumber.encode(major: 1, minor: 256) == 0x10_0100)
        #expect(DeviceNumber.encode(major: 259, minor: 0) == 0x1_0300)
    }

    // MARK: struct statx (include/uapi/linux/stat.h)

    @Test func statxLayout() {
        var statx = Statx()
        statx.stx_mask = StatxMask.STATX_BASIC_STATS.rawValue
        statx.stx_blksize = 4096
        statx.stx_attributes = 0x20
        statx.stx_nlink = 2
        statx.stx_uid = 1000
        statx.stx_gid = 100
        statx.stx_mode = UInt16(FileMode.S_IFDIR | 0o755)
        statx.stx_ino = 77
        statx.stx_size = 4096
        statx.stx_blocks = 8
        statx.stx_attributes_mask = 0x30
        statx.stx_atime = StatxTimestamp(tv_sec: -1, tv_nsec: 999_999_999)
        statx.stx_btime = StatxTimestamp(tv_sec: 2, tv_nsec: 3)
        statx.stx_ctime = StatxTimestamp(tv_sec: 4, tv_nsec: 5)
        statx.stx_mtime = StatxTimestamp(tv_sec: 6, tv_nsec: 7)
        statx.stx_rdev_major = 4
        statx.stx_rdev_minor = 64
        statx.stx_dev_major = 8
        statx.stx_dev_minor = 1
        statx.stx_mnt_id = 0x99
        statx.stx_dio_mem_align = 512
        statx.stx_dio_offset_align = 4096
        statx.stx_subvol = 0xabcd
        statx.stx_atomic_write_unit_min = 0x11
        statx.stx_atomic_write_unit_max = 0x12
        statx.stx_atomic_write_segments_max = 0x13
        statx.stx_dio_read_offset_align = 0x14
        statx.stx_atomic_write_unit_max_opt = 0x15
        let bytes = bytes(of: statx)

        #expect(MemoryLayout<Statx>.size == 256 && bytes.count == 256)
        #expect(field(bytes, 0, width: 4) == 0x7ff)
        #expect(field(bytes, 4, width: 4) == 4096)
        #expect(field(bytes, 8, width: 8) == 0x20)
        #expect(field(bytes, 16, width: 4) == 2)
        #expect(field(bytes, 20, width: 4) == 1000)
        #expect(field(bytes, 24, width: 4) == 100)
        #expect(field(bytes, 28, width: 2) == 0o40755)
        #expect(isZero(bytes, 30..<32))  // __spare0
        #expect(field(bytes, 32, width: 8) == 77)
        #expect(field(bytes, 40, width: 8) == 4096)
        #expect(field(bytes, 48, width: 8) == 8)
        #expect(field(bytes, 56, width: 8) == 0x30)
        #expect(field(bytes, 64, width: 8) == UInt64.max)  // tv_sec -1
        #expect(field(bytes, 72, width: 4) == 999_999_999)
        #expect(isZero(bytes, 76..<80))  // statx_timestamp.__reserved
        #expect(field(bytes, 80, width: 8) == 2 && field(bytes, 88, width: 4) == 3)
        #expect(field(bytes, 96, width: 8) == 4 && field(bytes, 104, width: 4) == 5)
        #expect(field(bytes, 112, width: 8) == 6 && field(bytes, 120, width: 4) == 7)
        #expect(field(bytes, 128, width: 4) == 4)
        #expect(field(bytes, 132, width: 4) == 64)
        #expect(field(bytes, 136, width: 4) == 8)
        #expect(field(bytes, 140, width: 4) == 1)
        #expect(field(bytes, 0x90, width: 8) == 0x99)
        #expect(field(bytes, 0x98, width: 4) == 512)
        #expect(field(bytes, 0x9c, width: 4) == 4096)
        #expect(field(bytes, 0xa0, width: 8) == 0xabcd)
        #expect(field(bytes, 0xa8, width: 4) == 0x11)
        #expect(field(bytes, 0xac, width: 4) == 0x12)
        #expect(field(bytes, 0xb0, width: 4) == 0x13)
        #expect(field(bytes, 0xb4, width: 4) == 0x14)
        #expect(field(bytes, 0xb8, width: 4) == 0x15)
        #expect(isZero(bytes, 0xbc..<0x100))  // __spare2, __spare3[8]
    }

    // MARK: struct linux_dirent64 (include/linux/dirent.h, fs/readdir.c)

    @Test func direntRecordsArePaddedToEightBytes() {
        // reclen = ALIGN(offsetof(d_name) + namelen + 1, 8), offsetof(d_name) = 19
        let dot = Dirent64(d_ino: 1, d_off: 1, d_type: Dirent64.DT_DIR, d_name: Array(".".utf8))
        #expect(dot.d_reclen == 24)
        let four = Dirent64(d_ino: 1, d_off: 1, d_type: Dirent64.DT_REG, d_name: Array("abcd".utf8))
        #expect(four.d_reclen == 24)
        let five = Dirent64(d_ino: 1, d_off: 1, d_type: Dirent64.DT_REG, d_name: Array("abcde".utf8))
        #expect(five.d_reclen == 32)
    }

    @Test func direntLayout() {
        let entry = Dirent64(d_ino: 0x1234, d_off: 7, d_type: Dirent64.DT_LNK, d_name: Array("hello".utf8))
        // As getdents64 copies a record: the head, then the name over its tail padding.
        var buffer = [UInt8](repeating: 0xAA, count: 40)
        buffer.replaceSubrange(8..<(8 + MemoryLayout<LinuxDirent64>.size), with: bytes(of: entry.head))
        let name = 8 + Dirent64.nameOffset
        buffer.replaceSubrange(name..<(name + entry.nameAndPadding.count), with: entry.nameAndPadding)
        #expect(buffer[0..<8].allSatisfy { $0 == 0xAA })  // before the record: untouched
        #expect(field(buffer, 8, width: 8) == 0x1234)
        #expect(field(buffer, 16, width: 8) == 7)
        #expect(field(buffer, 24, width: 2) == 32)
        #expect(buffer[26] == 10)
        #expect(Array(buffer[27..<32]) == Array("hello".utf8))
        #expect(isZero(buffer, 32..<40))  // NUL and padding
    }

    // MARK: Time and system information

    @Test func timespecTimevalAndRlimitAreTwoWords() {
        let time = Timespec(tv_sec: 0x1_0000_0000, tv_nsec: 500)
        #expect(MemoryLayout<Timespec>.size == 16)
        #expect(field(bytes(of: time), 0, width: 8) == 0x1_0000_0000)
        #expect(field(bytes(of: time), 8, width: 8) == 500)
        #expect(roundTrips(time))

        let tv = Timeval(tv_sec: 3, tv_usec: 4)
        #expect(MemoryLayout<Timeval>.size == 16)
        #expect(field(bytes(of: tv), 8, width: 8) == 4)
        #expect(roundTrips(tv))

        let limit = Rlimit(rlim_cur: 8 << 20, rlim_max: Rlimit.RLIM_INFINITY)
        #expect(MemoryLayout<Rlimit>.size == 16)
        #expect(field(bytes(of: limit), 0, width: 8) == 8 << 20)
        #expect(field(bytes(of: limit), 8, width: 8) == UInt64.max)
        #expect(roundTrips(limit))
    }

    @Test func utsnameIsSixFieldsOf65Bytes() {
        // include/uapi/linux/utsname.h: struct new_utsname, __NEW_UTS_LEN 64
        let long = String(repeating: "x", count: 80)
        let uts = Utsname(
            sysname: "Linux", nodename: long, release: "6.1.0",
            version: "#1", machine: "x86_64", domainname: "(none)")
        let bytes = bytes(of: uts)
        #expect(MemoryLayout<Utsname>.size == 390 && bytes.count == 390)
        #expect(Array(bytes[0..<6]) == Array("Linux".utf8) + [0])
        #expect(isZero(bytes, 6..<65))
        #expect(Array(bytes[65..<129]) == Array(repeating: UInt8(ascii: "x"), count: 64))
        #expect(bytes[129] == 0)  // the 65th byte stays the terminator
        #expect(Array(bytes[130..<135]) == Array("6.1.0".utf8))
        #expect(Array(bytes[195..<197]) == Array("#1".utf8))
        #expect(Array(bytes[260..<266]) == Array("x86_64".utf8))
        #expect(Array(bytes[325..<331]) == Array("(none)".utf8))
    }

    @Test func sysinfoLayout() {
        // include/uapi/linux/sysinfo.h on x86-64
        var info = Sysinfo()
        info.uptime = 42
        info.loads = (1 << 16, 2 << 16, 3 << 16)
        info.totalram = 0x100
        info.freeram = 0x80
        info.sharedram = 1
        info.bufferram = 2
        info.totalswap = 3
        info.freeswap = 4
        info.procs = 7
        info.totalhigh = 5
        info.freehigh = 6
        info.mem_unit = 4096
        let bytes = bytes(of: info)
        #expect(MemoryLayout<Sysinfo>.size == 112 && bytes.count == 112)
        #expect(field(bytes, 0, width: 8) == 42)
        #expect(field(bytes, 8, width: 8) == 1 << 16)
        #expect(field(bytes, 16, width: 8) == 2 << 16)
        #expect(field(bytes, 24, width: 8) == 3 << 16)
        #expect(field(bytes, 32, width: 8) == 0x100)
        #expect(field(bytes, 40, width: 8) == 0x80)
        #expect(field(bytes, 48, width: 8) == 1)
        #expect(field(bytes, 56, width: 8) == 2)
        #expect(field(bytes, 64, width: 8) == 3)
        #expect(field(bytes, 72, width: 8) == 4)
        #expect(field(bytes, 80, width: 2) == 7)
        #expect(isZero(bytes, 82..<88))  // pad and the alignment hole
        #expect(field(bytes, 88, width: 8) == 5)
        #expect(field(bytes, 96, width: 8) == 6)
        #expect(field(bytes, 104, width: 4) == 4096)
        #expect(isZero(bytes, 108..<112))  // tail padding
    }

    @Test func rusageLayout() {
        // include/uapi/linux/resource.h: two timevals, then fourteen longs
        var usage = Rusage()
        usage.ru_utime = Timeval(tv_sec: 1, tv_usec: 2)
        usage.ru_stime = Timeval(tv_sec: 3, tv_usec: 4)
        usage.ru_maxrss = 5
        usage.ru_minflt = 6
        usage.ru_majflt = 7
        usage.ru_nvcsw = 8
        usage.ru_nivcsw = 9
        let bytes = bytes(of: usage)
        #expect(MemoryLayout<Rusage>.size == 144 && bytes.count == 144)
        #expect(field(bytes, 0, width: 8) == 1 && field(bytes, 8, width: 8) == 2)
        #expect(field(bytes, 16, width: 8) == 3 && field(bytes, 24, width: 8) == 4)
        #expect(field(bytes, 32, width: 8) == 5)
        #expect(field(bytes, 64, width: 8) == 6)
        #expect(field(bytes, 72, width: 8) == 7)
        #expect(field(bytes, 128, width: 8) == 8)
        #expect(field(bytes, 136, width: 8) == 9)
        #expect(isZero(bytes, 40..<64) && isZero(bytes, 80..<128))
    }

    // MARK: Signals (arch/x86/include/uapi/asm/signal.h)

    @Test func kernelSigactionIsFourWordsMaskLast() {
        var mask = SignalSet()
        mask.insert(.SIGINT)
        let action = KernelSigaction(
            handler: 0x40_1000,
            flags: [.SA_SIGINFO, .SA_RESTORER, .SA_RESTART],
            restorer: 0x40_2000, mask: mask)
        let bytes = bytes(of: action)
        #expect(MemoryLayout<KernelSigaction>.size == 32 && bytes.count == 32)
        #expect(field(bytes, 0, width: 8) == 0x40_1000)
        #expect(field(bytes, 8, width: 8) == 0x1400_0004)
        #expect(field(bytes, 16, width: 8) == 0x40_2000)
        #expect(field(bytes, 24, width: 8) == 0b10)  // SIGINT (2) is bit 1
        #expect(roundTrips(action))
    }

    @Test func siginfoChildFormLayout() {
        // include/uapi/asm-generic/siginfo.h: three ints, the union at 16
        var info = Siginfo()
        info.si_signo = 17
        info.si_code = SignalCode.CLD_KILLED
        info.si_pid = 1234
        info.si_uid = 1000
        info.si_status = 9
        info.si_utime = 5
        info.si_stime = 6
        let bytes = bytes(of: info)
        #expect(MemoryLayout<Siginfo>.size == 128 && bytes.count == 128)
        #expect(field(bytes, 0, width: 4) == 17 && field(bytes, 4, width: 4) == 0 && field(bytes, 8, width: 4) == 2)
        #expect(isZero(bytes, 12..<16))
        #expect(
            field(bytes, 16, width: 4) == 1234 && field(bytes, 20, width: 4) == 1000 && field(bytes, 24, width: 4) == 9)
        #expect(field(bytes, 32, width: 8) == 5 && field(bytes, 40, width: 8) == 6)
        #expect(isZero(bytes, 28..<32) && isZero(bytes, 48..<128))
    }

    @Test func rtSigframeIsPretcodeUcontextSiginfo() {
        // arch/x86/include/asm/sigframe.h (no uapi header): 8 + 304 + 128 bytes,
        // the offsets SignalFrame.swift computes.
        #expect(MemoryLayout<RtSigframe>.size == 440)
        #expect(MemoryLayout<RtSigframe>.offset(of: \.uc) == 8)
        #expect(MemoryLayout<RtSigframe>.offset(of: \.info) == 8 + MemoryLayout<Ucontext>.size)
        #expect(MemoryLayout<FPState>.size == 512 && MemoryLayout<FPState>.alignment == 16)
    }

    @Test func siginfoOverlaidMembers() {
        var info = Siginfo(signal: .SIGSEGV, code: SignalCode.SEGV_MAPERR)
        info.si_addr = 0x1234_5678_9abc
        let fault = bytes(of: info)
        #expect(field(fault, 16, width: 8) == 0x1234_5678_9abc && info.si_addr == 0x1234_5678_9abc)
        info = Siginfo(signal: .SIGRTMIN, code: SignalCode.SI_QUEUE)
        info.si_value = 0xdead_beef_0000_0001
        let queued = bytes(of: info)
        #expect(field(queued, 24, width: 8) == 0xdead_beef_0000_0001 && info.si_value == 0xdead_beef_0000_0001)
        #expect(field(queued, 8, width: 4) == UInt64(UInt32(bitPattern: SignalCode.SI_QUEUE)))
    }

    @Test func stackTHasAHoleAfterTheFlags() {
        // include/uapi/asm-generic/signal.h: void *ss_sp; int ss_flags; size_t ss_size
        let stack = StackT(ss_sp: 0x7000_0000, ss_flags: StackT.SS_DISABLE, ss_size: 8192)
        let bytes = bytes(of: stack)
        #expect(MemoryLayout<StackT>.size == 24)
        #expect(field(bytes, 0, width: 8) == 0x7000_0000 && field(bytes, 8, width: 4) == 2)
        #expect(isZero(bytes, 12..<16) && field(bytes, 16, width: 8) == 8192)
        #expect(roundTrips(stack))
    }

    @Test func tmsRobustListHeadAndTimezone() {
        var times = Tms()
        times.tms_utime = 1
        times.tms_stime = 2
        times.tms_cutime = 3
        times.tms_cstime = 4
        let tmsBytes = bytes(of: times)
        #expect(
            MemoryLayout<Tms>.size == 32 && (0..<4).allSatisfy { field(tmsBytes, $0 * 8, width: 8) == UInt64($0 + 1) })
        let head = RobustListHead(list: RobustList(next: 0x1000), futex_offset: -16, list_op_pending: 0x2000)
        #expect(MemoryLayout<RobustListHead>.size == 24)
        #expect(field(bytes(of: head), 8, width: 8) == UInt64(bitPattern: -16))
        #expect(roundTrips(head))
        let zone = Timezone(tz_minuteswest: -60, tz_dsttime: 1)
        #expect(MemoryLayout<Timezone>.size == 8 && field(bytes(of: zone), 0, width: 4) == 0xffff_ffc4)
        #expect(roundTrips(zone))
    }

    // MARK: Terminals (include/uapi/asm-generic/termbits.h, termios.h)

    @Test func termiosLayoutAndLinuxDefaults() {
        let standard = Termios.standard
        let bytes = bytes(of: standard)
        #expect(MemoryLayout<Termios>.size == 36 && bytes.count == 36)
        // tty_std_termios (drivers/tty/tty_io.c) as the raw words `stty -g` prints.
        #expect(field(bytes, 0, width: 4) == 0x500)  // ICRNL | IXON
        #expect(field(bytes, 4, width: 4) == 0x5)  // OPOST | ONLCR
        #expect(field(bytes, 8, width: 4) == 0x4bf)  // B38400 | CS8 | CREAD | HUPCL
        #expect(field(bytes, 12, width: 4) == 0x8a3b)  // ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
        #expect(bytes[16] == 0)  // N_TTY
        // INIT_C_CC as Linux once spelled it, one octal escape per index:
        // "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026\0", then zeros.
        let initCC: [UInt8] = [
            0o3, 0o34, 0o177, 0o25, 0o4, 0, 1, 0, 0o21, 0o23, 0o32, 0,
            0o22, 0o17, 0o27, 0o26, 0, 0, 0,
        ]
        #expect(Array(bytes[17..<36]) == initCC)
        #expect(roundTrips(standard))
    }

    @Test func winsizeIsFourShorts() {
        let size = Winsize(ws_row: 25, ws_col: 80, ws_xpixel: 640, ws_ypixel: 400)
        let bytes = bytes(of: size)
        #expect(MemoryLayout<Winsize>.size == 8 && bytes == [25, 0, 80, 0, 0x80, 2, 0x90, 1])
        #expect(roundTrips(size))
    }

    @Test func pollfdIsAnIntAndTwoShorts() {
        let entry = PollFd(fd: -2, events: [.POLLIN, .POLLOUT], revents: .POLLHUP)
        let bytes = bytes(of: entry)
        #expect(MemoryLayout<PollFd>.size == 8 && bytes == [0xFE, 0xFF, 0xFF, 0xFF, 5, 0, 0x10, 0])
        #expect(roundTrips(entry))
        #expect(PollEvents.readSet.rawValue == 0x00D9 && PollEvents.writeSet.rawValue == 0x030C)
    }

    @Test func epollEventIsPackedToTwelveBytes() {
        let event = EpollEvent(events: EpollEvents([.EPOLLIN, .EPOLLET]).rawValue, data: 0x1122_3344_5566_7788)
        let bytes = bytes(of: event)
        #expect(MemoryLayout<EpollEvent>.stride == 12)
        #expect(field(bytes, 0, width: 4) == 0x8000_0001 && field(bytes, 4, width: 8) == 0x1122_3344_5566_7788)
        #expect(roundTrips(event))
    }

    // MARK: File I/O (include/uapi/linux/uio.h, asm-generic/fcntl.h, asm-generic/statfs.h)

    @Test func iovecIsBaseThenLength() {
        let vector = Iovec(iov_base: 0x1122_3344_5566, iov_len: 0x1000)
        let bytes = bytes(of: vector)
        #expect(
            MemoryLayout<Iovec>.size == 16 && field(bytes, 0, width: 8) == 0x1122_3344_5566
                && field(bytes, 8, width: 8) == 0x1000)
        #expect(roundTrips(vector))
    }

    @Test func flockLayout() {
        let lock = Flock(l_type: Flock.F_WRLCK, l_whence: 1, l_start: -5, l_len: 100, l_pid: 42)
        let bytes = bytes(of: lock)
        #expect(MemoryLayout<Flock>.size == 32)
        #expect(field(bytes, 0, width: 2) == 1 && field(bytes, 2, width: 2) == 1)
        #expect(isZero(bytes, 4..<8))
        #expect(field(bytes, 8, width: 8) == UInt64(bitPattern: -5) && field(bytes, 16, width: 8) == 100)
        #expect(field(bytes, 24, width: 4) == 42 && isZero(bytes, 28..<32))
        #expect(roundTrips(lock))
    }

    @Test func statfsLayout() {
        var info = Statfs()
        info.f_type = FilesystemMagic.RAMFS_MAGIC
        info.f_bsize = 4096
        info.f_blocks = 3
        info.f_bfree = 4
        info.f_bavail = 5
        info.f_files = 6
        info.f_ffree = 7
        info.f_fsid.val = (8, 9)
        info.f_namelen = 255
        info.f_frsize = 4096
        info.f_flags = Statfs.ST_VALID
        let bytes = bytes(of: info)
        #expect(MemoryLayout<Statfs>.size == 120)
        #expect(field(bytes, 0, width: 8) == 0x8584_58f6 && field(bytes, 8, width: 8) == 4096)
        #expect(field(bytes, 16, width: 8) == 3 && field(bytes, 24, width: 8) == 4 && field(bytes, 32, width: 8) == 5)
        #expect(field(bytes, 40, width: 8) == 6 && field(bytes, 48, width: 8) == 7)
        #expect(field(bytes, 56, width: 4) == 8 && field(bytes, 60, width: 4) == 9)
        #expect(
            field(bytes, 64, width: 8) == 255 && field(bytes, 72, width: 8) == 4096
                && field(bytes, 80, width: 8) == 0x20)
        #expect(isZero(bytes, 88..<120))
    }

    @Test func deviceNumbersDecodeWhatTheyEncode() {
        for (major, minor) in [(UInt32(1), UInt32(3)), (5, 1), (4, 64), (259, 0x12345), (0xfff, 0xfffff)] {
            let device = DeviceNumber.encode(major: major, minor: minor)
            #expect(DeviceNumber.major(device) == major && DeviceNumber.minor(device) == minor)
        }
        #expect(DeviceNumber.encode(major: 5, minor: 1) == 0x501)
    }
}
