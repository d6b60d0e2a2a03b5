import ABI
import Core
import Lib

/// Loading and unloading modules (Linux: kernel/module/main.c load_module,
/// do_init_module, delete_module). A module's object is checked and laid
/// out by Lib (ELFRelocatable, ModuleLayout, LinkedModule), linked at its
/// place in the module area against the kernel's exports, copied there
/// and protected (text read-execute, read-only data read-only, data
/// read-write and never executable); then its init runs. Any failure frees
/// everything the load took.
public enum ModuleLoader {
    /// The loaded modules, newest first as /proc/modules lists them, and
    /// the exports' addresses once looked up (Linux: the modules list and
    /// module_mutex, which loads and unloads hold).
    private struct State {
        var modules: [Module] = []
        var exports: [(name: [UInt8], export: KernelSymbols.Export)]?
    }
    private static let list = IRQSafeLocked(State())
    private static let mutex = BootOnce(Mutex())

    /// Linux: MODULE_NAME_LEN, 64 - sizeof(unsigned long).
    static let nameLength = 56
    /// The kernel's version magic, which a module's `vermagic=` must equal
    /// (Linux: VERMAGIC_STRING, include/linux/vermagic.h).
    public static var versionMagic: String { UTSName.release + " SMP preempt mod_unload " }

    /// finit_module's flags (Linux: include/uapi/linux/module.h).
    public static let MODULE_INIT_IGNORE_MODVERSIONS: UInt32 = 1
    public static let MODULE_INIT_IGNORE_VERMAGIC: UInt32 = 2

    public static var modules: [Module] { list.withLock { $0.modules } }

    /// The modules, unless the list is locked (for an oops, which must not wait).
    static var modulesIfUnlocked: [Module]? { list.withLockIfFree { $0.modules } }

    /// The modules using `module`'s exports, newest first.
    static func users(of module: Module) -> [Module] { list.withLock { _ in module.users } }

    /// Its reference count, which /proc/modules and /sys/module/NAME/refcnt
    /// show (Linux: module_refcount): the modules using its exports and the
    /// references try_module_get took (Linux counts both in mod->refcnt).
    static func referenceCount(of module: Module) -> Int {
        list.withLock { _ in module.users.count + module.references }
    }

    static func state(of module: Module) -> Module.State { list.withLock { _ in module.state } }

