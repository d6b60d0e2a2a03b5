import ABI
import Core
import Lib

/// /proc/mounts, /proc/PID/mounts and mountinfo (Linux:
/// fs/proc_namespace.c): the VFS's text of the mount table
/// (fs/vfs/MountsText.swift) as the process sees it from its root.
enum ProcMounts {
    static func mounts(for task: Task) -> String {
        String(decoding: VFS.mountsText(root: task.fs.root), as: UTF8.self)
    }

    static func mountinfo(for task: Task) -> String {
        String(decoding: VFS.mountInfoText(root: task.fs.root), as: UTF8.self)
    }
}
