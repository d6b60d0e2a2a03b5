import ABI
import Core
import Lib

/// /proc/PID/stat, status and statm (Linux: fs/proc/array.c), in Linux's
/// formats, which ps, top, pidof and killall parse.
enum ProcArray {
    /// The state as status spells it (Linux: task_state_array).
    static func stateName(_ state: TaskState) -> String {
        switch state.letter {
        case "R": "R (running)"
        case "S": "S (sleeping)"
        case "D": "D (disk sleep)"
        case "T": "T (stopped)"
        case "t": "t (tracing stop)"
        case "X": "X (dead)"
        case "Z": "Z (zombie)"
        case "P": "P (parked)"
        case "I": "I (idle)"
        default: "? (unknown)"
        }
    }

    /// The memory of a process, or nothing for a kernel thread.
    static func memory(of task: Task) -> TaskMemory {
        task.mm.map { TaskMemory($0) } ?? TaskMemory()
    }

    /// The usage of a thread, or of the whole process for `wholeProcess`,
    /// and of its waited-for children (Linux: thread_group_cputime_adjusted
    /// or task_cputime_adjusted, and signal_struct's cutime, cstime, cmin_flt).
    static func usage(of task: Task, wholeProcess: Bool) -> (own: ResourceUsage, children: ResourceUsage) {
        let own = wholeProcess ? CPUAccounting.usage(of: task.group) : CPUAccounting.usage(of: task)
        let children = TaskList.lock.withLockIrqSave { task.group.childrenUsage }
        return (own, children)
    }

    /// The kernel's priority as stat shows it (Linux: task_prio): nice + 20
    /// for the normal policies, -1 - rt_priority for the real-time ones,
    /// and a priority inherited through an rt-mutex while it lasts.
    static func priority(of task: Task) -> Int {
        task.sched.prio - SchedPolicy.realTimeLevels
    }

    /// The signals a process ignores and catches (Linux: collect_sigign_sigcatch).
    static func ignoredAndCaught(_ task: Task) -> (ignored: SignalSet, caught: SignalSet) {
        let actions = task.sighand.actions
        var ignored = SignalSet()
        var caught = SignalSet()
        for number in 1...Signal._NSIG {
            guard let signal = Signal(rawValue: number) else { continue }
            switch actions[signal].sa_handler {
            case KernelSigaction.SIG_DFL: break
            case KernelSigaction.SIG_IGN: ignored.insert(signal)
            default: caught.insert(signal)
            }
        }
        return (ignored, caught)
    }

    /// /proc/PID/stat and /proc/PID/task/TID/stat (Linux: do_task_stat):
    /// 52 fields on one line. `wholeProcess` sums the threads' times.
    static func stat(_ task: Task, wholeProcess: Bool) -> String {
        let group = task.group
        let memory = memory(of: task)
        let (usage, children) = usage(of: task, wholeProcess: wholeProcess)
        func ticks(_ nanoseconds: UInt64) -> String { "\(TimeUnits.clockTicks(nanoseconds: nanoseconds))" }
        let (ignored, caught) = ignoredAndCaught(task)
        let pending = wholeProcess ? task.pending.signals.union(group.sharedPending.signals) : task.pending.signals
        let start = TimeUnits.clockTicks(nanoseconds: task.startTime)
        let space = task.mm
        let residentPages = memory.resident / MemoryLayout64.pageSize
        let rssLimit = group.limits.current(.RLIMIT_RSS)
        let exitSignal = task.exitSignal.map { Int($0.rawValue) } ?? 0
        let exitCode = task.state.contains(.exitZombie) || task.state.contains(.exitDead) ? Int(task.exitStatus) : 0
        var fields: [String] = [
            "\(task.pid) (\(task.comm)) \(task.state.letter)",
            "\(task.realParent?.tgid ?? 0)", "\(group.processGroup)", "\(group.session)",
            "0", "-1",  // tty_nr, tpgid: no controlling terminal
            "\(task.flags.rawValue)",
            "\(usage.minorFaults)", "\(children.minorFaults)", "0", "0",  // majflt, cmajflt: no I/O
            ticks(usage.time.user), ticks(usage.time.system), ticks(children.time.user), ticks(children.time.system),
            "\(priority(of: task))", "\(task.sched.nice)", "\(group.threads.count)", "0",
            "\(start)", "\(memory.virtualBytes)", "\(residentPages)", "\(rssLimit)",
            "\(memory.codeStart)", "\(memory.codeEnd)", "\(space?.argumentArea.lowerBound ?? 0)",
            "0", "0",  // kstkesp, kstkeip: not shown, as Linux since 4.x
            "\(pending.rawValue)", "\(task.blockedSignals.rawValue)", "\(ignored.rawValue)", "\(caught.rawValue)",
            task.state == .running ? "0" : "1",  // wchan: whether it sleeps
            "0", "0", "\(exitSignal)", "0",  // nswap, cnswap, exit_signal, processor
            "\(task.sched.realTimePriority)", "\(task.sched.policy.rawValue)",
            "0", "0", "0",  // delayacct_blkio_ticks, guest_time, cguest_time
        ]
        let heap = space.map { ($0.heapStart, $0.programBreak) } ?? (0, 0)
        fields += [
            "0", "0", "\(heap.0)",  // start_data, end_data, start_brk
            "\(space?.argumentArea.lowerBound ?? 0)", "\(space?.argumentArea.upperBound ?? 0)",
            "\(space?.environmentArea.lowerBound ?? 0)", "\(space?.environmentArea.upperBound ?? 0)",
            "\(exitCode)",
        ]
        return fields.joined(separator: " ") + "\n"
    }

