import ABI
import Core
import Synchronization

/// Who may write a regular file: writers and running programs exclude each
/// other (Linux: i_writecount with get_write_access and deny_write_access
/// in include/linux/fs.h). Positive counts open files that may write,
/// negative counts programs running from the file; the other side gets
/// ETXTBSY ("text file busy").
///
/// A token holds one count and gives it back when it goes: an open file
/// that may write holds a `.write` one, an executable being run (and then
/// the address space running it) a `.deny` one.
final class InodeWriteAccess {
    enum Kind { case write, deny }
    let inode: Inode
    let kind: Kind

    /// Takes a count of `kind`, or ETXTBSY while the other kind is held.
    init(_ inode: Inode, _ kind: Kind) throws(Errno) {
        var current = inode.writeCount.load(ordering: .relaxed)
        while true {
            guard kind == .write ? current >= 0 : current <= 0 else { throw .ETXTBSY }
            let (exchanged, found) = inode.writeCount.compareExchange(
                expected: current, desired: current + (kind == .write ? 1 : -1), ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = found
        }
        self.inode = inode
        self.kind = kind
    }

    deinit { inode.writeCount.add(kind == .write ? -1 : 1, ordering: .releasing) }

    /// ETXTBSY if a program runs from `inode` now (truncate(2), which opens nothing).
    static func checkNotRunning(_ inode: Inode) throws(Errno) {
        if inode.writeCount.load(ordering: .relaxed) < 0 { throw .ETXTBSY }
    }
}
