import Core

/// A function to run once, soon, in softirq context (Linux: struct
/// tasklet_struct, kernel/softirq.c). Scheduling an already scheduled
/// tasklet does nothing, so an interrupt storm queues it once; a tasklet
/// never runs concurrently with itself.
public final class Tasklet {
    let function: () -> Void
    fileprivate(set) var isScheduled = false
    fileprivate var next: Tasklet? = nil
    public private(set) var runCount = 0

    public init(_ function: @escaping () -> Void) { self.function = function }

    /// tasklet_schedule (or tasklet_hi_schedule with `highPriority`).
    public func schedule(highPriority: Bool = false) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        if !isScheduled {
            isScheduled = true
            TaskletQueue.queues.withCurrent { $0[highPriority ? 1 : 0].append(self) }
            Softirq.raise(highPriority ? .hi : .tasklet)
        }
        CPU.restoreInterrupts(interruptsWereOn)
    }

    fileprivate func run() {
        isScheduled = false
        runCount += 1
        function()
    }
}

/// The per-CPU tasklet lists, drained by TASKLET_SOFTIRQ and HI_SOFTIRQ.
enum TaskletQueue {
    struct List {
        var head: Tasklet? = nil
        var tail: Tasklet? = nil
        mutating func append(_ tasklet: Tasklet) {
            if let last = tail { last.next = tasklet } else { head = tasklet }
            tail = tasklet
        }
    }
    /// [normal, high priority]
    static let queues = PerCPU([List(), List()])

    static func initialize() {
        Softirq.open(.tasklet) { drain(0) }
        Softirq.open(.hi) { drain(1) }
    }

    /// Takes the whole list with interrupts off, then runs it with them on.
    private static func drain(_ index: Int) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        var tasklet = queues.withCurrent { queues -> Tasklet? in
            defer { queues[index] = List() }
            return queues[index].head
        }
        CPU.restoreInterrupts(interruptsWereOn)
        while let current = tasklet {
            tasklet = current.next
            current.next = nil
            current.run()
        }
    }
}
