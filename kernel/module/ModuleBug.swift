import Core
import Lib

/// BUG() in a module (Linux: lib/bug.c report_bug, which
/// arch/x86/kernel/traps.c handle_bug calls for an invalid opcode): the
/// ud2 of a BUG() is announced with the file and line of its bug table
/// entry before the "invalid opcode" oops.
extension ModuleLoader {
    /// Prints Linux's lines for the BUG() at `address`, if a module has one
    /// there. Never waits for the module list's lock, as the oops's lookups.
    static func reportBug(at address: UInt64) {
        guard let modules = modulesIfUnlocked,
            let bug = modules.lazy.compactMap({ $0.bugs.first { $0.address == address } }).first
        else { return }
        pr_warn("------------[ cut here ]------------")
        pr_crit("kernel BUG at \(String(decoding: bug.file, as: UTF8.self)):\(bug.line)!")
    }
}
