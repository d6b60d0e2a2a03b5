import ABI
import Core

/// How kernel code adds to /proc (Linux: fs/proc/generic.c): files whose
/// text a callback renders, directories and symlinks, under the root or
/// under a directory made here. docs/procfs.md shows how to add an entry.
public enum ProcFS {
    /// /proc itself; nil as a parent means it.
    static let rootDirectory = BootOnce<ProcRegisteredDirectory>(ProcRegisteredDirectory(extra: ProcProcesses()))

    /// A file `name` in `parent` (the root if nil) whose contents are what
    /// `show` returns at read time; with `write`, writes to it are handed
    /// over whole (Linux: proc_create_single_data with a proc_write). Mode
    /// 0444, or 0644 with `write`, unless given. EEXIST if the name is taken.
    @discardableResult
    public static func create(
        _ name: String, mode: UInt32? = nil, parent: ProcRegisteredDirectory? = nil,
        show: @escaping () throws(Errno) -> String,
        write: (([UInt8]) throws(Errno) -> Void)? = nil
    ) throws(Errno) -> ProcEntry {
        let permissions = mode ?? (write == nil ? 0o444 : 0o644)
        return try register(name, mode: FileMode.S_IFREG | permissions, parent: parent) {
            .file(show: { () throws(Errno) -> [UInt8] in Array(try show().utf8) }, write: write)
        }
    }

    /// A file `name` in `parent` with operations of its own, made for each
    /// open (Linux: proc_create with a proc_ops). EEXIST if the name is taken.
    @discardableResult
    public static func create(
        _ name: String, mode: UInt32, parent: ProcRegisteredDirectory? = nil,
        operations: @escaping () -> any FileOperations
    ) throws(Errno) -> ProcEntry {
        try register(name, mode: FileMode.S_IFREG | mode, parent: parent) { .operations(operations) }
    }

    /// A directory `name` in `parent` for more entries (Linux: proc_mkdir).
    public static func mkdir(_ name: String, parent: ProcRegisteredDirectory? = nil) throws(Errno)
        -> ProcRegisteredDirectory
    {
        let directory = ProcRegisteredDirectory()
        _ = try register(name, mode: FileMode.S_IFDIR | 0o555, parent: parent) { .directory(directory) }
        return directory
    }

    /// A symlink `name` in `parent` to `target` (Linux: proc_symlink).
    @discardableResult
    public static func symlink(_ name: String, target: String, parent: ProcRegisteredDirectory? = nil)
        throws(Errno) -> ProcEntry
    {
        let body = Array(target.utf8)
        return try register(name, mode: FileMode.S_IFLNK | 0o777, parent: parent) { .symlink({ body }) }
    }

    /// Removes `name` from `parent` (Linux: remove_proc_entry); files
    /// already open keep working. ENOENT if there is no such entry.
    public static func remove(_ name: String, parent: ProcRegisteredDirectory? = nil) throws(Errno) {
        guard (parent ?? rootDirectory.value).remove(Array(name.utf8)) else { throw .ENOENT }
    }

    private static func register(
        _ name: String, mode: UInt32, parent: ProcRegisteredDirectory?, content: () -> ProcContent
    ) throws(Errno) -> ProcEntry {
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "/")) else { throw .EINVAL }
        let directory = parent ?? rootDirectory.value
        let entry = ProcEntry(name: name, mode: mode, content: content(), position: directory.nextPosition())
        try directory.add(entry)
        return entry
    }
}
