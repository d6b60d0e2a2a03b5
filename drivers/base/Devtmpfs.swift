import ABI
import Core
import Lib

/// The device filesystem (Linux: drivers/base/devtmpfs.c): a ramfs
/// instance that holds a node for every device a driver announces, filled
/// from boot on through a mount of its own and mounted on /dev once the
/// root filesystem is there, before init runs.
enum Devtmpfs {
    private static var place: Path { kernelMount.value }
    private static let kernelMount = BootOnce<Path>(VFS.kernelMount(Ramfs.makeSuperBlock(typeName: "devtmpfs")))

    /// A character device node `name` (Linux: devtmpfs_create_node, from
    /// device_add).
    static func createNode(_ name: String, mode: UInt32, major: UInt32, minor: UInt32) {
        do throws(Errno) {
            try VFS.mknod(
                Array(name.utf8), mode: FileMode.S_IFCHR | mode,
                rdev: DeviceNumber.encode(major: major, minor: minor), relativeTo: place, root: place)
        } catch {
            pr_err("devtmpfs: cannot create \(name): error -\(error.rawValue)")
        }
    }

    /// Removes the node `name` (Linux: devtmpfs_delete_node, from device_del).
    static func deleteNode(_ name: String) {
        do throws(Errno) {
            try VFS.unlink(Array(name.utf8), relativeTo: place, root: place)
        } catch {
            pr_err("devtmpfs: cannot remove \(name): error -\(error.rawValue)")
        }
    }

    /// mount(2)'s "devtmpfs": the one instance, wherever it is mounted
    /// (Linux: devtmpfs's public_dev_type handing out the kernel's superblock).
    final class FileSystem: FileSystemType, Sendable {
        var name: String { "devtmpfs" }

        func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock {
            Devtmpfs.place.mount.superBlock
        }
    }

    /// Mounts the nodes on /dev, making the directory if the root
    /// filesystem has none (Linux: devtmpfs_mount, with
    /// CONFIG_DEVTMPFS_MOUNT).
    static func mount() {
        let dev = Array("/dev".utf8)
        do throws(Errno) {
            do throws(Errno) {
                try VFS.mkdir(dev, mode: 0o755)
            } catch {
                guard error == .EEXIST else { throw error }
            }
            try VFS.mount(place.mount.superBlock, at: dev)
            pr_info("devtmpfs: mounted")
        } catch {
            pr_err("devtmpfs: error mounting \(-error.rawValue)")
        }
    }
}
