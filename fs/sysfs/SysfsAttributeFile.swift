import ABI
import Core
import Lib

/// An open attribute file (Linux: fs/sysfs/file.c over kernfs's
/// seq_file): a read shows the attribute's text as it is now, from the
/// offset asked; a write hands the bytes to its store, at most a page of
/// them. Opening for writing an attribute without a store, or for reading
/// one without read bits, is EACCES, even for root (Linux: kernfs_fop_open).
final class SysfsAttributeFile: FileOperations {
    private let attribute: KObjectAttribute

    init(_ attribute: KObjectAttribute) { self.attribute = attribute }

    func open(_ file: File, flags: OpenFlags) throws(Errno) {
        if flags.accessMode != .O_RDONLY && attribute.store == nil { throw .EACCES }
        // A write-only attribute (a module's uevent, 0200) cannot be read either.
        if flags.accessMode != .O_WRONLY && attribute.mode & 0o444 == 0 { throw .EACCES }
    }

    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        let text = attribute.show()
        guard offset >= 0 else { throw .EINVAL }
        guard offset < Int64(text.count), count > 0 else { return [] }
        let start = Int(offset)
        let bytes = Array(text[start..<min(text.count, start + count)])
        offset += Int64(bytes.count)
        return bytes
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard let store = attribute.store else { throw .EACCES }
        guard !bytes.isEmpty else { return 0 }
        let taken = Array(bytes.prefix(Int(pageSize) - 1))
        try store(taken)
        offset += Int64(taken.count)
        return taken.count
    }

    /// O_TRUNC, as `echo value > file` opens, changes nothing (Linux:
    /// kernfs_iop_setattr accepts a size).
    func truncate(_ inode: Inode, to size: Int64) throws(Errno) {}
}
