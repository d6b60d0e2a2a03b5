/// What the kernel does when memory runs out (Linux: mm/oom_kill.c
/// out_of_memory). There is no OOM killer yet: with nothing to reclaim and
/// no process to choose, Linux panics too.
enum OOMKill {
    /// Swift's heap could not serve `bytes` (mm/SwiftHeap.swift).
    static func heapExhausted(bytes: Int) -> Never {
        pr_emerg("Out of memory: the kernel heap cannot serve \(bytes) bytes")
        panic("Out of memory")
    }
}
