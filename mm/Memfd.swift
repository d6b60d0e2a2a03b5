import ABI
import Core
import Lib

/// Anonymous files with seals (Linux: mm/memfd.c): a memfd is an unlinked
/// tmpfs file that a process can share by descriptor and then seal, so
/// that whoever receives it can trust its size or contents not to change.
/// The seals themselves are kept and enforced by the file's contents,
/// `RamfsRegularFile` (Linux keeps them in shmem_inode_info): writes,
/// truncation and writable shared mappings check them.
enum Memfd {
    /// memfd_create: a file named "memfd:NAME" of mode 0777, or 0666 with
    /// F_SEAL_EXEC for MFD_NOEXEC_SEAL; sealable if asked (Linux: memfd_create).
    static func create(name: [UInt8], flags: MemfdFlags) throws(Errno) -> File {
        let noExec = flags.contains(.MFD_NOEXEC_SEAL)
        let file = try SharedAnonymous.unlinkedFile(
            name: Array("memfd:".utf8) + name, mode: FileMode.S_IFREG | (noExec ? 0o666 : 0o777))
        file.inode.nlink = 0  // unlinked from the start (Linux: clear_nlink in __shmem_file_setup)
        if let contents = file.operations as? RamfsRegularFile {
            VFS.lockedNonThrowing {
                if noExec {
                    contents.seals = .F_SEAL_EXEC
                } else if flags.contains(.MFD_ALLOW_SEALING) {
                    contents.seals = []
                }
            }
        }
        return file
    }

    /// fcntl(F_GET_SEALS); EINVAL for a file that has no seals (not tmpfs).
    static func seals(of file: File) throws(Errno) -> FileSeals {
        guard let contents = file.operations as? RamfsRegularFile else { throw .EINVAL }
        return VFS.lockedNonThrowing { contents.seals }
    }

    /// fcntl(F_ADD_SEALS) (Linux: memfd_add_seals). EPERM unless open for
    /// writing or once F_SEAL_SEAL is set, EINVAL for an unknown seal or a
    /// file without seals, EBUSY for F_SEAL_WRITE while a shared mapping
    /// could still write. F_SEAL_EXEC on an executable file also seals
    /// writing, so the file is never both writable and executable.
    static func addSeals(_ added: FileSeals, to file: File) throws(Errno) {
        guard file.mayWrite else { throw .EPERM }
        guard added.subtracting(.all).isEmpty, let contents = file.operations as? RamfsRegularFile else {
            throw .EINVAL
        }
        try VFS.locked { () throws(Errno) in
            guard !contents.seals.contains(.F_SEAL_SEAL) else { throw .EPERM }
            var seals = added
            if seals.contains(.F_SEAL_EXEC) && file.inode.mode & 0o111 != 0 {
                seals.formUnion([.F_SEAL_SHRINK, .F_SEAL_GROW, .F_SEAL_WRITE, .F_SEAL_FUTURE_WRITE])
            }
            if seals.contains(.F_SEAL_WRITE) && !contents.seals.contains(.F_SEAL_WRITE)
                && isWritablyMapped(file.objectIdentity)
            {
                throw .EBUSY
            }
            contents.seals.formUnion(seals)
        }
    }

    /// mmap of a sealed file (Linux: memfd_check_seals_mmap): a shared
    /// mapping may not write once writing is sealed (EPERM), nor become
    /// writable later; the returned flags lack mayWrite then.
    static func checkMapping(_ file: File, shared: Bool, writable: Bool, flags: VMAFlags) throws(Errno) -> VMAFlags {
        guard shared, let seals = try? seals(of: file), !seals.isDisjoint(with: [.F_SEAL_WRITE, .F_SEAL_FUTURE_WRITE])
        else { return flags }
        guard !writable else { throw .EPERM }
        return flags.subtracting(.mayWrite)
    }

    /// Whether a shared mapping that may write shows the object, in any
    /// process (Linux: mapping_writably_mapped, counted in i_mmap_writable;
    /// Apus looks, since sealing is rare). No lock is needed: the kernel is
    /// not preempted and does not sleep here.
    private static func isWritablyMapped(_ object: UInt64) -> Bool {
        Scheduler.allTasks.contains { task in
            task.mm?.areas.contains {
                $0.flags.isSuperset(of: [.shared, .mayWrite]) && $0.backing?.objectIdentity == object
            } ?? false
        }
    }
}
