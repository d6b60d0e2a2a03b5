import ABI
import Core

// <linux/completion.h> for C modules (Linux: kernel/sched/completion.c). A
// `struct completion`'s first word, `done`, counts the completions not yet
// waited for, UINT_MAX after complete_all (every wait passes from then on),
// changed by compare-and-exchange; waiters sleep exclusively on the
// completion's address in AddressWaitQueues, and complete() wakes one.

private let allDone = UInt32.max

/// Takes one completion if there is one.
private func tryConsume(_ completion: UInt64) -> Bool {
    while true {
        let done = ModuleCode.load32Acquiring(at: completion)
        guard done > 0 else { return false }
        if done == allDone || ModuleCode.compareExchange32(at: completion, expected: done, desired: done - 1) {
            return true
        }
    }
}

@c(complete)
func complete(_ completion: UInt64) {
    while true {
        let done = ModuleCode.load32Acquiring(at: completion)
        if done == allDone || ModuleCode.compareExchange32(at: completion, expected: done, desired: done + 1) { break }
    }
    AddressWaitQueues.wakeUp(completion, exclusiveCount: 1)
}

@c(complete_all)
func completeAll(_ completion: UInt64) {
    ModuleCode.store32(allDone, at: completion)
    AddressWaitQueues.wakeUp(completion)
}

@c(wait_for_completion)
func waitForCompletion(_ completion: UInt64) {
    mightSleep("wait_for_completion")
    AddressWaitQueues.withQueue(on: completion) { queue in
        queue.wait(exclusive: true) { tryConsume(completion) }
    }
}

/// 0 if `timeout` jiffies ran out first, else the jiffies left, at least 1.
@c(wait_for_completion_timeout)
func waitForCompletionTimeout(_ completion: UInt64, timeout: UInt64) -> UInt64 {
    mightSleep("wait_for_completion_timeout")
    let start = Jiffies.value
    let done = AddressWaitQueues.withQueue(on: completion) { queue in
        queue.wait(exclusive: true, timeout: timeout) { tryConsume(completion) }
    }
    guard done else { return 0 }
    let elapsed = Jiffies.value &- start
    return elapsed < timeout ? timeout - elapsed : 1
}

/// 0 once completed, -ERESTARTSYS if a signal came first.
@c(wait_for_completion_interruptible)
func waitForCompletionInterruptible(_ completion: UInt64) -> Int32 {
    mightSleep("wait_for_completion_interruptible")
    return AddressWaitQueues.waitUnlessSignalled(on: completion) { tryConsume(completion) }
        ? 0 : -Errno.ERESTARTSYS.rawValue
}

/// 0 once completed, -ERESTARTSYS if a fatal signal came first.
@c(wait_for_completion_killable)
func waitForCompletionKillable(_ completion: UInt64) -> Int32 {
    mightSleep("wait_for_completion_killable")
    return AddressWaitQueues.waitUnlessSignalled(on: completion, fatalOnly: true) { tryConsume(completion) }
        ? 0 : -Errno.ERESTARTSYS.rawValue
}

@c(try_wait_for_completion)
func tryWaitForCompletion(_ completion: UInt64) -> Bool { tryConsume(completion) }

@c(completion_done)
func completionDone(_ completion: UInt64) -> Bool { ModuleCode.load32Acquiring(at: completion) != 0 }
