/// A CFS weight and its precomputed inverse: Linux's `struct load_weight`,
/// the `sched_prio_to_weight` / `sched_prio_to_wmult` tables
/// (kernel/sched/core.c) and `__calc_delta` (kernel/sched/fair.c).
///
/// Weights turn nice values into CPU shares. Neighbouring nice levels differ
/// by a factor of about 1.25, so when two CPU-bound tasks are one nice level
/// apart, one gets about 10% more CPU than the other. CFS divides by weights
/// on every accounting update; to avoid a division each time, Linux keeps
/// 2^32 / weight alongside and multiplies instead.
public struct LoadWeight: Equatable, Sendable {
    public let weight: UInt64
    /// About 2^32 / weight (Linux: inv_weight).
    public let inverseWeight: UInt32

    /// The weight of a nice-0 task: the unit in which vruntime advances at
    /// the speed of real time (Linux: NICE_0_LOAD, unscaled).
    public static let nice0Weight: UInt64 = 1024

    /// SCHED_IDLE's weight, below nice 19's 15 (Linux: WEIGHT_IDLEPRIO,
    /// WMULT_IDLEPRIO).
    public static let idlePolicy = LoadWeight(weight: 3, inverseWeight: 1_431_655_765)

    /// The weight of a task at `nice`, from Linux's tables.
    public init(nice: Int) {
        precondition(SchedPolicy.niceRange.contains(nice), "LoadWeight: nice out of range")
        let index = nice - SchedPolicy.niceRange.lowerBound
        self.init(weight: Self.niceToWeight[index], inverseWeight: Self.niceToInverseWeight[index])
    }

    /// A sum of weights, such as a run queue's load; the inverse is computed
    /// as Linux's __update_inv_weight does, saturating at both ends.
    init(weight: UInt64) {
        let inverse: UInt32
        if weight >= UInt64(UInt32.max) {
            inverse = 1
        } else if weight == 0 {
            inverse = UInt32.max
        } else {
            inverse = UInt32(UInt64(UInt32.max) / weight)
        }
        self.init(weight: weight, inverseWeight: inverse)
    }

    private init(weight: UInt64, inverseWeight: UInt32) {
        self.weight = weight
        self.inverseWeight = inverseWeight
    }

    /// `delta * factor / weight`, computed as Linux's __calc_delta does:
    /// multiply by factor and by the 32.32 fixed-point inverse, then shift.
    /// The factor is kept within 32 bits by moving its excess bits into the
    /// shift, and the last multiplication is 64 x 64 -> 128 bits, so nothing
    /// overflows; the result is truncated to 64 bits. The inverse is
    /// rounded, so the result can be off by a relative error of about
    /// weight / 2^32: negligible for one task, 2% for a queue of a thousand
    /// nice -20 tasks. Weights of 2^32 and more are out of its range.
    func scale(_ delta: UInt64, by factor: UInt64) -> UInt64 {
        var multiplier = factor
        var shift = 32
        Self.narrowToUInt32(&multiplier, &shift)
        multiplier *= UInt64(inverseWeight)
        Self.narrowToUInt32(&multiplier, &shift)
        let (high, low) = delta.multipliedFullWidth(by: multiplier)
        // shift is in 0...32; for 0, `high << 64` is 0 (Swift's smart shift).
        return (high << (64 - shift)) | (low >> shift)
    }

    /// Real runtime turned into virtual runtime: delta * NICE_0_LOAD / weight
    /// (Linux: calc_delta_fair). A nice-0 task's vruntime runs at real speed.
    func virtualDelta(_ delta: UInt64) -> UInt64 {
        weight == Self.nice0Weight ? delta : scale(delta, by: Self.nice0Weight)
    }

    /// Drops low bits of `value` until it fits in 32 bits, counting them
    /// off `shift` (Linux: the fls() steps of __calc_delta).
    private static func narrowToUInt32(_ value: inout UInt64, _ shift: inout Int) {
        let excessBits = max(0, 32 - value.leadingZeroBitCount)
        value >>= UInt64(excessBits)
        shift -= excessBits
    }

    /// Linux's sched_prio_to_weight, nice -20 first: each step is ~1.25x.
    static let niceToWeight: [UInt64] = [
        /* -20 */ 88761, 71755, 56483, 46273, 36291,
        /* -15 */ 29154, 23254, 18705, 14949, 11916,
        /* -10 */ 9548, 7620, 6100, 4904, 3906,
        /*  -5 */ 3121, 2501, 1991, 1586, 1277,
        /*   0 */ 1024, 820, 655, 526, 423,
        /*   5 */ 335, 272, 215, 172, 137,
        /*  10 */ 110, 87, 70, 56, 45,
        /*  15 */ 36, 29, 23, 18, 15,
    ]

    /// Linux's sched_prio_to_wmult: 2^32 / weight, rounded (as Linux's are, to
    /// within one).
    static let niceToInverseWeight: [UInt32] = [
        /* -20 */ 48388, 59856, 76040, 92818, 118348,
        /* -15 */ 147320, 184698, 229616, 287308, 360437,
        /* -10 */ 449829, 563644, 704093, 875809, 1099582,
        /*  -5 */ 1376151, 1717300, 2157191, 2708050, 3363326,
        /*   0 */ 4194304, 5237765, 6557202, 8165337, 10153587,
        /*   5 */ 12820798, 15790321, 19976592, 24970740, 31350126,
        /*  10 */ 39045157, 49367440, 61356676, 76695844, 95443717,
        /*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
    ]
}
