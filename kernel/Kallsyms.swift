import Core
import Lib

/// The kernel's own symbol table, for symbolized backtraces (Linux:
/// kernel/kallsyms.c). The build links the image twice and embeds the
/// first link's function symbols, demangled, in the .kallsyms section.
public enum Kallsyms {
    private static let symbols = BootOnce<KallsymsTable>()

    public static func initialize() {
        do {
            let table = try KallsymsTable(bytes: KernelImage.kallsymsBytes())
            symbols.set(table)
            pr_info("kallsyms: \(table.count) symbols")
        } catch {
            pr_warn("kallsyms: no usable symbol table in the image")
        }
    }

    /// The table, if the image has one.
    public static var table: KallsymsTable? { symbols.valueIfSet }

    /// `name+0xoff/0xsize`, `name+0xoff/0xsize [module]` for a module's
    /// code (Linux: %pS, sprint_symbol), or the bare address when no symbol
    /// covers it.
    public static func describe(_ address: UInt64) -> String {
        if let location = symbols.valueIfSet?.lookup(address: address) { return location.description }
        if let (location, module) = ModuleLoader.lookup(address: address) {
            return location.description + " [" + module + "]"
        }
        return "0x" + hex(address, width: 16)
    }

    /// Whether `address` is in the kernel's text or a loaded module's
    /// (Linux: __kernel_text_address), where a call trace goes on.
    public static func isText(_ address: UInt64) -> Bool {
        KernelImage.text.contains(address) || ModuleLoader.lookup(address: address) != nil
    }
}
