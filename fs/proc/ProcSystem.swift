import ABI
import Core
import Lib
import Synchronization

/// What the system files of /proc print, in Linux's formats (Linux:
/// fs/proc/meminfo.c, stat.c, uptime.c, loadavg.c, interrupts.c,
/// softirqs.c, mm/vmstat.c's buddyinfo, arch/x86/kernel/cpu/proc.c).
enum ProcSystem {
    /// "MemTotal:        1234 kB" (Linux: show_val_kb).
    private static func kilobytesRow(_ name: String, _ kilobytes: UInt64) -> String {
        ProcPidFiles.padded(name + ":", 16) + decimal(kilobytes, width: 8) + " kB\n"
    }

    /// /proc/meminfo (Linux: meminfo_proc_show), every row of Linux 6.1;
    /// Cached and AnonPages from the user frames' kinds; what Apus does not
    /// have or count (swap, huge pages, the LRU lists, ...) is 0.
    static func meminfo() -> String {
        let pageKilobytes = MemoryLayout64.pageSize >> 10
        let total = UInt64(PageAllocator.totalPages) * pageKilobytes
        let free = UInt64(PageAllocator.freePages) * pageKilobytes
        var text = kilobytesRow("MemTotal", total) + kilobytesRow("MemFree", free)
        text += kilobytesRow("MemAvailable", free)
        text += kilobytesRow("Buffers", 0) + kilobytesRow("Cached", UInt64(UserFrames.cachePages) * pageKilobytes)
        for name in [
            "SwapCached", "Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
            "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap", "Zswapped", "Dirty", "Writeback",
        ] {
            text += kilobytesRow(name, 0)
        }
        text += kilobytesRow("AnonPages", UInt64(UserFrames.anonymousPages) * pageKilobytes)
        for name in [
            "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
            "SecPageTables", "NFS_Unstable", "Bounce", "WritebackTmp",
        ] {
            text += kilobytesRow(name, 0)
        }
        text += kilobytesRow("CommitLimit", total) + kilobytesRow("Committed_AS", total - free)
        text += kilobytesRow("VmallocTotal", (MemoryLayout64.vmallocEnd - MemoryLayout64.vmallocStart) >> 10)
        for name in [
            "VmallocUsed", "VmallocChunk", "Percpu", "HardwareCorrupted", "AnonHugePages", "ShmemHugePages",
            "ShmemPmdMapped", "FileHugePages", "FilePmdMapped",
        ] {
            text += kilobytesRow(name, 0)
        }
        text +=
            "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n"
        text += kilobytesRow("Hugepagesize", 2048) + kilobytesRow("Hugetlb", 0)
        return text
    }

    /// /proc/stat (Linux: show_stat).
    static func stat() -> String {
        let (user, system, idle) = KernelCPUStat.current
        let times =
            "\(TimeUnits.clockTicks(nanoseconds: user)) 0 \(TimeUnits.clockTicks(nanoseconds: system)) "
            + "\(TimeUnits.clockTicks(nanoseconds: idle)) 0 0 0 0 0 0\n"
        var text = "cpu  " + times + "cpu0 " + times
        let interrupts = IrqFlow.counts
        text += "intr \(interrupts.reduce(0, +))" + interrupts.map { " \($0)" }.joined() + "\n"
        text += "ctxt \(Scheduler.contextSwitches)\n"
        let bootTime = (Timekeeping.realtime - Timekeeping.monotonic) / 1_000_000_000
        text += "btime \(bootTime)\n"
        text += "processes \(PidAllocation.totalCreated)\n"
        let tasks = PidAllocation.allTasks
        text += "procs_running \(tasks.filter { $0.pid > 0 && $0.state == .running }.count)\n"
        text += "procs_blocked \(tasks.filter { $0.state == .uninterruptible }.count)\n"
        let softirqs = Softirq.counts
        text += "softirq \(softirqs.reduce(0, +))" + softirqs.map { " \($0)" }.joined() + "\n"
        return text
    }

    /// "seconds.hundredths" (Linux: the "%lu.%02lu" of uptime and loadavg).
    private static func hundredths(_ nanoseconds: UInt64) -> String {
        "\(nanoseconds / 1_000_000_000).\(decimal((nanoseconds / 10_000_000) % 100, width: 2, zeroPadded: true))"
    }

