/// The real-time runnable lists of one CPU: a FIFO list per priority level
/// and a bitmap of the non-empty levels (Linux: `struct rt_prio_array`,
/// kernel/sched/sched.h).
///
/// Levels are kernel priorities, 0 strongest, so the highest runnable
/// priority is the lowest set bit: one bit scan per 64 levels. The lists
/// are intrusive, linked through `SchedState`, so queueing never allocates.
/// An entity's priority must not change while it is queued.
struct RealTimePriorityArray<Entity: SchedulableEntity> {
    private var heads: [Entity?]
    private var tails: [Entity?]
    /// Bit `level % 64` of word `level / 64` is set when that list is non-empty.
    private var nonEmptyLevels: [UInt64]

    init() {
        let levels = SchedPolicy.realTimeLevels
        heads = Array(repeating: nil, count: levels)
        tails = Array(repeating: nil, count: levels)
        nonEmptyLevels = Array(repeating: 0, count: (levels + 63) / 64)
    }

    /// The head of the strongest non-empty level (sched_find_first_bit).
    var first: Entity? {
        for (word, bits) in nonEmptyLevels.enumerated() where bits != 0 {
            return heads[word * 64 + bits.trailingZeroBitCount]
        }
        return nil
    }

    /// Appends `entity` to its level's list, or prepends it (__enqueue_rt_entity).
    mutating func insert(_ entity: Entity, atHead: Bool) {
        let level = entity.sched.prio
        if atHead {
            link(entity, after: nil, before: heads[level], level: level)
        } else {
            link(entity, after: tails[level], before: nil, level: level)
        }
        nonEmptyLevels[level / 64] |= 1 << UInt64(level % 64)
    }

    /// Unlinks `entity` and clears its links, which breaks the reference
    /// cycle they form (__dequeue_rt_entity).
    mutating func remove(_ entity: Entity) {
        let level = entity.sched.prio
        let previous = entity.sched.realTimePrevious
        let next = entity.sched.realTimeNext
        if let previous { previous.sched.realTimeNext = next } else { heads[level] = next }
        if let next { next.sched.realTimePrevious = previous } else { tails[level] = previous }
        entity.sched.realTimePrevious = nil
        entity.sched.realTimeNext = nil
        if heads[level] == nil { nonEmptyLevels[level / 64] &= ~(1 << UInt64(level % 64)) }
    }

    /// Sends `entity` behind the others of its level (requeue_task_rt).
    /// Returns false, doing nothing, when it is alone there.
    @discardableResult
    mutating func moveToTail(_ entity: Entity) -> Bool {
        guard entity.sched.realTimeNext != nil || entity.sched.realTimePrevious != nil else { return false }
        remove(entity)
        insert(entity, atHead: false)
        return true
    }

    /// Links `entity` between two neighbours on `level`; nil marks an end.
    private mutating func link(_ entity: Entity, after previous: Entity?, before next: Entity?, level: Int) {
        entity.sched.realTimePrevious = previous
        entity.sched.realTimeNext = next
        if let previous { previous.sched.realTimeNext = entity } else { heads[level] = entity }
        if let next { next.sched.realTimePrevious = entity } else { tails[level] = entity }
    }
}
