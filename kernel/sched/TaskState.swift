/// A task's run state, with Linux's bit values (include/linux/sched.h
/// __state and exit_state), so /proc and ps later print the same letters.
public struct TaskState: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let running: TaskState = []
    public static let interruptible = TaskState(rawValue: 0x0001)
    public static let uninterruptible = TaskState(rawValue: 0x0002)
    public static let stopped = TaskState(rawValue: 0x0004)
    public static let traced = TaskState(rawValue: 0x0008)
    public static let exitDead = TaskState(rawValue: 0x0010)
    public static let exitZombie = TaskState(rawValue: 0x0020)
    public static let parked = TaskState(rawValue: 0x0040)
    public static let dead = TaskState(rawValue: 0x0080)
    public static let wakeKill = TaskState(rawValue: 0x0100)
    public static let noLoad = TaskState(rawValue: 0x0400)
    public static let new = TaskState(rawValue: 0x0800)

    /// TASK_NORMAL: what an ordinary wake_up wakes.
    public static let normal: TaskState = [.interruptible, .uninterruptible]
    /// TASK_IDLE: sleeps uninterruptibly without counting towards the load average.
    public static let idle: TaskState = [.uninterruptible, .noLoad]

    /// The letter `ps` shows (Linux: task_state_array in fs/proc/array.c).
    public var letter: String {
        if isEmpty { return "R" }
        if contains(.interruptible) { return "S" }
        if contains(.uninterruptible) { return contains(.noLoad) ? "I" : "D" }
        if contains(.stopped) { return "T" }
        if contains(.traced) { return "t" }
        if contains(.exitZombie) { return "Z" }
        if contains(.exitDead) || contains(.dead) { return "X" }
        if contains(.parked) { return "P" }
        return "?"
    }
}