    /// /proc/uptime (Linux: uptime_proc_show): seconds since boot and
    /// seconds the CPU spent idle.
    static func uptime() -> String {
        let idle = Scheduler.idleTask.map { Scheduler.runtime(of: $0) } ?? 0
        return "\(hundredths(Clock.nanosecondsSinceBoot())) \(hundredths(idle))\n"
    }

    /// /proc/loadavg (Linux: loadavg_proc_show): the three averages,
    /// runnable/total threads and the last pid handed out.
    static func loadavg() -> String {
        let averages = LoadAverage.averages.map { value -> String in
            let whole = value >> LoadAverage.fixedShift
            let fraction = ((value & (LoadAverage.fixed1 - 1)) * 100) >> LoadAverage.fixedShift
            return "\(whole).\(decimal(fraction, width: 2, zeroPadded: true))"
        }
        let tasks = PidAllocation.allTasks.filter { $0.pid > 0 }
        let running = tasks.filter { $0.state == .running }.count
        return averages.joined(separator: " ") + " \(running)/\(tasks.count) \(PidAllocation.lastAllocated)\n"
    }

    /// /proc/interrupts (Linux: show_interrupts): the vectors taken, one
    /// row each, the local timer as LOC.
    static func interrupts() -> String {
        var text = "           CPU0\n"
        for (vector, count) in IrqFlow.counts.enumerated()
        where count > 0 && vector >= InterruptTable.firstExternalVector {
            let label = vector == Int(LocalTimer.timerVector) ? "LOC" : "\(vector - InterruptTable.firstExternalVector)"
            text +=
                String(repeating: " ", count: max(0, 3 - label.utf8.count)) + label + ": "
                + decimal(count, width: 10) + "   vector-\(vector)\n"
        }
        return text
    }

    /// /proc/softirqs (Linux: show_softirqs).
    static func softirqs() -> String {
        var text = "                    CPU0\n"
        let counts = Softirq.counts
        for vector in SoftirqVector.allCases {
            text +=
                String(repeating: " ", count: max(0, 12 - vector.name.utf8.count)) + vector.name + ":"
                + decimal(counts[vector.rawValue], width: 11) + "\n"
        }
        return text
    }

    /// /proc/buddyinfo (Linux: frag_show): free blocks of each order per zone.
    static func buddyinfo() -> String {
        var text = ""
        for zone in ZoneType.allCases where PageAllocator.managedPages(in: zone) > 0 {
            text += "Node 0, zone " + ProcPidFiles.padded(zone.name, 8)
            for order in 0...BuddyAllocator.maxOrder {
                text += " " + decimal(UInt64(PageAllocator.freeBlocks(in: zone, order: order)), width: 6)
            }
            text += "\n"
        }
        return text
    }

    /// /proc/cpuinfo (Linux: show_cpuinfo), the rows programs look at.
    static func cpuinfo() -> String {
        let features = CPU.probeFeatures()
        let megahertz = Clock.tscFrequency / 1000
        var text = "processor\t: 0\nvendor_id\t: \(features.vendor)\n"
        text += "cpu family\t: \(features.family)\nmodel\t\t: \(features.model)\nstepping\t: \(features.stepping)\n"
        text += "cpu MHz\t\t: \(megahertz / 1000).\(decimal(megahertz % 1000, width: 3, zeroPadded: true))\n"
        text += "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\n"
        text += "fpu\t\t: yes\nfpu_exception\t: yes\nwp\t\t: yes\n"
        var flags = ["fpu"]
        if features.hasTSC { flags.append("tsc") }
        if features.hasAPIC { flags.append("apic") }
        if features.hasPGE { flags.append("pge") }
        if features.hasFXSR { flags.append("fxsr") }
        if features.hasSyscall { flags.append("syscall") }
        if features.hasNX { flags.append("nx") }
        if features.hasGBPages { flags.append("pdpe1gb") }
        flags.append("lm")
        if features.hasX2APIC { flags.append("x2apic") }
        if features.hasXSAVE { flags.append("xsave") }
        if features.hasRDRAND { flags.append("rdrand") }
        if features.hasSMEP { flags.append("smep") }
        if features.hasSMAP { flags.append("smap") }
        if features.hasUMIP { flags.append("umip") }
        text += "flags\t\t: " + flags.joined(separator: " ") + "\n"
        text += "clflush size\t: 64\ncache_alignment\t: 64\n"
        text += "address sizes\t: \(features.maxPhysicalAddressBits) bits physical, 48 bits virtual\n\n"
        return text
    }

