import ABI
import Core
import Lib

/// /proc/mounts, /proc/PID/mounts and mountinfo (Linux:
/// fs/proc_namespace.c show_vfsmnt and show_mountinfo): the mount table
/// as a process sees it from its root. Mounts its root cannot reach (a
/// chroot's outside) are left out, as Linux leaves them.
enum ProcMounts {
    /// A mount with what the renderers print of it.
    private struct Row {
        let mount: Mount
        let mountpoint: [UInt8]
    }

    /// The mounts `task` can see, with their mount points named from its root.
    private static func rows(for task: Task) -> [Row] {
        let root = task.fs.root
        let mounts = VFS.lockedNonThrowing { VFS.mountTable.mounts }
        return mounts.compactMap { mount -> Row? in
            let place =
                mount.mountpoint.flatMap { point in mount.parent.map { Path(mount: $0, dentry: point) } }
                ?? Path(mount: mount, dentry: mount.root)
            guard let name = try? VFS.pathName(of: place, root: root),
                !name.starts(with: Array("(unreachable)".utf8))
            else { return nil }
            return Row(mount: mount, mountpoint: name)
        }
    }

    static func identifier(of mount: Mount) -> Int { mount.id }

    /// The mount's options (Linux: show_mnt_opts and the superblock's
    /// show_options); no mount flags exist yet, so every mount is "rw".
    private static func options(of mount: Mount) -> String { "rw" }

    /// The name of the mount's source (Linux: mnt_devname); filesystems
    /// without a device are known by their type.
    private static func source(of mount: Mount) -> String { mount.superBlock.typeName }

    /// Spaces, tabs, newlines and backslashes as octal escapes (Linux: mangle).
    private static func escaped(_ name: [UInt8]) -> String {
        var text = ""
        for byte in name {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\\"):
                text += "\\" + String(byte, radix: 8).paddedOctal
            default:
                text += String(decoding: [byte], as: UTF8.self)
            }
        }
        return text
    }

    /// /proc/mounts and /proc/PID/mounts: "source mountpoint type options 0 0".
    static func mounts(for task: Task) -> String {
        rows(for: task).map { row in
            "\(source(of: row.mount)) \(escaped(row.mountpoint)) \(row.mount.superBlock.typeName) \(options(of: row.mount)) 0 0\n"
        }.joined()
    }

    /// /proc/PID/mountinfo: "id parent major:minor root mountpoint options
    /// - type source super-options".
    static func mountinfo(for task: Task) -> String {
        rows(for: task).map { row in
            let mount = row.mount
            let device = mount.superBlock.deviceNumber
            let parent = mount.parent?.id ?? mount.id
            return
                "\(mount.id) \(parent) \(DeviceNumber.major(device)):\(DeviceNumber.minor(device)) / \(escaped(row.mountpoint)) \(options(of: mount)) - \(mount.superBlock.typeName) \(source(of: mount)) rw\n"
        }.joined()
    }
}

extension String {
    /// Three octal digits, as Linux's "\\%03o".
    fileprivate var paddedOctal: String { String(repeating: "0", count: max(0, 3 - utf8.count)) + self }
}
