import Synchronization

/// Why the kernel's own state may no longer be trusted, as later oops
/// headers show it (Linux: kernel/panic.c add_taint, print_tainted).
public enum Taint {
    /// Linux's flag numbers (include/linux/panic.h); only those the kernel sets.
    public enum Flag: Int {
        /// TAINT_PROPRIETARY_MODULE: a module without a GPL-compatible licence was loaded.
        case proprietaryModule = 0
        /// TAINT_FORCED_MODULE: a module was loaded without its version magic checked.
        case forcedModule = 1
        /// TAINT_FORCED_RMMOD: a module was removed by force (delete_module's O_TRUNC).
        case forcedRemoval = 3
        /// TAINT_DIE: an oops killed a task and the kernel went on.
        case die = 7
        /// TAINT_OOT_MODULE: a module built outside the kernel's tree was loaded.
        case outOfTreeModule = 12

        /// Its letter in Linux's taint string.
        public var letter: Character { Taint.letters[rawValue] }
    }

    /// Linux's letters, one per flag number, TAINT_PROPRIETARY_MODULE to TAINT_TEST.
    private static let letters = Array("PFSRMBUDAWCIOELKXTN")
    private static let mask = Atomic<UInt32>(0)

    public static func add(_ flag: Flag) { mask.bitwiseOr(1 << flag.rawValue, ordering: .relaxed) }

    /// The flags as a bit mask (Linux: the tainted sysctl).
    public static var flags: UInt32 { mask.load(ordering: .relaxed) }

    public static func isSet(_ flag: Flag) -> Bool { mask.load(ordering: .relaxed) & (1 << flag.rawValue) != 0 }

    /// `Not tainted`, or `Tainted: ` and a column per flag: its letter when
    /// set, else a space (`G`, for "no proprietary module", in the first).
    public static var description: String {
        let value = mask.load(ordering: .relaxed)
        guard value != 0 else { return "Not tainted" }
        let columns = letters.indices.map { index -> Character in
            value & (1 << index) != 0 ? letters[index] : index == 0 ? "G" : " "
        }
        return "Tainted: " + String(columns)
    }
}
