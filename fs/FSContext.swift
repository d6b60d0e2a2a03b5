import ABI
import Core

/// A process's root directory, working directory and umask (Linux: struct
/// fs_struct, fs/fs_struct.c). Kernel threads and init share `kernel`
/// (Linux: init_fs), whose root and working directory the root mount
/// sets; a forked process gets a `copy()` (threads may share one, with
/// CLONE_FS). Before the root filesystem is mounted both are nil, which
/// the VFS calls take as the namespace's root.
public final class FSContext {
    /// The kernel threads' context (Linux: init_fs).
    public static var kernel: FSContext { kernelContext.value }
    private static let kernelContext = BootOnce(FSContext())

    /// What a new context's umask is (Linux: init_fs's 0022).
    public static let defaultUmask: UInt32 = 0o022

    private var storedRoot: Path?
    private var storedWorkingDirectory: Path?
    private var storedUmask: UInt32
    private let lock = SpinLock()

    public init() {
        storedUmask = Self.defaultUmask
    }

    private init(root: Path?, workingDirectory: Path?, umask: UInt32) {
        storedRoot = root
        storedWorkingDirectory = workingDirectory
        storedUmask = umask
    }

    /// Where absolute paths start and ".." stops (chroot changes it).
    public var root: Path? { locked { storedRoot } }
    /// Where relative paths start (chdir changes it).
    public var workingDirectory: Path? { locked { storedWorkingDirectory } }
    /// The permission bits that creating a file clears.
    public var umask: UInt32 { locked { storedUmask } }

    /// chroot(2) (Linux: set_fs_root). The working directory stays where
    /// it is, even outside the new root, as in Linux.
    public func setRoot(_ place: Path) {
        locked { storedRoot = place }
    }

    /// chdir(2) and fchdir(2) (Linux: set_fs_pwd).
    public func setWorkingDirectory(_ place: Path) {
        locked { storedWorkingDirectory = place }
    }

    /// umask(2): sets the mask and returns the previous one.
    public func exchangeUmask(_ mask: UInt32) -> UInt32 {
        locked { () -> UInt32 in
            let previous = storedUmask
            storedUmask = mask & 0o777
            return previous
        }
    }

    /// A context for a forked process (Linux: copy_fs_struct).
    public func copy() -> FSContext {
        locked { FSContext(root: storedRoot, workingDirectory: storedWorkingDirectory, umask: storedUmask) }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
