import ABI
import Core
import Lib

/// A loaded module (Linux: struct module, include/linux/module.h): its
/// name, its memory in the module area, the symbols it defines, its exit
/// function and the taint it brought.
public final class Module {
    /// Linux: enum module_state; /proc/modules shows Loading, Live, Unloading.
    public enum State { case coming, live, going }

    public let name: String
    /// The start of its memory, and how many bytes (Linux: mem[MOD_TEXT].base, the module's size).
    public let base: VirtAddr
    public let size: Int
    let symbols: [LinkedModule.DefinedSymbol]
    /// cleanup_module, if the module has one.
    let exitAddress: UInt64?
    let hasInit: Bool
    /// The taint flags the module set (Linux: mod->taints), for /proc/modules.
    let taints: [Taint.Flag]
    var state = State.coming

    init(
        name: String, base: VirtAddr, size: Int, symbols: [LinkedModule.DefinedSymbol], exitAddress: UInt64?,
        hasInit: Bool, taints: [Taint.Flag]
    ) {
        self.name = name
        self.base = base
        self.size = size
        self.symbols = symbols
        self.exitAddress = exitAddress
        self.hasInit = hasInit
        self.taints = taints
    }

    /// Its taint letters in parentheses, as /proc/modules and oopses show
    /// them (Linux: module_flags): `(POE)`, or empty.
    var taintText: String {
        let letters = taints.sorted { $0.rawValue < $1.rawValue }.map { String($0.letter) }.joined()
        return letters.isEmpty ? "" : "(" + letters + ")"
    }
}