    /// /proc/sys/kernel (Linux: kern_table and the uts_kern_table).
    static var kernelSettings: [SysctlSetting] {
        [
            SysctlSetting(
                name: "hostname", show: { String(decoding: UTSName.nodename, as: UTF8.self) + "\n" },
                store: { (bytes: [UInt8]) throws(Errno) in
                    let name = bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
                    guard name.count <= UTSName.maximumLength else { throw .EINVAL }
                    UTSName.nodename = name
                }),
            SysctlSetting(name: "osrelease", show: { UTSName.release + "\n" }),
            Coredump.patternSetting,
            SysctlSetting(name: "ostype", show: { UTSName.sysname + "\n" }),
            SysctlSetting(name: "version", show: { UTSName.version + "\n" }),
            .integer(
                "pid_max", range: Int64(PidAllocator.minimumPidMax)...Int64(PidAllocator.pidMaxLimit),
                get: { Int64(PidAllocation.pidMax) },
                set: { (value: Int64) throws(Errno) in try PidAllocation.setPidMax(Int(value)) }),
            .integer("tainted", range: 0...0, get: { Int64(Taint.flags) }),
            .integer(
                "dmesg_restrict", range: 0...1, get: { Syslog.dmesgRestrict.load(ordering: .relaxed) ? 1 : 0 },
                set: { (value: Int64) throws(Errno) in
                    try Syslog.setDmesgRestrict(Int(value), by: Scheduler.current.credentials)
                }),
            .integer(
                "kptr_restrict", range: 0...2, get: { Int64(KernelPointers.restrict.load(ordering: .relaxed)) },
                set: { (value: Int64) throws(Errno) in
                    try KernelPointers.setRestrict(Int(value), by: Scheduler.current.credentials)
                }),
            SysctlSetting(
                name: "printk",
                show: {
                    let level = Printk.consoleLogLevel.load(ordering: .relaxed)
                    return "\(level)\t4\t1\t\(ConsoleLogLevel.default)\n"
                },
                store: { (bytes: [UInt8]) throws(Errno) in
                    let first = ProcSysctlValue.trimmed(bytes).prefix { $0 != 0x20 && $0 != 0x09 }
                    guard let level = ProcSysctlValue.integer(Array(first)), (1...15).contains(level) else {
                        throw .EINVAL
                    }
                    Printk.consoleLogLevel.store(Int(level), ordering: .relaxed)
                }),
        ]
    }

    /// /proc/sys/vm (Linux: vm_table): the policies Apus follows.
    static var vmSettings: [SysctlSetting] {
        [
            .integer("max_map_count", range: 0...0, get: { Int64(VMATree.defaultMaxMapCount) }),
            .integer("overcommit_memory", range: 0...0, get: { 0 }),
            .integer("page-cluster", range: 0...0, get: { 0 }),
            .integer("swappiness", range: 0...0, get: { 0 }),
        ]
    }
}

extension ProcSystem {
    /// /proc/kallsyms (Linux: s_show in kernel/kallsyms.c): "address type
    /// name" per symbol. Addresses show as kptr_restrict allows (Linux:
    /// kallsyms_show_value): by default to root, zeros to others.
    static func kallsyms() -> String {
        guard let table = Kallsyms.table else { return "" }
        let showAddresses = KernelPointers.symbolAddressesVisible(to: Scheduler.current.credentials)
        var text = ""
        for index in 0..<table.count {
            let symbol = table.symbol(at: index)
            text += hex(showAddresses ? symbol.address : 0, width: 16) + " T " + symbol.name + "\n"
        }
        return text + ModuleLoader.kallsyms(showAddresses: showAddresses)
    }

    /// /proc/slabinfo (Linux: slab_show, version 2.1): one line per cache.
    static func slabinfo() -> String {
        var text = "slabinfo - version: 2.1\n"
        text += "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
        text += " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
        for (name, statistics) in KernelAllocator.cacheStatistics {
            text += ProcPidFiles.padded(name, 17) + " " + decimal(UInt64(statistics.activeObjects), width: 6) + " "
            text += decimal(UInt64(statistics.totalObjects), width: 6) + " "
            text += decimal(UInt64(statistics.objectSize), width: 6) + " "
            text += decimal(UInt64(statistics.objectsPerSlab), width: 4) + " "
            text += decimal(UInt64(statistics.pagesPerSlab), width: 4)
            text += " : tunables    0    0    0 : slabdata " + decimal(UInt64(statistics.activeSlabs), width: 6) + " "
            text += decimal(UInt64(statistics.totalSlabs), width: 6) + "      0\n"
        }
        return text
    }
}
