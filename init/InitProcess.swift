import ABI
import Lib

/// Starting the first user program, pid 1 (Linux: kernel_init,
/// run_init_process and try_to_run_init_process in init/main.c).
enum InitProcess {
    /// Where init is looked for when neither `rdinit=` nor `init=` found one.
    static let defaultPaths = ["/sbin/init", "/etc/init", "/bin/init", "/bin/sh"]

    /// Execs init in the running kernel thread: `rdinit=` (default `/init`)
    /// if it exists, else `init=`, else the usual places. Returns once a
    /// program has been loaded; it starts when the thread's function
    /// returns. Panics when there is none, as Linux does.
    static func start(_ commandLine: KernelCommandLine) {
        if let overflow = commandLine.initVariableOverflow { panic(overflow.panicMessage) }
        // Linux: kernel_init_freeable forgets rdinit when the file does not
        // exist (and would then mount the root device instead of the initramfs).
        let ramdiskInit = commandLine.ramdiskInitPath ?? "/init"
        if (try? VFS.lookup(Array(ramdiskInit.utf8))) != nil {
            guard let error = run(ramdiskInit, commandLine) else { return }
            pr_err("Failed to execute \(ramdiskInit) (error -\(error.rawValue))")
        }
        if let requested = commandLine.initPath {
            guard let error = run(requested, commandLine) else { return }
            panic("Requested init \(requested) failed (error -\(error.rawValue)).")
        }
        for path in defaultPaths {
            guard let error = run(path, commandLine) else { return }
            if error != .ENOENT {
                pr_err("Starting init: \(path) exists but couldn't execute it (error -\(error.rawValue))")
            }
        }
        panic(
            "No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance."
        )
    }

    /// Linux: run_init_process. nil when the program was loaded.
    private static func run(_ path: String, _ commandLine: KernelCommandLine) -> Errno? {
        let argv = commandLine.initArgv(path: path)
        pr_info("Run \(path) as init process")
        pr_debug("  with arguments:")
        for argument in argv { pr_debug("    \(argument)") }
        pr_debug("  with environment:")
        for variable in commandLine.initEnvironment { pr_debug("    \(variable)") }
        do {
            try Exec.kernelExecve(path, arguments: argv, environment: commandLine.initEnvironment)
            return nil
        } catch {
            return error
        }
    }
}
