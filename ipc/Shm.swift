import ABI
import Core
import Lib

/// One System V shared memory segment (Linux: struct shmid_kernel in
/// ipc/shm.c): an unlinked tmpfs file, named /SYSV<key> as Linux's, which
/// shmat maps shared. Its fields change under `ShmSyscalls.ids`'s lock.
///
/// Attachments are the mappings of the file in any process: fork copies
/// them and exit and exec drop them with the address space, as Linux's
/// shm_open and shm_close count them in shm_nattch. Apus counts them when
/// asked instead; a segment removed while attached (SHM_DEST) leaves the
/// table at the first look that finds it detached, and its pages go with
/// the last mapping.
final class SharedMemorySegment: IPCObject {
    var permission: IPCPermission
    let file: File
    let size: UInt64
    let creator: Int32
    var lastPid: Int32 = 0
    var attachTime: Int64 = 0
    var detachTime: Int64 = 0
    var changeTime: Int64

    init(_ permission: IPCPermission, file: File, size: UInt64) {
        self.permission = permission
        self.file = file
        self.size = size
        creator = IPC.callerPid
        changeTime = IPC.now
    }

    var pages: UInt64 { AddressSpace.pageAlignUp(size) / MemoryLayout64.pageSize }

    /// shm_nattch: the areas that map the segment, in every address space.
    var attachments: Int {
        var spaces: [ObjectIdentifier] = []
        var count = 0
        for task in Scheduler.allTasks {
            guard let space = task.mm, !spaces.contains(ObjectIdentifier(space)) else { continue }
            spaces.append(ObjectIdentifier(space))
            count += space.areas.count { $0.backing === file }
        }
        return count
    }

    func status(attachments: Int) -> ShmidDs {
        var status = ShmidDs()
        status.shm_perm = permission.userView
        status.shm_segsz = size
        status.shm_atime = attachTime
        status.shm_dtime = detachTime
        status.shm_ctime = changeTime
        status.shm_cpid = creator
        status.shm_lpid = lastPid
        status.shm_nattch = UInt64(attachments)
        return status
    }
}

