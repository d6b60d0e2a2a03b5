import ABI
import Core
import Lib

/// /sys/devices/system/cpu (Linux: drivers/base/cpu.c): a cpuN directory
/// for each CPU, and the masks "online", "possible" and "present" as CPU
/// lists ("0", "0-3"), which glibc reads for sysconf(_SC_NPROCESSORS_ONLN).
/// Apus runs on one CPU.
enum CpuDevices {
    static func initialize() {
        guard let devices = DeviceModel.devices else { return }
        do throws(Errno) {
            let cpu = try devices.child("system").child("cpu")
            let count = Int(RCU.onlineCPUs)
            let list = count == 1 ? "0" : "0-\(count - 1)"
            for name in ["online", "possible", "present"] {
                try cpu.addAttribute(.text(name) { list })
            }
            try cpu.addAttribute(.text("offline") { "" })
            try cpu.addAttribute(.text("kernel_max") { "\(count - 1)" })
            for index in 0..<count {
                let core = try KObject.createAndAdd("cpu\(index)", parent: cpu)
                try core.addAttribute(.text("online") { "1" })
            }
        } catch {
            pr_err("cpu: cannot make /sys/devices/system/cpu: error -\(error.rawValue)")
        }
    }
}
