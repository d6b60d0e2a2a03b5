import ABI
import Lib

extension VFS {
    /// The name of `place` as seen from `root` (the namespace's root if
    /// nil): its components from the root down, joined by "/" (Linux:
    /// d_path, and prepend_path behind getcwd). Crossing a mount goes up
    /// through its mount point. ENOENT if the place has been removed,
    /// getcwd's answer for a deleted working directory; a place the root
    /// cannot reach (a working directory left outside a chroot) is named
    /// from its filesystem's top with "(unreachable)" in front, as Linux's
    /// getcwd does.
    public static func pathName(of place: Path, root: Path? = nil) throws(Errno) -> [UInt8] {
        try locked { () throws(Errno) -> [UInt8] in try pathNameLocked(of: place, root: root) }
    }

    /// The same, for callers that hold VFS.lock: a /proc symlink's body is
    /// worked out while the walk that follows it holds the lock.
    static func pathNameLocked(of place: Path, root: Path? = nil) throws(Errno) -> [UInt8] {
        guard place.inode != nil else { throw .ENOENT }
        let (name, reachable) = components(of: place, from: try resolvedRoot(root))
        return reachable ? name : Array("(unreachable)".utf8) + name
    }

    /// The name of `place` below `top` and whether `top` is above it at
    /// all (Linux: prepend_path); with VFS.lock held.
    static func components(of place: Path, from top: Path) -> (name: [UInt8], reachable: Bool) {
        var components: [[UInt8]] = []
        var current = place
        var reachable = true
        while current != top {
            if current.dentry === current.mount.root {
                guard let parent = current.mount.parent, let mountpoint = current.mount.mountpoint else {
                    reachable = false
                    break
                }
                current = Path(mount: parent, dentry: mountpoint)
                continue
            }
            guard let parent = current.dentry.parent else {
                reachable = false
                break
            }
            components.append(current.dentry.name)
            current = Path(mount: current.mount, dentry: parent)
        }
        var name: [UInt8] = []
        for component in components.reversed() {
            name.append(UInt8(ascii: "/"))
            name.append(contentsOf: component)
        }
        if components.isEmpty { name.append(UInt8(ascii: "/")) }
        return (name, reachable)
    }
}
