import ABI
import Core
import Lib

/// mount, umount2 and pivot_root (Linux: fs/namespace.c). Each needs
/// CAP_SYS_ADMIN (EPERM), checked after the paths are found, as Linux's
/// may_mount is.
enum MountSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.mount, syscall(mount)),
        (.umount2, syscall(umount2)),
        (.pivot_root, syscall(pivotRoot)),
    ]

    /// mount(source, target, filesystemtype, mountflags, data) (Linux:
    /// path_mount): by MS_REMOUNT, MS_BIND, a propagation type, MS_MOVE,
    /// or else a new mount of the registered type `filesystemtype` (ENODEV
    /// if none is, EINVAL if absent) with `data` as its options.
    static func mount(
        _ source: UserString, _ target: UserString, _ type: UserString, _ requested: MountFlags, _ data: UserString
    ) throws(Errno) -> Int64 {
        var flags = requested
        // The old magic number in the upper half is dropped (Linux: MS_MGC_MSK).
        if flags.rawValue & MountFlags.MS_MGC_MSK == MountFlags.MS_MGC_VAL {
            flags = MountFlags(rawValue: flags.rawValue & ~MountFlags.MS_MGC_MSK)
        }
        let typeName = type.isNull ? nil : try type.read(limit: PathLimits.pathMax - 1)
        let sourceName = source.isNull ? nil : try source.read(limit: PathLimits.pathMax - 1)
        let options = MountOptions(parsing: data.isNull ? [] : try data.read(limit: Int(pageSize) - 1))
        let place = try PathArgument(target).lookup(follow: true)
        try requireAdministrator()

        if flags.contains(.MS_REMOUNT) {
            try VFS.remount(place, flags: flags, options: options, bindOnly: flags.contains(.MS_BIND))
        } else if flags.contains(.MS_BIND) {
            let from = try PathArgument(source).lookup(follow: true)
            try VFS.bindMount(from, on: place, recursive: flags.contains(.MS_REC))
        } else if !flags.intersection(MountFlags.propagation).isEmpty {
            // One namespace and no peers: every mount is private, whatever it is made.
            guard place.isMountRoot else { throw .EINVAL }
        } else if flags.contains(.MS_MOVE) {
            try VFS.moveMount(try PathArgument(source).lookup(follow: true), to: place)
        } else {
            guard let typeName, !typeName.isEmpty else { throw .EINVAL }
            let superBlock = try FileSystems.find(typeName).mount(source: sourceName ?? [], options: options)
            try VFS.mount(superBlock, on: place, flags: flags, source: sourceName ?? [])
        }
        return 0
    }

    /// umount2(target, flags): MNT_FORCE, MNT_DETACH, MNT_EXPIRE and
    /// UMOUNT_NOFOLLOW, others EINVAL (Linux: ksys_umount, path_umount).
    static func umount2(_ target: UserString, _ flags: UnmountFlags) throws(Errno) -> Int64 {
        let known: UnmountFlags = [.MNT_FORCE, .MNT_DETACH, .MNT_EXPIRE, .UMOUNT_NOFOLLOW]
        guard known.isSuperset(of: flags) else { throw .EINVAL }
        let place = try PathArgument(target).lookup(follow: !flags.contains(.UMOUNT_NOFOLLOW))
        try requireAdministrator()
        try VFS.unmount(place, flags: flags)
        return 0
    }

    /// pivot_root(new_root, put_old): both must be directories.
    static func pivotRoot(_ newRoot: UserString, _ putOld: UserString) throws(Errno) -> Int64 {
        let newPlace = try PathArgument(newRoot).lookup(follow: true)
        let oldPlace = try PathArgument(putOld).lookup(follow: true)
        try requireAdministrator()
        try VFS.pivotRoot(newPlace, putOld: oldPlace, root: Scheduler.current.fs.root)
        return 0
    }

    /// Linux: may_mount's ns_capable(CAP_SYS_ADMIN).
    private static func requireAdministrator() throws(Errno) {
        guard Scheduler.current.credentials.capable(.CAP_SYS_ADMIN) else { throw .EPERM }
    }
}
