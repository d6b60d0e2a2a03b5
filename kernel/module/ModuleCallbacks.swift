import Core
import Lib

/// A module's timers and work must not outlive it. In Linux, unloading a
/// module with a timer still pending or work still queued is the module's
/// bug, and the kernel later calls freed code. Apus knows every pending
/// timer_list and work_struct of C modules (ModuleTimers, ModuleWork), so
/// when a module's memory is about to be freed — after its exit, or after
/// its init failed — those lying in it or calling into it are cancelled,
/// each with a warning naming the module's bug.
enum ModuleCallbacks {
    static func cancel(of module: Module) {
        let range = module.base.value..<module.base.value + UInt64(module.size)
        for timer in ModuleTimers.cancel(in: range) {
            pr_warn("\(module.name): timer_list \(describe(timer, in: module)) still pending at unload, cancelled")
        }
        for work in ModuleWork.cancel(in: range) {
            pr_warn("\(module.name): work_struct \(describe(work, in: module)) still queued at unload, cancelled")
        }
    }

    /// `symbol+offset` for an address in the module's memory, else the
    /// address hashed as printk's %p shows it.
    private static func describe(_ address: UInt64, in module: Module) -> String {
        let below = module.symbols.filter { $0.address <= address && address - $0.address < UInt64(module.size) }
        guard address >= module.base.value, let symbol = below.max(by: { $0.address < $1.address }) else {
            return hex(KernelPointers.hashed(address))
        }
        let name = String(decoding: symbol.name, as: UTF8.self)
        return address == symbol.address ? name : "\(name)+\(hex(address - symbol.address))"
    }
}
