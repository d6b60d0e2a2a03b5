import Core
import Lib

/// What /proc shows of the loaded modules (Linux: kernel/module/procfs.c
/// m_show, and module_get_kallsym for /proc/kallsyms).
extension ModuleLoader {
    /// /proc/modules: per module, newest first, "name size refcount deps
    /// state address taints": `hello 12288 0 - Live 0x0000000000000000 (O)`.
    /// The address shows as kptr_restrict allows; the reference count is
    /// module_refcount's: the modules using its exports, which the next
    /// column names (`user,`; `[permanent],` for a module with init and
    /// no exit; else `-`), and the references try_module_get took.
    static func procModules() -> String {
        let showAddresses = KernelPointers.symbolAddressesVisible(to: Scheduler.current.credentials)
        var text = ""
        for module in modules {
            let state =
                switch module.state {
                case .coming: "Loading"
                case .live: "Live"
                case .going: "Unloading"
                }
            // Linux: print_unload_info, each user's name and a comma.
            let users = users(of: module)
            var uses = users.map { $0.name + "," }.joined()
            if module.hasInit && module.exitAddress == nil { uses += "[permanent]," }
            text +=
                "\(module.name) \(module.size) \(referenceCount(of: module)) \(uses.isEmpty ? "-" : uses) \(state) 0x"
            text += hex(showAddresses ? module.base.value : 0, width: 16)
            // Linux: the flags, with the state's `+` or `-`, only for a module that tainted.
            text += module.taints.isEmpty ? "\n" : " \(module.flags(showState: true))\n"
        }
        return text
    }

    /// The modules' symbols for /proc/kallsyms: "address letter name\t[module]".
    static func kallsyms(showAddresses: Bool) -> String {
        var text = ""
        for module in modules {
            for symbol in module.symbols {
                text += hex(showAddresses ? symbol.address : 0, width: 16) + " "
                text += String(decoding: [symbol.letter], as: UTF8.self) + " "
                text += String(decoding: symbol.name, as: UTF8.self) + "\t[" + module.name + "]\n"
            }
        }
        return text
    }
}
