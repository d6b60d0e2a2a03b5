import Core
import Kernel
import Lib

enum DeferredWorkTests {
    static func sleeping(_ t: inout TestReporter) {
        let start = Clock.nanosecondsSinceBoot()
        msleep(100)
        let slept = Clock.nanosecondsSinceBoot() - start
        t.check(
            slept >= 100_000_000,
            "msleep(100) slept \(decimal(slept / 1000)) us (overshoot \(decimal(slept > 100_000_000 ? (slept - 100_000_000) / 1000 : 0)) us)"
        )
        let fine = Clock.nanosecondsSinceBoot()
        HRTimers.sleep(nanoseconds: 300_000)
        let short = Clock.nanosecondsSinceBoot() - fine
        t.check(short >= 300_000, "hrtimer: a 300 us sleep, shorter than a tick, slept \(decimal(short / 1000)) us")
        var fired = 0
        let timer = WheelTimer { _ in fired += 1 }
        KernelTimers.add(timer, expires: Jiffies.value + 2)
        let removable = WheelTimer { _ in fired += 100 }
        KernelTimers.add(removable, expires: Jiffies.value + 2)
        KernelTimers.remove(removable)
        msleep(30)
        t.check(fired == 1, "timer_list: a timer fires once, a deleted one never (\(fired))")
    }

    static func deferred(_ t: inout TestReporter) {
        let taskletDone = Completion()
        var taskletContext = false
        let tasklet = Tasklet {
            taskletContext = PreemptCount.inSoftirq
            taskletDone.complete()
        }
        tasklet.schedule()
        t.check(
            taskletDone.wait(timeout: Jiffies.fromMilliseconds(1000)) && taskletContext,
            "tasklet: runs, in softirq context")
        var workTask: Task? = nil
        let work = WorkItem { workTask = Scheduler.current }
        Workqueues.system?.queue(work)
        Workqueues.system?.flush(work)
        t.check(
            work.runCount == 1 && workTask?.comm == "kworker/0:1",
            "workqueue: a work item runs in its kworker thread (\(workTask?.displayName ?? "none"))")
        t.check(
            Softirq.counts[SoftirqVector.timer.rawValue] > 0 && Softirq.counts[SoftirqVector.tasklet.rawValue] > 0,
            "softirq: TIMER and TASKLET vectors ran")
    }
}
