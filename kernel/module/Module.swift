import ABI
import Core
import Lib

/// A loaded module (Linux: struct module, include/linux/module.h): its
/// name, its memory in the module area, the symbols it defines and
/// exports, its exit function, the taint it brought and the modules whose
/// exports it uses. The module list's lock guards `users` and `state`.
public final class Module {
    /// Linux: enum module_state, its values too (the debug table has them); /proc/modules
    /// shows Loading, Live, Unloading.
    public enum State: UInt32 { case live = 0, coming, going }

    public let name: String
    /// The start of its memory, and how many bytes (Linux: mem[MOD_TEXT].base, the module's size).
    public let base: VirtAddr
    public let size: Int
    let symbols: [LinkedModule.DefinedSymbol]
    /// What EXPORT_SYMBOL and EXPORT_SYMBOL_GPL give later modules.
    let exports: [ModuleExports.Export]
    /// The modules it links against, each holding a reference for it (Linux: target_list).
    let uses: [Module]
    /// The modules that link against it, newest first (Linux: source_list):
    /// its reference count, and why it cannot be unloaded.
    var users: [Module] = [] {
        didSet { DebugInfo.setModule(slot: debugSlot, refcount: users.count + references) }
    }
    /// cleanup_module, if the module has one.
    let exitAddress: UInt64?
    let hasInit: Bool
    /// The taint flags the module set (Linux: mod->taints), for /proc/modules.
    let taints: [Taint.Flag]
    var state = State.coming {
        didSet { DebugInfo.setModule(slot: debugSlot, state: state.rawValue) }
    }
    /// Its entry in the debug table gdb's lx-lsmod and lx-symbols read, -1 if none (Core's DebugInfo).
    var debugSlot: Int32 = -1
    /// Its module_params, the allocated sections' names and addresses, and
    /// `.modinfo`'s version and srcversion: what /sys/module/NAME shows.
    let parameters: [ModuleParameters.Parameter]
    let sections: [(name: String, address: UInt64)]
    let info: ModInfo
    /// Its BUG() sites, for the oops one causes (Linux: mod->bug_table).
    let bugs: [ModuleBugs.Bug]
    /// /sys/module/NAME and its holders/ (Linux: mod->mkobj, holders_dir),
    /// made and removed with the module mutex held.
    var kobject: KObject?
    var holders: KObject?
    /// Serializes parameters/ reads and writes (Linux: mod->param_lock);
    /// it also guards `parameterStrings`, the kmalloc'd strings writes gave
    /// charp parameters, by variable offset, freed when replaced or unloaded,
    /// and `parametersGone`, set at unload for files still open then.
    let parameterLock = Mutex()
    var parameterStrings: [(offset: Int, address: UInt64)] = []
    var parametersGone = false
    /// The address of its `struct module __this_module`, what THIS_MODULE
    /// names in its code, and the references try_module_get took on it
    /// (Linux: mod->refcnt less MODULE_REF_BASE and the users' references).
    let thisModule: UInt64?
    var references = 0 {
        didSet { DebugInfo.setModule(slot: debugSlot, refcount: users.count + references) }
    }

    init(
        name: String, base: VirtAddr, size: Int, symbols: [LinkedModule.DefinedSymbol],
        exports: [ModuleExports.Export], uses: [Module], exitAddress: UInt64?, hasInit: Bool, taints: [Taint.Flag],
        parameters: [ModuleParameters.Parameter], sections: [(name: String, address: UInt64)], info: ModInfo,
        thisModule: UInt64?, bugs: [ModuleBugs.Bug]
    ) {
        self.name = name
        self.base = base
        self.size = size
        self.symbols = symbols
        self.exports = exports
        self.uses = uses
        self.exitAddress = exitAddress
        self.hasInit = hasInit
        self.taints = taints
        self.parameters = parameters
        self.sections = sections
        self.info = info
        self.thisModule = thisModule
        self.bugs = bugs
    }

    /// Its taint letters in parentheses, as /proc/modules and oopses show
    /// them (Linux: module_flags): `(POE)`, or empty; with `showState`, a
    /// `+` follows while it is loading and a `-` while it is unloading: `(O+)`.
    func flags(showState: Bool) -> String {
        var letters = taintLetters
        if showState && state == .coming { letters += "+" }
        if showState && state == .going { letters += "-" }
        return letters.isEmpty ? "" : "(" + letters + ")"
    }

    /// Its taint letters, as /sys/module/NAME/taint shows them (Linux: module_flags_taint).
    var taintLetters: String { taints.sorted { $0.rawValue < $1.rawValue }.map { String($0.letter) }.joined() }
}
