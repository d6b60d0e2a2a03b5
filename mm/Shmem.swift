import ABI
import Core
import Lib

/// tmpfs (Linux: mm/shmem.c without swap): ramfs with a size. Its pages
/// and inodes count against limits that mount's size= and nr_inodes= set
/// (default half of memory each, as Linux's), writes past them fail with
/// ENOSPC, statfs reports them, and its root is mode 1777 unless mode=
/// says otherwise.
final class Tmpfs: FileSystemType, SuperOperations, Sendable {
    static let shared = Tmpfs()
    var name: String { "tmpfs" }

    /// The default for size= and nr_inodes= (Linux: shmem_default_max_blocks
    /// and shmem_default_max_inodes: half the RAM pages).
    private static var defaultLimit: Int { PageAllocator.totalPages / 2 }
    private static let defaultRootMode: UInt32 = 0o1777

    /// The options tmpfs takes; anything else is EINVAL (Linux:
    /// shmem_fs_parameters).
    private struct Settings {
        var blocks = Tmpfs.defaultLimit
        var inodes = Tmpfs.defaultLimit
        var mode = Tmpfs.defaultRootMode
        var uid: UInt32? = nil
        var gid: UInt32? = nil

        init() {}

        init(_ options: MountOptions, blocks: Int, inodes: Int) throws(Errno) {
            self.blocks = blocks
            self.inodes = inodes
            let pageBytes = UInt64(pageSize)
            for option in options.options {
                guard let value = option.value else { throw .EINVAL }
                switch option.name {
                case "size":
                    let totalBytes = UInt64(PageAllocator.totalPages) * pageBytes
                    guard let bytes = MountOptions.parseSize(value, percentOf: totalBytes) else { throw .EINVAL }
                    self.blocks = Int(clamping: (bytes / pageBytes) + (bytes % pageBytes == 0 ? 0 : 1))
                case "nr_blocks":
                    guard let count = MountOptions.parseSize(value, percentOf: 0) else { throw .EINVAL }
                    self.blocks = Int(clamping: count)
                case "nr_inodes":
                    guard let count = MountOptions.parseSize(value, percentOf: 0) else { throw .EINVAL }
                    self.inodes = Int(clamping: count)
                case "mode":
                    guard let mode = MountOptions.parseOctal(value) else { throw .EINVAL }
                    self.mode = UInt32(truncatingIfNeeded: mode) & 0o7777
                case "uid":
                    guard let id = MountOptions.parseDecimal(value), id < UInt64(UInt32.max) else { throw .EINVAL }
                    uid = UInt32(id)
                case "gid":
                    guard let id = MountOptions.parseDecimal(value), id < UInt64(UInt32.max) else { throw .EINVAL }
                    gid = UInt32(id)
                default: throw .EINVAL
                }
            }
            // Linux: size=0 and nr_inodes=0 mean "no limit".
            if self.blocks == 0 { self.blocks = Int.max }
            if self.inodes == 0 { self.inodes = Int.max }
        }
    }

    func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock {
        let settings = try Settings(options, blocks: Self.defaultLimit, inodes: Self.defaultLimit)
        return makeSuperBlock(settings)
    }

    /// The root file system the initramfs unpacks into (Linux: rootfs,
    /// which is a tmpfs when no root= is to be mounted): with tmpfs's
    /// default size, so filling "/" fails with ENOSPC instead of taking
    /// every page, and with ramfs's root mode 0755.
    func makeRootfs() -> SuperBlock {
        var settings = Settings()
        settings.mode = 0o755
        return makeSuperBlock(settings, typeName: "rootfs")
    }

    private func makeSuperBlock(_ settings: Settings, typeName: String? = nil) -> SuperBlock {
        let superBlock = Ramfs.makeSuperBlock(
            typeName: typeName ?? name, magic: FilesystemMagic.TMPFS_MAGIC, rootMode: settings.mode)
        superBlock.operations = self
        superBlock.blockLimit = settings.blocks
        superBlock.inodeLimit = settings.inodes
        if let root = superBlock.root?.inode {
            if let uid = settings.uid { root.uid = uid }
            if let gid = settings.gid { root.gid = gid }
        }
        return superBlock
    }

    /// Linux: shmem_show_options: size and nr_inodes when not the default
    /// (in KiB), mode when not 1777, uid and gid when not 0.
    func showOptions(_ superBlock: SuperBlock) -> String {
        var text = ""
        let blocks = superBlock.blockLimit
        if blocks != Self.defaultLimit {
            text += ",size=" + decimal(blocks == Int.max ? 0 : UInt64(blocks) * UInt64(pageSize) / 1024) + "k"
        }
        let inodes = superBlock.inodeLimit
        if inodes != Self.defaultLimit { text += ",nr_inodes=" + decimal(inodes == Int.max ? 0 : UInt64(inodes)) }
        if let root = superBlock.root?.inode {
            if root.mode & 0o7777 != Self.defaultRootMode {
                text += ",mode=" + octal(UInt64(root.mode & 0o7777), width: 3)
            }
            if root.uid != 0 { text += ",uid=" + decimal(UInt64(root.uid)) }
            if root.gid != 0 { text += ",gid=" + decimal(UInt64(root.gid)) }
        }
        return text
    }

    /// Remount may change the limits, not below what is in use (EINVAL,
    /// Linux: shmem_reconfigure's "Too small size/nr_inodes").
    func reconfigure(_ superBlock: SuperBlock, options: MountOptions) throws(Errno) {
        let settings = try Settings(
            options, blocks: superBlock.blockLimit,
            inodes: superBlock.inodeLimit)
        guard settings.blocks >= superBlock.usedBlocks,
            settings.inodes >= superBlock.usedInodes
        else { throw .EINVAL }
        superBlock.blockLimit = settings.blocks
        superBlock.inodeLimit = settings.inodes
    }
}
