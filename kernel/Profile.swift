import Core
import Lib
import Synchronization

/// Tick profiling (Linux: kernel/profile.c, its `profile=` parameter and
/// profile_tick): with `apus.profile=1` on the command line every tick
/// records where the CPU was interrupted, in the kernel image's text as one
/// counter per 16 bytes (Linux's prof_buffer and prof_shift), in user code
/// as a count per program name. At power-off or restart the counts are
/// printed as a histogram by kernel symbol (through kallsyms) and by
/// program, the largest first; Linux leaves that to readprofile(8) over
/// /proc/profile. docs/performance.md says how to profile a benchmark.
public enum Profile {
    /// log2 of the bytes of text one counter covers (Linux: prof_shift).
    private static let shift: UInt64 = 4
    /// Programs counted by name; the samples of any more are counted together.
    private static let programSlots = 32
    /// The histogram's lines: the rest is summed in one.
    private static let reportLines = 40

    private typealias Place = ProfileHistogram.Entry

    private struct Samples {
        var text: [UInt32]
        /// Kernel code outside the image's text: modules, trampolines.
        var otherKernel: UInt64 = 0
        var programs: [Place] = []
        var otherPrograms: UInt64 = 0
    }

    private static let enabled = Atomic<Bool>(false)
    private static let samples = IRQSafeLocked<Samples?>(nil)

    public static func initialize(_ commandLine: KernelCommandLine) {
        guard commandLine.value(of: "apus.profile") == "1" else { return }
        let text = KernelImage.text
        var counters = Samples(text: Array(repeating: 0, count: Int((text.upperBound - text.lowerBound) >> shift) + 1))
        // The tick appends under a spinlock: it must never allocate.
        counters.programs.reserveCapacity(programSlots)
        samples.withLock { $0 = counters }
        enabled.store(true, ordering: .releasing)
        pr_info(
            "profile: sampling every tick (HZ=\(Jiffies.hz)), \(counters.text.count) counters of \(1 << shift) bytes")
    }

    /// One sample: where the tick's interrupt found the CPU.
    static func tick(rip: UInt64, userMode: Bool) {
        guard enabled.load(ordering: .acquiring) else { return }
        // A small string (a name is at most 15 bytes) is copied without allocating.
        let name = userMode ? Scheduler.current.comm : ""
        samples.withLock { samples in
            guard samples != nil else { return }
            if userMode {
                if let index = samples!.programs.firstIndex(where: { $0.name == name }) {
                    samples!.programs[index].samples += 1
                } else if samples!.programs.count < programSlots {
                    samples!.programs.append(Place(name: name, samples: 1))
                } else {
                    samples!.otherPrograms += 1
                }
            } else if KernelImage.text.contains(rip) {
                let slot = Int((rip - KernelImage.text.lowerBound) >> shift)
                samples!.text[slot] &+= 1
            } else {
                samples!.otherKernel += 1
            }
        }
    }

    /// Prints the histogram: kernel symbols and `[user] NAME` lines
    /// together, the largest first (Linux: readprofile's output).
    public static func report() {
        guard enabled.load(ordering: .acquiring), let counts = samples.withLock({ $0 }) else { return }
        var places = kernelPlaces(counts.text)
        places += counts.programs.map { Place(name: "[user] " + $0.name, samples: $0.samples) }
        places.append(Place(name: "[user] other programs", samples: counts.otherPrograms))
        places.append(Place(name: "[kernel] outside the image's text", samples: counts.otherKernel))
        let histogram = ProfileHistogram(places)
        guard histogram.total > 0 else { return }
        pr_info("profile: \(histogram.total) samples at HZ=\(Jiffies.hz), the largest first:")
        for line in histogram.lines(limit: reportLines) { pr_info("profile: " + line) }
    }

    /// A place per text counter that counted, named by its kernel symbol
    /// (the histogram merges a symbol's counters).
    private static func kernelPlaces(_ text: [UInt32]) -> [Place] {
        text.enumerated().compactMap { slot, count in
            guard count > 0 else { return nil }
            let address = KernelImage.text.lowerBound + UInt64(slot) << shift
            let name = Kallsyms.table?.lookup(address: address)?.symbol.name ?? "0x" + hex(address, width: 16)
            return Place(name: name, samples: UInt64(count))
        }
    }
}
