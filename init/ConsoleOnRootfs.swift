import ABI

/// Gives the running task its standard input, output and error:
/// /dev/console opened for reading and writing on the lowest free
/// descriptor, then duplicated twice — 0, 1 and 2 in a fresh table — for
/// init and everything it starts to inherit (Linux: init/main.c
/// console_on_rootfs).
func consoleOnRootfs() {
    let task = Scheduler.current
    do throws(Errno) {
        let console = try VFS.open(
            Array("/dev/console".utf8), flags: .O_RDWR,
            relativeTo: task.fs.workingDirectory, root: task.fs.root)
        for _ in 0..<3 { _ = try task.files.install(console) }
    } catch {
        pr_err("Warning: unable to open an initial console.")
    }
}