    /// /proc/PID/statm (Linux: proc_pid_statm): sizes in pages.
    static func statm(_ task: Task) -> String {
        let memory = memory(of: task)
        let page = MemoryLayout64.pageSize
        let text = (memory.codeEnd - memory.codeStart) / page
        let data = (memory.dataBytes + memory.stackBytes) / page
        return
            "\(memory.virtualBytes / page) \(memory.resident / page) \(memory.residentFile / page) \(text) 0 \(data) 0\n"
    }

    /// The size of the descriptor table as Linux grows it (max_fds): 64,
    /// doubled until the highest open descriptor fits; 0 once the task has
    /// let go of its files.
    private static func descriptorTableSize(_ task: Task) -> Int {
        guard let files = task.openFilesIfAny else { return 0 }
        let highest = Int(files.openDescriptors.max() ?? 0)
        var size = 64
        while size <= highest { size *= 2 }
        return size
    }

    /// "    1234 kB", as status prints sizes (Linux: seq_put_decimal_ull_width(m, ..., 8)).
    private static func kilobytes(_ bytes: UInt64) -> String {
        decimal(bytes >> 10, width: 8) + " kB"
    }

    /// /proc/PID/status (Linux: proc_pid_status).
    static func status(_ task: Task) -> String {
        let group = task.group
        let credentials = task.credentials
        let uid = credentials.uid
        let gid = credentials.gid
        let (ignored, caught) = ignoredAndCaught(task)
        let capabilities = credentials.isPrivileged ? "000001ffffffffff" : "0000000000000000"
        let umask = task.fs.umask
        var text = "Name:\t\(task.comm)\n"
        text += "Umask:\t0\((umask >> 6) & 7)\((umask >> 3) & 7)\(umask & 7)\n"
        text += "State:\t\(stateName(task.state))\n"
        text +=
            "Tgid:\t\(task.tgid)\nNgid:\t0\nPid:\t\(task.pid)\nPPid:\t\(task.realParent?.tgid ?? 0)\nTracerPid:\t0\n"
        text += "Uid:\t\(uid.real)\t\(uid.effective)\t\(uid.saved)\t\(uid.filesystem)\n"
        text += "Gid:\t\(gid.real)\t\(gid.effective)\t\(gid.saved)\t\(gid.filesystem)\n"
        text += "FDSize:\t\(descriptorTableSize(task))\n"
        text += "Groups:\t" + credentials.groups.map { "\($0) " }.joined() + "\n"
        text += "NStgid:\t\(task.tgid)\nNSpid:\t\(task.pid)\nNSpgid:\t\(group.processGroup)\nNSsid:\t\(group.session)\n"
        if task.mm != nil {
            let memory = memory(of: task)
            text += "VmPeak:\t\(kilobytes(memory.virtualBytes))\nVmSize:\t\(kilobytes(memory.virtualBytes))\n"
            text += "VmLck:\t\(kilobytes(0))\nVmPin:\t\(kilobytes(0))\n"
            text += "VmHWM:\t\(kilobytes(memory.resident))\nVmRSS:\t\(kilobytes(memory.resident))\n"
            text += "RssAnon:\t\(kilobytes(memory.residentAnonymous))\nRssFile:\t\(kilobytes(memory.residentFile))\n"
            text += "RssShmem:\t\(kilobytes(0))\n"
            text += "VmData:\t\(kilobytes(memory.dataBytes))\nVmStk:\t\(kilobytes(memory.stackBytes))\n"
            text += "VmExe:\t\(kilobytes(memory.codeEnd - memory.codeStart))\n"
            text += "VmLib:\t\(kilobytes(memory.executableBytes - (memory.codeEnd - memory.codeStart)))\n"
            text += "VmPTE:\t\(kilobytes(0))\nVmSwap:\t\(kilobytes(0))\nHugetlbPages:\t\(kilobytes(0))\n"
        }
        text += "CoreDumping:\t0\nTHP_enabled:\t0\n"
        text += "Threads:\t\(group.threads.count)\n"
        text += "SigQ:\t0/\(group.limits.current(.RLIMIT_SIGPENDING))\n"
        text += "SigPnd:\t\(hex(task.pending.signals.rawValue, width: 16))\n"
        text += "ShdPnd:\t\(hex(group.sharedPending.signals.rawValue, width: 16))\n"
        text += "SigBlk:\t\(hex(task.blockedSignals.rawValue, width: 16))\n"
        text += "SigIgn:\t\(hex(ignored.rawValue, width: 16))\nSigCgt:\t\(hex(caught.rawValue, width: 16))\n"
        text += "CapInh:\t0000000000000000\nCapPrm:\t\(capabilities)\nCapEff:\t\(capabilities)\n"
        text += "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
        text += "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
        text += "Speculation_Store_Bypass:\tnot vulnerable\nSpeculationIndirectBranch:\tnot affected\n"
        text += "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n"
        let switches = CPUAccounting.usage(of: task)
        text += "voluntary_ctxt_switches:\t\(switches.voluntarySwitches)\n"
        text += "nonvoluntary_ctxt_switches:\t\(switches.involuntarySwitches)\n"
        return text
    }
}
