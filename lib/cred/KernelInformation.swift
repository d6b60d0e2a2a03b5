import ABI

/// Who may read the kernel's log and see its addresses: the policies behind
/// the sysctls kernel.dmesg_restrict (Linux: kernel/printk/printk.c,
/// syslog_action_restricted, check_syslog_permissions) and
/// kernel.kptr_restrict (lib/vsprintf.c restricted_pointer,
/// kernel/kallsyms.c kallsyms_show_value).
extension Credentials {
    /// Whether this task may take syslog `action` (or open /dev/kmsg for
    /// reading, which asks as READ_ALL). With dmesg_restrict every action
    /// needs CAP_SYSLOG (or, as Linux still allows with a warning,
    /// CAP_SYS_ADMIN); without it anyone may READ_ALL and SIZE_BUFFER.
    public func mayUseSyslog(_ action: SyslogAction, dmesgRestrict: Bool) -> Bool {
        let restricted =
            dmesgRestrict || (action != .SYSLOG_ACTION_READ_ALL && action != .SYSLOG_ACTION_SIZE_BUFFER)
        return !restricted || capable(.CAP_SYSLOG) || capable(.CAP_SYS_ADMIN)
    }

    /// Whether /proc/kallsyms-style listings show this task real addresses
    /// rather than zeros. kptr_restrict 2 hides them from everyone, 1
    /// shows them to CAP_SYSLOG; 0 also shows them to anyone perf allows,
    /// which with Debian's perf_event_paranoid (3; there is no perf here)
    /// is nobody more.
    public func seesKernelAddresses(kptrRestrict: Int) -> Bool {
        kptrRestrict < 2 && capable(.CAP_SYSLOG)
    }

    /// What `%pK` prints for `address`: with kptr_restrict 0 the hashed
    /// value everyone sees for `%p`; with 1 the address itself for a
    /// CAP_SYSLOG task whose effective IDs are its real ones (so a setuid
    /// program cannot be used to read them), else 0; with 2 always 0.
    public func shownPointer(_ address: UInt64, kptrRestrict: Int, hashKey: UInt64) -> UInt64 {
        switch kptrRestrict {
        case 0: return hashedPointer(address, key: hashKey)
        case 1:
            let unchanged = uid.effective == uid.real && gid.effective == gid.real
            return capable(.CAP_SYSLOG) && unchanged ? address : 0
        default: return 0
        }
    }
}

extension Credentials {
    /// A write of `value` to dmesg_restrict or kptr_restrict: CAP_SYS_ADMIN
    /// only (EPERM), within `range` (EINVAL) (Linux:
    /// proc_dointvec_minmax_sysadmin).
    public func checkSysadminSysctl(_ value: Int, in range: ClosedRange<Int>) throws(Errno) {
        guard capable(.CAP_SYS_ADMIN) else { throw .EPERM }
        guard range.contains(value) else { throw .EINVAL }
    }
}

/// `%p`'s stand-in for an address: a keyed hash of it, cut to 32 bits so
/// it cannot be mistaken for an address (Linux: ptr_to_hashval, which uses
/// SipHash with a boot-time random key; this is SplitMix64's finaliser
/// over the address mixed with the key — enough to hide the layout from a
/// reader who does not know the key).
public func hashedPointer(_ address: UInt64, key: UInt64) -> UInt64 {
    var value = address ^ key
    value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
    value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
    value ^= value >> 31
    return value & 0xffff_ffff
}
