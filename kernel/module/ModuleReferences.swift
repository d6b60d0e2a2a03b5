import Core

// References on a module (Linux: kernel/module/main.c try_module_get,
// module_put, module_refcount). Code that will call into a module — an
// open file whose file_operations have `.owner = THIS_MODULE` — takes one
// first, and delete_module refuses (EWOULDBLOCK) while any is held. A
// module's `struct module *` is the address of its __this_module; NULL is
// the kernel, which is never unloaded.

extension ModuleLoader {
    /// try_module_get: a reference on the module at `address`, unless it
    /// is being unloaded (or is not a module).
    static func tryGet(_ address: UInt64) -> Bool {
        guard address != 0 else { return true }
        return withModule(at: address) { module in
            guard let module, module.state != .going else { return false }
            module.references += 1
            return true
        }
    }

    /// module_put: drops a reference try_module_get took.
    static func put(_ address: UInt64) {
        guard address != 0 else { return }
        withModule(at: address) { module in
            guard let module, module.references > 0 else { return }
            module.references -= 1
        }
    }
}

/// `bool try_module_get(struct module *module)`.
@c(try_module_get)
func tryModuleGet(module: UInt64) -> Bool {
    ModuleLoader.tryGet(module)
}

/// `void module_put(struct module *module)`.
@c(module_put)
func modulePut(module: UInt64) {
    ModuleLoader.put(module)
}

/// `int module_refcount(struct module *mod)`.
@c(module_refcount)
func moduleRefcount(module: UInt64) -> Int32 {
    guard let found = ModuleLoader.withModule(at: module, { $0 }) else { return 0 }
    return Int32(ModuleLoader.referenceCount(of: found))
}
