import ABI
import Core
import Lib

/// The ELF core file of the running task's process (Linux: elf_core_dump
/// in fs/binfmt_elf.c): notes with the dumping thread's registers, the
/// process's facts, the signal, the auxiliary vector, the mapped files and
/// the FPU registers, a status note per other thread, then the memory of
/// each mapping worth dumping (Linux's default coredump_filter, 0x33).
enum ElfCoreDump {
    /// Writes the core into `file`, stopping at `limit` bytes; true if all
    /// of it was written. `task` is the dumping thread, one of `threads`.
    static func write(
        to file: File, info: Siginfo, frame: TrapFrame, task: Task, threads: [Task], limit: UInt64
    ) -> Bool {
        guard let space = task.mm else { return false }
        let areas = Array(space.areas)
        let segments = areas.map { area in
            ELFCore.Segment(
                address: area.start, memorySize: area.length, fileSize: dumpSize(area, in: space),
                permissions: permissions(area.protection))
        }
        let head = ELFCore.head(
            notes: notes(info: info, frame: frame, task: task, threads: threads, space: space, areas: areas),
            segments: segments,
            pageSize: MemoryLayout64.pageSize)
        var writer = CoreWriter(file: file, limit: limit)
        guard writer.emit(head.bytes) else { return false }
        for (area, segment) in zip(areas, segments) where segment.fileSize > 0 {
            var address = area.start
            while address < area.start + segment.fileSize {
                if Signals.longLoopMustEnd() { return false }
                let emitted: Bool
                if let mapping = space.pageTable.translate(VirtAddr(address)),
                    let frame = Frame(containing: mapping.physical)
                {
                    emitted = writer.emit(frame.read(at: frame.offset(of: mapping.physical), count: pageBytes))
                } else if area.isAnonymous {
                    // Never touched: a hole that reads as zeros (Linux: dump_skip).
                    emitted = writer.skip(pageBytes)
                } else {
                    var bytes = space.read(count: pageBytes, at: address)
                    bytes += [UInt8](repeating: 0, count: pageBytes - bytes.count)
                    emitted = writer.emit(bytes)
                }
                guard emitted else { return false }
                address += MemoryLayout64.pageSize
            }
        }
        return writer.finish()
    }

    private static let pageBytes = Int(MemoryLayout64.pageSize)

    /// How much of `area` goes into the core (Linux: vma_dump_size with
    /// coredump_filter 0x33): nothing for MADV_DONTDUMP and [vvar]; all of
    /// [vdso], of anonymous memory and of shared memory on tmpfs; of a
    /// private file mapping all if it is writable (it may hold private
    /// copies: Linux asks vma->anon_vma), else only a first page that
    /// holds an ELF header; nothing of other shared file mappings.
    private static func dumpSize(_ area: VMA, in space: AddressSpace) -> UInt64 {
        if area.flags.contains(.dontDump) || area.label == .vvar { return 0 }
        guard let file = area.backing as? File, area.label != .vdso else { return area.length }
        if area.flags.contains(.shared) {
            return file.inode.superBlock.magic == FilesystemMagic.TMPFS_MAGIC ? area.length : 0
        }
        if area.protection.contains(.write) { return area.length }
        let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
        let startsFile = area.filePageOffset == 0 && space.read(count: 4, at: area.start) == elfMagic
        return startsFile ? MemoryLayout64.pageSize : 0
    }

    private static func permissions(_ protection: VMAProtection) -> ELFSegmentPermissions {
        var permissions: ELFSegmentPermissions = []
        if protection.contains(.read) { permissions.insert(.read) }
        if protection.contains(.write) { permissions.insert(.write) }
        if protection.contains(.exec) { permissions.insert(.execute) }
        return permissions
    }