/// shmget, shmat, shmdt and shmctl (Linux: ipc/shm.c).
enum ShmSyscalls {
    static let ids = SpinLocked(IPCIds<SharedMemorySegment>())

    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.shmget, syscall(shmget)),
        (.shmat, syscall(shmat)),
        (.shmdt, syscall(shmdt)),
        (.shmctl, syscall(shmctl)),
    ]

    /// Takes out the segments IPC_RMID marked that nobody maps any more
    /// (Linux: shm_destroy from shm_close); every look at the table starts
    /// with it, so none is seen after its last detach.
    private static func reap(_ ids: inout IPCIds<SharedMemorySegment>) {
        for segment in ids.objects
        where segment.permission.mode & ShmMode.SHM_DEST != 0 && segment.attachments == 0 {
            ids.remove(segment)
        }
    }

    private static func withSegments<R>(_ body: (inout IPCIds<SharedMemorySegment>) throws(Errno) -> R) throws(Errno)
        -> R
    {
        try ids.withLock { ids throws(Errno) -> R in
            reap(&ids)
            return try body(&ids)
        }
    }

    /// shmget(key, size, shmflg) (Linux: ksys_shmget, newseg): EINVAL for a
    /// size under SHMMIN or over shmmax, or over an existing segment's;
    /// ENOSPC past shmall pages or shmmni segments. The pages come as they
    /// are first touched.
    static func shmget(_ key: Int32, _ size: UInt64, _ flags: IPCFlags) throws(Errno) -> Int64 {
        let limits = IPC.currentLimits
        let credentials = IPC.credentials
        if let id = try withSegments({ ids throws(Errno) in
            try ids.resolve(key: key, flags: flags, credentials: credentials) {
                (segment: SharedMemorySegment) throws(Errno) in
                if size > segment.size { throw .EINVAL }
            }
        }) {
            return Int64(id)
        }
        // Linux: shmem_file_setup refuses a size past MAX_LFS_FILESIZE (a negative loff_t).
        guard size >= IPCDefaults.SHMMIN, size <= limits.shmmax, size <= UInt64(Int64.max) else { throw .EINVAL }
        let pageCount = AddressSpace.pageAlignUp(size) / MemoryLayout64.pageSize
        guard pageCount > 0 else { throw .ENOSPC }
        let name = "/SYSV" + hex(UInt64(UInt32(bitPattern: key)), width: 8) + " (deleted)"
        let mode = flags.permissions
        let file = try SharedAnonymous.unlinkedFile(name: Array(name.utf8), mode: FileMode.S_IFREG | mode)
        file.inode.size = Int64(size)
        file.inode.nlink = 0
        return Int64(
            try withSegments { ids throws(Errno) -> Int32 in
                // Made outside the lock, so check the key again (Linux holds the ids rwsem).
                if let id = try ids.resolve(key: key, flags: flags, credentials: credentials) { return id }
                let total = ids.objects.reduce(UInt64(0)) { $0 + $1.pages }
                guard total <= limits.shmall, pageCount <= limits.shmall - total else { throw .ENOSPC }
                let permission = IPCPermission(key: key, mode: mode, credentials: credentials)
                return try ids.add(
                    SharedMemorySegment(permission, file: file, size: size), limit: Int(limits.shmmni))
            })
    }

    /// shmat(shmid, shmaddr, shmflg) (Linux: do_shmat): maps the whole
    /// segment shared, where the kernel chooses or at shmaddr (rounded down
    /// with SHM_RND, else page aligned: EINVAL), read-only with SHM_RDONLY.
    /// An address already in use is EINVAL unless SHM_REMAP replaces it.
    static func shmat(_ id: Int32, _ requested: UInt64, _ flags: IPCFlags) throws(Errno) -> Int64 {
        guard id >= 0 else { throw .EINVAL }
        let pageMask = MemoryLayout64.pageSize - 1
        var address = requested
        if address != 0 {
            if address & pageMask != 0 {
                // SHMLBA is the page size on x86.
                guard flags.contains(.SHM_RND) else { throw .EINVAL }
                address &= ~pageMask
                if address == 0 && flags.contains(.SHM_REMAP) { throw .EINVAL }
            }
        } else if flags.contains(.SHM_REMAP) {
            throw .EINVAL
        }
        var protection: VMAProtection = [.read]
        var access: UInt32 = 0o444
        if !flags.contains(.SHM_RDONLY) {
            protection.insert(.write)
            access |= 0o222
        }
        if flags.contains(.SHM_EXEC) {
            protection.insert(.exec)
            access |= 0o111
        }
        let credentials = IPC.credentials
        let segment = try withSegments { ids throws(Errno) -> SharedMemorySegment in
            let segment = try ids.lookup(id)
            guard segment.permission.allows(access, credentials) else { throw .EACCES }
            return segment
        }
        let space = try MemorySyscalls.space()
        let fixed = address != 0
        let length = AddressSpace.pageAlignUp(segment.size)
        if fixed && !flags.contains(.SHM_REMAP) {
            guard address <= UInt64.max - length else { throw .EINVAL }
            if space.areas.firstIntersecting(address..<(address + length)) != nil { throw .EINVAL }
        }
        try space.checkExpansion(
            by: length, data: false, accountable: false, replacing: fixed ? address..<(address &+ length) : nil)
        var areaFlags: VMAFlags = [.shared, .mayRead, .mayExec]
        if !flags.contains(.SHM_RDONLY) { areaFlags.insert(.mayWrite) }
        let start = try space.mapFile(
            segment.file, pageOffset: 0, at: fixed ? address : nil, length: segment.size,
            protection: protection, flags: areaFlags, fixed: fixed)
        _ = try? withSegments { _ throws(Errno) in
            segment.attachTime = IPC.now
            segment.lastPid = IPC.callerPid
        }
        return Int64(bitPattern: start)
    }

    /// shmdt(shmaddr) (Linux: ksys_shmdt): unmaps the attachment that
    /// begins at shmaddr — the first area from there on that maps a
    /// segment from the offset shmaddr would — and the rest of it, up to
    /// the segment's size. EINVAL if there is none.
    static func shmdt(_ address: UInt64) throws(Errno) -> Int64 {
        guard address % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        let space = try MemorySyscalls.space()
        let segments = try withSegments { ids throws(Errno) in ids.objects }
        let pageSize = MemoryLayout64.pageSize
        var found: SharedMemorySegment? = nil
        var ranges: [Range<UInt64>] = []
        for area in space.areas where area.start >= address {
            let fromAddress = (area.start - address) / pageSize == area.filePageOffset
            if let segment = found {
                guard area.end - address <= AddressSpace.pageAlignUp(segment.size) else { break }
                if fromAddress && area.backing === segment.file { ranges.append(area.start..<area.end) }
            } else if fromAddress, let segment = segments.first(where: { area.backing === $0.file }) {
                found = segment
                ranges.append(area.start..<area.end)
            }
        }
        guard let segment = found else { throw .EINVAL }
        for range in ranges { try space.unmap(range) }
        _ = try? withSegments { _ throws(Errno) in
            segment.detachTime = IPC.now
            segment.lastPid = IPC.callerPid
        }
        return 0
    }

    /// shmctl(shmid, cmd, buf) (Linux: ksys_shmctl). IPC_RMID of an
    /// attached segment marks it SHM_DEST and makes its key IPC_PRIVATE;
    /// it stays, and may still be attached, until the last detach.
    static func shmctl(_ id: Int32, _ command: Int32, _ buffer: UInt64) throws(Errno) -> Int64 {
        guard id >= 0, command >= 0 else { throw .EINVAL }
        let credentials = IPC.credentials
        switch command {
        case IPCCommand.IPC_INFO.rawValue:
            let limits = IPC.currentLimits
            var info = Shminfo64()
            info.shmmax = limits.shmmax
            info.shmmin = IPCDefaults.SHMMIN
            info.shmmni = UInt64(limits.shmmni)
            info.shmseg = UInt64(limits.shmmni)
            info.shmall = limits.shmall
            let result = try withSegments { ids throws(Errno) in ids.infoResult }
            try UserPointer<Shminfo64>(address: buffer).write(info)
            return result
        case IPCCommand.SHM_INFO:
            let (segments, result) = try withSegments { ids throws(Errno) in (ids.objects, ids.infoResult) }
            var info = ShmInfo()
            info.used_ids = Int32(segments.count)
            info.shm_tot = segments.reduce(0) { $0 + $1.pages }
            info.shm_rss = segments.reduce(0) { $0 + residentBytes($1) } / MemoryLayout64.pageSize
            try UserPointer<ShmInfo>(address: buffer).write(info)
            return result
        case IPCCommand.IPC_STAT.rawValue, IPCCommand.SHM_STAT, IPCCommand.SHM_STAT_ANY:
            let byIndex = command != IPCCommand.IPC_STAT.rawValue
            let (status, foundId) = try withSegments { ids throws(Errno) -> (ShmidDs, Int32) in
                let segment = try ids.lookup(
                    forStatus: id, byIndex: byIndex, anyone: command == IPCCommand.SHM_STAT_ANY,
                    credentials: credentials)
                return (segment.status(attachments: segment.attachments), segment.permission.id)
            }
            try UserPointer<ShmidDs>(address: buffer).write(status)
            return byIndex ? Int64(foundId) : 0
        case IPCCommand.IPC_SET.rawValue:
            let wanted = try UserPointer<ShmidDs>(address: buffer).read()
            try withSegments { ids throws(Errno) in
                let segment = try ids.lookup(id, changedBy: credentials)
                segment.permission.update(from: wanted.shm_perm)
                segment.changeTime = IPC.now
            }
            return 0
        case IPCCommand.IPC_RMID.rawValue:
            try withSegments { ids throws(Errno) in
                let segment = try ids.lookup(id, changedBy: credentials)
                segment.permission.markDestroyed()
                if segment.attachments == 0 { ids.remove(segment) }
            }
            return 0
        case IPCCommand.SHM_LOCK, IPCCommand.SHM_UNLOCK:
            let memoryLockLimit = Scheduler.current.group.limits.current(.RLIMIT_MEMLOCK)
            try withSegments { ids throws(Errno) in
                let segment = try ids.lookup(id)
                // Linux: shmctl_do_lock. Without CAP_IPC_LOCK only the owner
                // or creator, and SHM_LOCK only with an RLIMIT_MEMLOCK.
                if !credentials.capable(.CAP_IPC_LOCK) {
                    let euid = credentials.uid.effective
                    guard euid == segment.permission.uid || euid == segment.permission.cuid else { throw .EPERM }
                    if command == IPCCommand.SHM_LOCK && memoryLockLimit == 0 { throw .EPERM }
                }
                if command == IPCCommand.SHM_LOCK {
                    segment.permission.mode |= ShmMode.SHM_LOCKED
                } else {
                    segment.permission.mode &= ~ShmMode.SHM_LOCKED
                }
            }
            return 0
        default:
            throw .EINVAL
        }
    }

    /// The bytes of the segment in memory (Linux: shm_get_stat's rss).
    private static func residentBytes(_ segment: SharedMemorySegment) -> UInt64 {
        UInt64(max(segment.file.stat().st_blocks, 0)) * 512
    }

    /// /proc/sysvipc/shm (Linux: sysvipc_shm_proc_show).
    static func procText() -> String {
        let rows =
            (try? withSegments { ids throws(Errno) in
                ids.objects.map { ($0, $0.status(attachments: $0.attachments)) }
            }) ?? []
        return rows.reduce(SysvipcProc.sharedMemoryHeader) {
            $0 + SysvipcProc.sharedMemoryLine($1.1, id: $1.0.permission.id, residentBytes: residentBytes($1.0))
        }
    }
}
