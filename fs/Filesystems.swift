import ABI
import Core
import Lib

/// A kind of filesystem mount(2) can make (Linux: struct
/// file_system_type): its name, and how to get a superblock for a new
/// mount — a fresh instance (tmpfs, ramfs) or the one shared instance
/// (devtmpfs, sysfs).
public protocol FileSystemType: AnyObject, Sendable {
    /// The name mount(2)'s `filesystemtype` and /proc/filesystems use.
    var name: String { get }
    /// Whether it needs a block device (Linux: FS_REQUIRES_DEV); the
    /// others are listed as "nodev".
    var requiresDevice: Bool { get }
    /// A superblock for a new mount from `source` with `options` (Linux:
    /// ->init_fs_context and ->get_tree).
    func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock
}

extension FileSystemType {
    public var requiresDevice: Bool { false }
}

/// The registered filesystem types (Linux: fs/filesystems.c, the
/// file_systems list).
public enum FileSystems {
    private static let registered = SpinLocked<[any FileSystemType]>([])

    /// Adds `type`; EBUSY if its name is taken (Linux: register_filesystem).
    public static func register(_ type: any FileSystemType) throws(Errno) {
        try registered.withLock { (types) throws(Errno) in
            guard !types.contains(where: { $0.name == type.name }) else { throw .EBUSY }
            types.append(type)
        }
    }

    /// Removes the type named `name` (Linux: unregister_filesystem).
    public static func unregister(_ name: String) {
        registered.withLock { $0.removeAll { $0.name == name } }
    }

    /// The type called `name`; ENODEV if none is (Linux: get_fs_type).
    public static func find(_ name: [UInt8]) throws(Errno) -> any FileSystemType {
        let wanted = String(decoding: name, as: UTF8.self)
        guard let type = registered.withLock({ $0.first { $0.name == wanted } }) else { throw .ENODEV }
        return type
    }

    /// /proc/filesystems: one line per type in registration order, "nodev"
    /// before the tab for those without a device (Linux: filesystems_proc_show).
    public static func procText() -> [UInt8] {
        var text: [UInt8] = []
        for type in registered.withLock({ $0 }) {
            text += Array((type.requiresDevice ? "" : "nodev").utf8) + [UInt8(ascii: "\t")]
            text += Array(type.name.utf8) + [UInt8(ascii: "\n")]
        }
        return text
    }
}