    /// In Linux's order (write_note_info): the dumping thread's status,
    /// the process's info, the signal, auxv, the files, its FPU registers;
    /// then each other thread's status, whose registers are not collected
    /// here (Linux waits for the threads to stop and reads theirs).
    private static func notes(
        info: Siginfo, frame: TrapFrame, task: Task, threads: [Task], space: AddressSpace, areas: [VMA]
    ) -> [ELFCore.Note] {
        let bases = UserSegmentBases.live
        // user_regs_struct; orig_rax is the system call number, -1 for an exception.
        let registers: ELFCore.Registers = [
            frame.r15, frame.r14, frame.r13, frame.r12, frame.rbp, frame.rbx, frame.r11, frame.r10, frame.r9,
            frame.r8, frame.rax, frame.rcx, frame.rdx, frame.rsi, frame.rdi, UInt64.max, frame.rip, frame.cs,
            frame.rflags, frame.rsp, frame.ss, bases.fs, bases.gs, 0, 0, 0, 0,
        ]
        let blocked = TaskList.lock.withLockIrqSave { task.blockedSignals }
        var notes = [status(of: task, info: info, blocked: blocked, registers: registers)]
        let credentials = task.credentials
        var arguments = space.read(
            count: min(space.argumentArea.count, 80), at: space.argumentArea.lowerBound)
        while arguments.last == 0 { arguments.removeLast() }
        notes.append(
            ELFCore.Note(
                type: ELFCore.NT_PRPSINFO,
                descriptor: ELFCore.processInfo(
                    state: 0, stateLetter: UInt8(ascii: "R"), nice: 0, flags: 0, uid: credentials.uid.real,
                    gid: credentials.gid.real, pid: task.tgid, ppid: task.realParent?.tgid ?? 0,
                    pgrp: task.group.processGroup, sid: task.group.session, command: task.comm,
                    arguments: arguments)))
        notes.append(ELFCore.Note(type: ELFCore.NT_SIGINFO, descriptor: siginfoBytes(info)))
        var auxv = [UInt8](repeating: 0, count: space.auxiliaryVector.count * 8)
        for (index, word) in space.auxiliaryVector.enumerated() { auxv.storeLittleEndian(word, at: index * 8) }
        notes.append(ELFCore.Note(type: ELFCore.NT_AUXV, descriptor: auxv))
        let files = areas.compactMap { area -> ELFCore.MappedFile? in
            guard let file = area.backing as? File, let name = try? ProcFdDirectory.name(of: file, vfsLocked: false)
            else { return nil }
            return ELFCore.MappedFile(start: area.start, end: area.end, pageOffset: area.filePageOffset, name: name)
        }
        notes.append(
            ELFCore.Note(
                type: ELFCore.NT_FILE, descriptor: ELFCore.mappedFiles(files, pageSize: MemoryLayout64.pageSize)))
        notes.append(
            ELFCore.Note(
                type: ELFCore.NT_PRFPREG, descriptor: task.fpu?.image() ?? [UInt8](repeating: 0, count: 512)))
        for thread in threads where thread !== task {
            notes.append(
                status(
                    of: thread, info: info, blocked: TaskList.lock.withLockIrqSave { thread.blockedSignals },
                    registers: []))
        }
        return notes
    }

    private static func status(of thread: Task, info: Siginfo, blocked: SignalSet, registers: ELFCore.Registers)
        -> ELFCore.Note
    {
        let time = CPUAccounting.usage(of: thread).time
        let pending = TaskList.lock.withLockIrqSave { thread.pending.signals.rawValue }
        return ELFCore.Note(
            type: ELFCore.NT_PRSTATUS,
            descriptor: ELFCore.processStatus(
                signal: info.si_signo, code: info.si_code, errno: info.si_errno, pending: pending,
                blocked: blocked.rawValue, pid: thread.pid, ppid: thread.realParent?.tgid ?? 0,
                pgrp: thread.group.processGroup, sid: thread.group.session,
                userMicroseconds: time.user / 1000, systemMicroseconds: time.system / 1000, registers: registers))
    }

    /// siginfo_t's 128 bytes, word for word as include/uapi/linux/siginfo.h
    /// lays Apus's out (a fault's si_addr is the si_pid and si_uid words).
    private static func siginfoBytes(_ info: Siginfo) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128)
        bytes.storeLittleEndian(info.si_signo, at: 0)
        bytes.storeLittleEndian(info.si_errno, at: 4)
        bytes.storeLittleEndian(info.si_code, at: 8)
        bytes.storeLittleEndian(info.si_pid, at: 16)
        bytes.storeLittleEndian(info.si_uid, at: 20)
        bytes.storeLittleEndian(info.si_status, at: 24)
        bytes.storeLittleEndian(info.si_utime, at: 32)
        bytes.storeLittleEndian(info.si_stime, at: 40)
        return bytes
    }
}

/// Where the core's bytes go (Linux: struct coredump_params with dump_emit
/// and dump_skip): written at a running offset, holes left by skipping,
/// and never past RLIMIT_CORE.
private struct CoreWriter {
    let file: File
    let limit: UInt64
    var offset: Int64 = 0
    /// The file ends in a hole that a final byte must close.
    var pendingHole = false

    mutating func emit(_ bytes: [UInt8]) -> Bool {
        guard UInt64(offset) + UInt64(bytes.count) <= limit else { return false }
        var position = offset
        guard (try? file.operations.write(file, bytes, at: &position)) == bytes.count else { return false }
        offset = position
        pendingHole = false
        return true
    }

    mutating func skip(_ count: Int) -> Bool {
        guard UInt64(offset) + UInt64(count) <= limit else { return false }
        offset += Int64(count)
        pendingHole = true
        return true
    }

    /// A file ending in a hole gets its last byte written, so its size
    /// covers the hole (Linux: the final dump_emit of dump_skip's to_skip).
    mutating func finish() -> Bool {
        guard pendingHole else { return true }
        offset -= 1
        return emit([0])
    }
}
