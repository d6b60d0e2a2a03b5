import ABI
import Core
import Lib

/// The files of /proc that describe the whole system (Linux: fs/proc/root.c
/// proc_root_init and the fs_initcalls of fs/proc/*.c), registered through
/// the same `ProcFS.create` any other kernel code uses.
extension ProcFS {
    /// Registers the system files and sysctl settings (Linux:
    /// proc_root_init). `commandLine` is the kernel's, for /proc/cmdline.
    public static func initialize(commandLine: [UInt8]) {
        let commandLineText = String(decoding: commandLine, as: UTF8.self) + "\n"
        let files: [(String, () throws(Errno) -> String)] = [
            ("cmdline", { commandLineText }),
            ("cpuinfo", { ProcSystem.cpuinfo() }),
            ("filesystems", { String(decoding: FileSystems.procText(), as: UTF8.self) }),
            ("buddyinfo", { ProcSystem.buddyinfo() }),
            // No block devices yet (Linux: fs/proc/devices.c devinfo_show).
            ("devices", { "Character devices:\n" + CharDevices.procText() + "\nBlock devices:\n" }),
            ("interrupts", { ProcSystem.interrupts() }),
            ("loadavg", { ProcSystem.loadavg() }),
            ("meminfo", { ProcSystem.meminfo() }),
            ("modules", { ModuleLoader.procModules() }),
            ("partitions", { "major minor  #blocks  name\n\n" }),
            ("softirqs", { ProcSystem.softirqs() }),
            ("stat", { ProcSystem.stat() }),
            ("swaps", { "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" }),
            ("uptime", { ProcSystem.uptime() }),
            ("vmstat", { ProcVmstat.vmstat() }),
            ("zoneinfo", { ProcVmstat.zoneinfo() }),
            ("version", { "\(UTSName.sysname) version \(UTSName.release) (apus@localhost) \(UTSName.version)\n" }),
        ]
        do throws(Errno) {
            for (name, show) in files { try create(name, show: show) }
            try create("kallsyms", show: { ProcSystem.kallsyms() })
            try create("slabinfo", mode: 0o400, show: { ProcSystem.slabinfo() })
            try symlink("mounts", target: "self/mounts")
            try Sysctl.register("kernel", ProcSystem.kernelSettings)
            try Sysctl.register("vm", ProcSystem.vmSettings)
        } catch {
            pr_err("proc: cannot register the system files: error -\(error.rawValue)")
        }
    }
}
