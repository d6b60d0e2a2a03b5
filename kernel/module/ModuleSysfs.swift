import ABI
import Core
import Lib

/// /sys/module (Linux: kernel/module/sysfs.c, and params.c's
/// param_sysfs_init for the directory itself): a directory per loaded
/// module, made before its init runs and removed when it is freed, with
/// Linux's files — `initstate`, `refcnt`, `taint`, `coresize`, `initsize`,
/// `version` and `srcversion` when `.modinfo` has them, the write-only
/// `uevent`, `holders/` (a link to each module using its exports),
/// `sections/` (each allocated section's address) and `parameters/`
/// (ModuleParameterFiles).
enum ModuleSysfs {
    /// /sys/module (Linux: module_kset).
    private static let set = BootOnce<KSet>()

    /// Makes /sys/module at boot. Linux also lists the built-in code's
    /// parameters there; Apus has none.
    static func initialize() {
        do throws(Errno) {
            set.set(try KSet.createAndAdd("module", parent: nil))
        } catch {
            pr_err("module: cannot make /sys/module: error -\(error.rawValue)")
        }
    }

    /// /sys/module/NAME for a module being loaded, and its link in the
    /// holders/ of each module whose exports it uses (Linux:
    /// mod_sysfs_setup, add_usage_links). With the module mutex held.
    static func add(_ module: Module) throws(Errno) {
        guard let set = set.valueIfSet else { return }
        let kobject = KObject(name: module.name)
        try set.add(kobject)
        module.kobject = kobject
        module.holders = try kobject.child("holders")
        for attribute in attributes(of: module) { try kobject.addAttribute(attribute) }
        try ModuleParameterFiles.add(module, to: kobject)
        let sections = try kobject.child("sections")
        for section in module.sections {
            let address = section.address
            // Linux: module_sect_read, 0400 and zeros unless kallsyms shows addresses.
            try sections.addAttribute(
                KObjectAttribute(
                    section.name, mode: 0o400,
                    show: {
                        let visible = KernelPointers.symbolAddressesVisible(to: Scheduler.current.credentials)
                        return Array("0x\(hex(visible ? address : 0, width: 16))\n".utf8)
                    }))
        }
        for provider in module.uses { try provider.holders?.addLink(module.name, to: kobject) }
    }

    /// Removes the module's directory and its links in the holders/ of the
    /// modules it used (Linux: mod_sysfs_teardown, del_usage_links), then
    /// frees the strings writes gave its charp parameters (Linux:
    /// destroy_params): its exit has run, nothing reads them any more.
    static func remove(_ module: Module) {
        for provider in module.uses { provider.holders?.removeLink(module.name) }
        if let kobject = module.kobject { set.valueIfSet?.remove(kobject) }
        module.kobject = nil
        module.holders = nil
        ModuleParameterFiles.freeStrings(of: module)
    }

    /// The files of /sys/module/NAME (Linux: modinfo_attrs, and module_uevent).
    private static func attributes(of module: Module) -> [KObjectAttribute] {
        var attributes: [KObjectAttribute] = [
            .text("initstate") {
                switch ModuleLoader.state(of: module) {
                case .coming: "coming"
                case .live: "live"
                case .going: "going"
                }
            },
            .text("refcnt") { "\(ModuleLoader.referenceCount(of: module))" },
            .text("taint") { module.taintLetters },
            .text("coresize") { "\(module.size)" },
            // Apus keeps the .init sections with the rest (docs/modules.md), so nothing is init-only.
            .text("initsize") { "0" },
            KObjectAttribute(
                "uevent", mode: 0o200, show: { [] },
                store: { (bytes) throws(Errno) in
                    // Linux: kobject_synth_uevent's actions; Apus sends no uevents yet (kernel/KSysfs.swift).
                    let word = bytes.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }
                    guard uevents.contains(String(decoding: word, as: UTF8.self)) else { throw .EINVAL }
                }),
        ]
        // Linux: setup_modinfo_version and setup_modinfo_srcversion, only when present.
        for key in ["version", "srcversion"] {
            if let value = module.info.value(key) {
                attributes.append(.text(key) { String(decoding: value, as: UTF8.self) })
            }
        }
        return attributes
    }

    /// Linux: kobject_actions.
    private static let uevents = ["add", "remove", "change", "move", "online", "offline", "bind", "unbind"]
}
