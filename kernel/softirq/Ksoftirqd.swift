/// The per-CPU thread that runs softirqs when interrupt exits cannot keep up
/// (Linux: ksoftirqd in kernel/softirq.c): running them as a normal task
/// lets the scheduler share the CPU between softirq work and everything else.
enum Ksoftirqd {
    static func start() {
        let queue = WaitQueue()
        KThreads.run(name: "ksoftirqd/0") {
            while !KThreads.shouldStop {
                queue.wait(state: .interruptible) { Softirq.hasPending || KThreads.shouldStop }
                Softirq.runFromDaemon()
                Scheduler.yieldIfNeeded()
            }
            return 0
        }
        Softirq.setDaemonWakeup { queue.wakeUpAll() }
    }
}