    /// Loads the module in `bytes` with the parameters `arguments` (Linux: load_module).
    public static func load(_ bytes: [UInt8], arguments: [UInt8], flags: UInt32) throws(Errno) -> Int64 {
        let elf = try ELFRelocatable(bytes)
        let info = ModInfo(elf.sectionIndex(named: ".modinfo").map { elf.contents(of: $0) } ?? [])
        guard let nameBytes = info.value("name"), !nameBytes.isEmpty, nameBytes.count < nameLength else {
            pr_warn("No module found in object")
            throw .ENOEXEC
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        // Linux: check_modinfo and module_augment_kernel_taints. The kernel is tainted even if
        // the load fails later, and each message comes the first time its taint is set.
        var taints: [Taint.Flag] = []
        func taint(_ flag: Taint.Flag, _ message: String) {
            if !Taint.isSet(flag) { pr_warn(message) }
            Taint.add(flag)
            taints.append(flag)
        }
        if let magic = flags & MODULE_INIT_IGNORE_VERMAGIC != 0 ? nil : info.value("vermagic") {
            guard magic == Array(versionMagic.utf8) else {
                pr_err("\(name): version magic '\(String(decoding: magic, as: UTF8.self))' should be '\(versionMagic)'")
                throw .ENOEXEC
            }
        } else {
            // Linux with CONFIG_MODULE_FORCE_LOAD: try_to_force_load.
            taint(.forcedModule, "\(name): bad vermagic: kernel tainted.")
        }
        let license = info.value("license") ?? Array("unspecified".utf8)
        let gplCompatible = ModInfo.isGPLCompatible(license)
        if !gplCompatible {
            taint(
                .proprietaryModule,
                "\(name): module license '\(String(decoding: license, as: UTF8.self))' taints kernel.")
        }
        if info.value("intree") != Array("Y".utf8) {
            taint(.outOfTreeModule, "\(name): loading out-of-tree module taints kernel.")
        }
        let layout = try ModuleLayout(elf, argumentsSize: arguments.count + 1)
        mutex.value.lock()
        let module: Module
        do throws(Errno) {
            module = try link(
                elf, layout: layout, arguments: arguments, name: name, info: info, gplCompatible: gplCompatible,
                taints: taints)
        } catch {
            mutex.value.unlock()
            throw error
        }
        list.withLock { state in
            state.modules.insert(module, at: 0)
            for provider in module.uses { provider.users.insert(module, at: 0) }
        }
        // Linux: mod_sysfs_setup, before init, so /sys/module/NAME/initstate shows "coming".
        do throws(Errno) {
            try ModuleSysfs.add(module)
        } catch {
            release(module)
            mutex.value.unlock()
            throw error
        }
        module.debugSlot = DebugInfo.addModule(
            name: name, base: module.base.value, size: module.size,
            sectionAddresses: layout.sectionOffsets.map { $0.map { module.base.value + UInt64($0) } ?? 0 })
        mutex.value.unlock()
        DebugInfo.moduleLoaded()
        // Linux: do_init_module, outside module_mutex: init may sleep.
        if let initAddress = module.symbols.first(where: { $0.name == Array("init_module".utf8) })?.address {
            let result = ModuleCode.callInit(initAddress)
            if result < 0 {
                mutex.value.withLock { release(module) }
                throw Errno(rawValue: 0 &- result) ?? .EINVAL
            }
            if result > 0 {
                pr_warn(
                    "\(name): 'init_module'->init suspiciously returned \(result), it should follow 0/-E convention")
            }
        }
        list.withLock { _ in module.state = .live }
        return 0
    }

    /// Places, links, sets the parameters `arguments` names and copies the
    /// module; on failure frees its memory and logs Linux's lines. Called
    /// with the module mutex held.
    private static func link(
        _ elf: ELFRelocatable, layout: ModuleLayout, arguments: [UInt8], name: String, info: ModInfo,
        gplCompatible: Bool, taints: [Taint.Flag]
    ) throws(Errno) -> Module {
        guard !list.withLock({ $0.modules.contains { $0.name == name } }) else { throw .EEXIST }
        let exports = exportTable()
        let base: VirtAddr
        do throws(Vmalloc.Failure) {
            base = try Vmalloc.allocate(
                size: UInt64(layout.size), in: MemoryLayout64.modulesStart..<MemoryLayout64.modulesEnd)
        } catch {
            throw .ENOMEM
        }
        // The kernel's exports first, then those of the live modules (Linux: find_symbol); a module
        // whose export is used is recorded, to hold a reference for the new one (Linux: ref_module).
        let providers = list.withLock { $0.modules.filter { $0.state == .live } }
        var uses: [Module] = []
        let linked: LinkedModule
        let moduleExports: ModuleExports
        let parameters: ModuleParameters
        let bugs: ModuleBugs
        do throws(LinkedModule.Failure) {
            linked = try LinkedModule(elf, layout: layout, base: base.value) { symbol in
                // A GPL-only symbol is invisible to a module that is not GPL (Linux: find_symbol's gplok).
                if let export = exports.first(where: { $0.name == symbol })?.export {
                    return gplCompatible || !export.gplOnly ? export.address : nil
                }
                for provider in providers {
                    guard let export = provider.exports.first(where: { $0.name == symbol }) else { continue }
                    guard gplCompatible || !export.gplOnly else { return nil }
                    if !uses.contains(where: { $0 === provider }) { uses.append(provider) }
                    return export.address
                }
                return nil
            }
        } catch {
            try? Vmalloc.free(base)
            logFailure(error, name: name)
            throw error.errno
        }
        do throws(Errno) {
            moduleExports = try ModuleExports(elf, layout: layout, linked: linked)
            try verifyExports(moduleExports, name: name, kernel: exports, modules: providers)
            parameters = try ModuleParameters(elf, layout: layout, image: linked.image, base: base.value)
            bugs = try ModuleBugs(elf, layout: layout, linked: linked)
        } catch {
            try? Vmalloc.free(base)
            throw error
        }
        // Linux: parse_args with unknown_module_param_cb, which logs and ignores unknown names.
        var image = linked.image
        do throws(ModuleParameters.Failure) {
            let strings = layout.argumentsOffset..<layout.argumentsOffset + arguments.count + 1
            for unknown in try parameters.apply(arguments, to: &image, base: base.value, strings: strings) {
                pr_warn("\(name): unknown parameter '\(String(decoding: unknown, as: UTF8.self))' ignored")
            }
        } catch {
            try? Vmalloc.free(base)
            switch error {
            case .invalid(let parameter, let value, _):
                pr_err(
                    "\(name): `\(String(decoding: value, as: UTF8.self))' invalid for parameter `\(String(decoding: parameter, as: UTF8.self))'"
                )
            case .tooLarge(let parameter, let value):
                pr_err(
                    "\(name): `\(String(decoding: value, as: UTF8.self))' too large for parameter `\(String(decoding: parameter, as: UTF8.self))'"
                )
            }
            throw error.errno
        }
        Vmalloc.write(image, at: base)
        Vmalloc.protect(base, size: UInt64(layout.textSize), flags: .kernelText)
        Vmalloc.protect(base + UInt64(layout.textSize), size: UInt64(layout.readOnlySize), flags: .kernelReadOnly)
        let exitAddress = linked.symbols.first { $0.name == Array("cleanup_module".utf8) }?.address
        // Linux: add_sect_attrs, each allocated section that is not empty.
        let sections = elf.sections.indices.compactMap { index -> (name: String, address: UInt64)? in
            let section = elf.sections[index]
            guard section.isAllocated, section.size > 0, !section.name.isEmpty,
                let offset = layout.sectionOffsets[index]
            else { return nil }
            return (String(decoding: section.name, as: UTF8.self), base.value + UInt64(offset))
        }
        return Module(
            name: name, base: base, size: layout.size, symbols: linked.symbols, exports: moduleExports.exports,
            uses: uses, exitAddress: exitAddress, hasInit: linked.address(of: "init_module") != nil, taints: taints,
            parameters: parameters.parameters, sections: sections, info: info,
            thisModule: linked.address(of: "__this_module"), bugs: bugs.bugs)
    }

    /// Refuses a module that exports a name the kernel or a loaded module
    /// already exports (Linux: verify_exported_symbols), logging the owner.
    private static func verifyExports(
        _ moduleExports: ModuleExports, name: String, kernel: [(name: [UInt8], export: KernelSymbols.Export)],
        modules: [Module]
    ) throws(Errno) {
        for export in moduleExports.exports {
            let owner =
                kernel.contains { $0.name == export.name }
                ? "kernel" : modules.first { $0.exports.contains { $0.name == export.name } }?.name
            if let owner {
                pr_err(
                    "\(name): exports duplicate symbol \(String(decoding: export.name, as: UTF8.self)) (owned by \(owner))"
                )
                throw .ENOEXEC
            }
        }
    }

    private static func logFailure(_ failure: LinkedModule.Failure, name: String) {
        switch failure {
        case .unknownSymbols(let symbols):
            for symbol in symbols {
                pr_warn("\(name): Unknown symbol \(String(decoding: symbol, as: UTF8.self)) (err -2)")
            }
        case .commonSymbol(let symbol):
            pr_warn("\(name): please compile with -fno-common (\(String(decoding: symbol, as: UTF8.self)))")
        case .relocation(.unknownType(let type)):
            pr_err("\(name): Unknown rela relocation: \(type)")
        case .relocation(.overflow(let type, let value)):
            pr_err("overflow in relocation type \(type) val \(String(value, radix: 16))")
            pr_err("`\(name)' likely not compiled with -fpie (Apus's modules sit above the top 2 GiB)")
        case .relocation(.outsideSection), .malformed:
            pr_err("\(name): invalid relocation target")
        }
    }

    /// The exports' addresses, looked up in kallsyms once (Linux keeps them
    /// in __ksymtab; Apus keeps the names and finds the addresses).
    private static func exportTable() -> [(name: [UInt8], export: KernelSymbols.Export)] {
        if let table = list.withLock({ $0.exports }) { return table }
        var table: [(name: [UInt8], export: KernelSymbols.Export)] = []
        if let symbols = Kallsyms.table {
            for index in 0..<symbols.count {
                let symbol = symbols.symbol(at: index)
                if let export = KernelSymbols.exported.first(where: { $0.name == symbol.name }) {
                    table.append(
                        (
                            Array(symbol.name.utf8),
                            KernelSymbols.Export(address: symbol.address, gplOnly: export.gplOnly)
                        ))
                }
            }
        }
        for variable in KernelSymbols.exportedData {
            guard let address = KernelSymbols.variableAddress(variable.name) else { continue }
            table.append((Array(variable.name.utf8), KernelSymbols.Export(address: address, gplOnly: variable.gplOnly)))
        }
        list.withLock { $0.exports = table }
        return table
    }

    /// Runs `body` under the module list's lock with the module whose
    /// `struct module` is at `address` (THIS_MODULE in its code), or nil.
    static func withModule<R>(at address: UInt64, _ body: (Module?) -> R) -> R {
        list.withLock { state in body(state.modules.first { $0.thisModule == address }) }
    }

    /// Unloads the module called `name` (Linux: delete_module): EWOULDBLOCK
    /// while another module uses its exports or while references are held
    /// on it (an open file of its device), EBUSY while it is loading or unloading, or if it
    /// has an init but no exit, unless O_TRUNC forces it (tainting the
    /// kernel, Linux's CONFIG_MODULE_FORCE_UNLOAD). Unlike Linux, O_TRUNC
    /// does not force past references: their holders still call its code.
    public static func unload(_ name: String, flags: OpenFlags) throws(Errno) {
        mutex.value.lock()
        defer { mutex.value.unlock() }
        guard let module = list.withLock({ $0.modules.first { $0.name == name } }) else {
            throw .ENOENT
        }
        // Linux: a module others use is EWOULDBLOCK even when forced; they must go first.
        guard users(of: module).isEmpty else { throw .EWOULDBLOCK }
        guard module.state == .live else { throw .EBUSY }
        let forced = module.hasInit && module.exitAddress == nil
        if forced && !flags.contains(.O_TRUNC) { throw .EBUSY }
        // Linux: try_stop_module; from here try_module_get fails.
        let stopped = list.withLock { _ -> Bool in
            guard module.references == 0 else { return false }
            module.state = .going
            return true
        }
        guard stopped else { throw .EWOULDBLOCK }
        if forced { Taint.add(.forcedRemoval) }
        if let exitAddress = module.exitAddress { ModuleCode.callExit(exitAddress) }
        release(module)
    }

    /// Takes a module off the list, drops its references on the modules it
    /// used and frees its memory (Linux: free_module, module_unload_free).
    private static func release(_ module: Module) {
        ModuleCallbacks.cancel(of: module)
        ModuleSysfs.remove(module)
        list.withLock { state in
            state.modules.removeAll { $0 === module }
            for provider in module.uses { provider.users.removeAll { $0 === module } }
        }
        DebugInfo.removeModule(slot: module.debugSlot)
        try? Vmalloc.free(module.base)
    }
}
