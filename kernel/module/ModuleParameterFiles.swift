import ABI
import Core
import Lib

/// /sys/module/NAME/parameters (Linux: kernel/params.c
/// module_param_sysfs_setup, param_attr_show, param_attr_store and
/// param_set_charp): a file per module_param with a nonzero perm, of that
/// mode. A read shows the variable as it is now, in Linux's format for its
/// type; a write, where the perm allows one, is parsed as a load argument
/// is and sets the variable, EINVAL for a bad value. A charp written at
/// run time gets a kmalloc'd copy, and the copy it replaces is freed.
enum ModuleParameterFiles {
    static func add(_ module: Module, to kobject: KObject) throws(Errno) {
        let shown = module.parameters.filter { $0.permissions != 0 }
        guard !shown.isEmpty else { return }
        let directory = try kobject.child("parameters")
        for parameter in shown {
            let mode = UInt32(parameter.permissions) & 0o777
            // Linux: a file without write bits cannot be opened for writing, even by root.
            let writable = mode & 0o222 != 0
            try directory.addAttribute(
                KObjectAttribute(
                    String(decoding: parameter.name, as: UTF8.self), mode: mode,
                    show: { show(parameter, of: module) },
                    store: writable ? { (bytes) throws(Errno) in try store(bytes, in: parameter, of: module) } : nil))
        }
    }

    private static func show(_ parameter: ModuleParameters.Parameter, of module: Module) -> [UInt8] {
        let address = module.base.value + UInt64(parameter.offset)
        return module.parameterLock.withLock {
            // A file kept open across the unload reads nothing (Linux: ENODEV, kernfs_get_active).
            guard !module.parametersGone else { return [] }
            let bits = ModuleCode.load(at: address, size: parameter.kind.size)
            guard parameter.kind == .charp else { return Array(ModuleParameters.show(bits, as: parameter.kind).utf8) }
            // Linux: param_get_charp, "%s\n", which prints a NULL pointer as (null).
            let text =
                bits == 0
                ? Array("(null)".utf8) : ModuleCode.string(at: bits, limit: ModuleParameters.maximumStringLength)
            return text + [UInt8(ascii: "\n")]
        }
    }

    private static func store(
        _ bytes: [UInt8], in parameter: ModuleParameters.Parameter, of module: Module
    ) throws(Errno) {
        let address = module.base.value + UInt64(parameter.offset)
        let bits: UInt64
        var copy: UInt64?
        if parameter.kind == .charp {
            // Linux: param_set_charp keeps the string as written, newline included, in kmalloc'd memory.
            let string = Array(bytes.prefix { $0 != 0 })
            guard string.count <= ModuleParameters.maximumStringLength else { throw .ENOSPC }
            bits = kmalloc(size: string.count + 1, flags: 0)
            guard bits != 0 else { throw .ENOMEM }
            ModuleCode.store(string, at: bits)
            copy = bits
        } else {
            // Linux: param_set_int ... kstrtoint(val, 0, ...), which allows one trailing newline.
            bits = try ModuleParameters.parse(bytes, as: parameter.kind)
        }
        // Freed after the lock: the string replaced (Linux: maybe_kfree_parameter; the load's own
        // strings live in the module's image), or the new copy if the module is gone.
        var unused = copy
        let stored = module.parameterLock.withLock { () -> Bool in
            guard !module.parametersGone else { return false }
            ModuleCode.store(ModuleParameters.littleEndian(bits, size: parameter.kind.size), at: address)
            if let copy {
                let index = module.parameterStrings.firstIndex { $0.offset == parameter.offset }
                unused = index.map { module.parameterStrings.remove(at: $0).address }
                module.parameterStrings.append((parameter.offset, copy))
            }
            return true
        }
        if let unused { kfree(address: unused) }
        guard stored else { throw .ENODEV }
    }

    /// Closes the files to reads and writes and frees the strings writes
    /// gave the module's charp parameters (Linux: destroy_params).
    static func freeStrings(of module: Module) {
        let strings = module.parameterLock.withLock { () -> [UInt64] in
            defer { module.parameterStrings = [] }
            module.parametersGone = true
            return module.parameterStrings.map { $0.address }
        }
        for string in strings { kfree(address: string) }
    }
}
