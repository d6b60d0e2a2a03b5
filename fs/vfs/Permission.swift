import ABI
import Lib

extension Inode {
    /// Whether the caller may access the inode as `mode` asks (Linux:
    /// inode_permission and generic_permission). Every task is root until
    /// credentials exist, and root may read and write anything, search
    /// every directory, and execute a file only if some execute bit is set
    /// (Linux: CAP_DAC_OVERRIDE's rule in generic_permission).
    public func permits(_ mode: AccessMode) -> Bool {
        guard mode.contains(.X_OK), !isDirectory else { return true }
        return self.mode & (FileMode.S_IXUSR | FileMode.S_IXGRP | FileMode.S_IXOTH) != 0
    }
}
