import Core
import Lib

/// Naming addresses inside modules (Linux: kernel/module/kallsyms.c
/// find_kallsyms_symbol and module_address_lookup, and print_modules in
/// kernel/module/main.c): what an oops prints for module code.
extension ModuleLoader {
    /// The module symbol at or before `address` and the module's name, if
    /// `address` is inside a loaded module. As Linux, a symbol reaches the
    /// next symbol or section of its module, or the module's end. Never
    /// waits: an oops may come while the module list is locked, and then
    /// names nothing.
    public static func lookup(address: UInt64) -> (location: SymbolLocation, module: String)? {
        guard let modules = modulesIfUnlocked,
            let module = modules.first(where: { $0.base.value <= address && address - $0.base.value < UInt64($0.size) })
        else { return nil }
        var best: LinkedModule.DefinedSymbol? = nil
        var next = module.base.value + UInt64(module.size)
        for symbol in module.symbols {
            if symbol.address <= address, symbol.address > best?.address ?? 0 { best = symbol }
            if symbol.address > address, symbol.address < next { next = symbol.address }
        }
        for section in module.sections where section.address > address && section.address < next {
            next = section.address
        }
        guard let best else { return nil }
        let symbol = KernelSymbol(
            name: String(decoding: best.name, as: UTF8.self), address: best.address, size: next - best.address)
        return (SymbolLocation(symbol: symbol, offset: address - best.address), module.name)
    }

    /// The oops line listing every module, each with its taints and `+`
    /// while loading or `-` while unloading (Linux: print_modules and
    /// module_flags): `Modules linked in: fault(O+) hello(O)`.
    static func printModules() {
        let names = (modulesIfUnlocked ?? []).map { " " + $0.name + $0.flags(showState: true) }
        pr_emerg("Modules linked in:" + names.joined())
    }
}
