import ABI
import Core
import Lib
import Synchronization

/// kernel.kptr_restrict: whether kernel addresses printed for user space
/// (`%pK`, /proc/kallsyms) are shown, hashed or zeroed (Linux: kptr_restrict
/// in lib/vsprintf.c, kallsyms_show_value in kernel/kallsyms.c). The policy
/// itself is `Credentials.shownPointer` and `seesKernelAddresses`.
public enum KernelPointers {
    /// 0, as in Linux and Debian, whose kernels leave it at the default
    /// (/proc/kallsyms is still zeros for users there: Debian's
    /// perf_event_paranoid is 3).
    public static let restrict = Atomic<Int>(0)

    /// The sysctl's write: 0, 1 or 2, by CAP_SYS_ADMIN.
    public static func setRestrict(_ value: Int, by credentials: Credentials) throws(Errno) {
        try credentials.checkSysadminSysctl(value, in: 0...2)
        restrict.store(value, ordering: .relaxed)
    }

    /// The key `%p` hashes addresses with, drawn once (Linux: ptr_key).
    private static let hashKey = BootOnce(Entropy.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })

    /// What `%pK` prints of `address` for `credentials`.
    public static func shown(_ address: UInt64, to credentials: Credentials) -> UInt64 {
        credentials.shownPointer(address, kptrRestrict: restrict.load(ordering: .relaxed), hashKey: hashKey.value)
    }

    /// What plain `%p` prints of `address` in the kernel log (Linux: ptr_to_id).
    public static func hashed(_ address: UInt64) -> UInt64 { hashedPointer(address, key: hashKey.value) }

    /// Whether symbol listings show `credentials` real addresses.
    public static func symbolAddressesVisible(to credentials: Credentials) -> Bool {
        credentials.seesKernelAddresses(kptrRestrict: restrict.load(ordering: .relaxed))
    }
}
