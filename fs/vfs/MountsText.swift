import ABI
import Lib

/// /proc/mounts and /proc/<pid>/mountinfo (Linux: fs/proc_namespace.c,
/// show_vfsmnt and show_mountinfo). procfs calls these with the reading
/// task's root: mounts it cannot reach are left out and mount points are
/// named from it, as Linux's seq_path_root does.
extension VFS {
    /// One line per mount: "source mountpoint type rw,options 0 0".
    public static func mountsText(root: Path?) -> [UInt8] {
        lockedNonThrowing { () -> [UInt8] in
            var text: [UInt8] = []
            for (mount, mountpoint) in visibleMounts(root: root) {
                text += escaped(mount.source) + [space] + escaped(mountpoint) + [space]
                text += Array(mount.superBlock.typeName.utf8)
                text += Array(((mount.isReadOnly ? " ro" : " rw") + mountOptions(mount)).utf8)
                text += Array(superOptions(mount.superBlock).utf8) + Array(" 0 0\n".utf8)
            }
            return text
        }
    }

    /// One line per mount: "id parent major:minor root mountpoint
    /// options - type source superoptions" (Documentation/filesystems/proc.rst,
    /// 3.5); no optional fields, as every mount is private.
    public static func mountInfoText(root: Path?) -> [UInt8] {
        lockedNonThrowing { () -> [UInt8] in
            var text: [UInt8] = []
            for (mount, mountpoint) in visibleMounts(root: root) {
                let device = mount.superBlock.deviceNumber
                let parentID = mount.parent?.id ?? mount.id
                text += Array(
                    (decimal(UInt64(mount.id)) + " " + decimal(UInt64(parentID)) + " "
                        + decimal(UInt64(DeviceNumber.major(device))) + ":"
                        + decimal(UInt64(DeviceNumber.minor(device))) + " ").utf8)
                text += escaped(nameInFilesystem(mount.root)) + [space] + escaped(mountpoint)
                text += Array(((mount.flags.contains(.MS_RDONLY) ? " ro" : " rw") + mountOptions(mount)).utf8)
                text += Array(" - \(mount.superBlock.typeName) ".utf8) + escaped(mount.source)
                text += Array(((mount.superBlock.isReadOnly ? " ro" : " rw") + superOptions(mount.superBlock)).utf8)
                text.append(UInt8(ascii: "\n"))
            }
            return text
        }
    }

    private static let space = UInt8(ascii: " ")

    /// The mounts in the tree that `root` reaches, each with its mount
    /// point's name from there.
    private static func visibleMounts(root: Path?) -> [(Mount, [UInt8])] {
        guard let top = try? resolvedRoot(root) else { return [] }
        var result: [(Mount, [UInt8])] = []
        for mount in mountTable.mounts {
            let (name, reachable) = components(of: Path(mount: mount, dentry: mount.root), from: top)
            if reachable { result.append((mount, name)) }
        }
        return result
    }

    /// The mount's own flags after "rw"/"ro" (Linux: show_mnt_opts).
    private static func mountOptions(_ mount: Mount) -> String {
        let names: [(MountFlags, String)] = [
            (.MS_NOSUID, ",nosuid"), (.MS_NODEV, ",nodev"), (.MS_NOEXEC, ",noexec"), (.MS_NOATIME, ",noatime"),
            (.MS_NODIRATIME, ",nodiratime"), (.MS_RELATIME, ",relatime"), (.MS_NOSYMFOLLOW, ",nosymfollow"),
        ]
        return names.reduce("") { $0 + (mount.flags.contains($1.0) ? $1.1 : "") }
    }

    /// The filesystem's own options (Linux: ->show_options).
    private static func superOptions(_ superBlock: SuperBlock) -> String {
        superBlock.operations?.showOptions(superBlock) ?? ""
    }

    /// Where `dentry` is inside its filesystem, "/" for its root: a bind
    /// mount's root in mountinfo (Linux: seq_dentry).
    private static func nameInFilesystem(_ dentry: Dentry) -> [UInt8] {
        var components: [[UInt8]] = []
        var current = dentry
        while let parent = current.parent {
            components.append(current.name)
            current = parent
        }
        return components.isEmpty ? [UInt8(ascii: "/")] : components.reversed().flatMap { [UInt8(ascii: "/")] + $0 }
    }

    /// Space, tab, newline and backslash as octal escapes, "\040" (Linux:
    /// mangle and seq_escape with " \t\n\\").
    private static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for byte in bytes {
            if byte == space || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\\") {
                result += [UInt8(ascii: "\\")] + Array(octal(UInt64(byte), width: 3).utf8)
            } else {
                result.append(byte)
            }
        }
        return result
    }
}
