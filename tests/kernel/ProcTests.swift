import ABI
import Core
import Kernel
import Lib

/// procfs mounted kernel-side (as devtmpfs is) and read through the VFS:
/// the formats ps, top and free parse, the entry API, sysctl writes.
enum ProcTests {
    static let base = "/selftest-proc"

    static func run(_ t: inout TestReporter) {
        do throws(Errno) {
            try VFS.mkdir(b(base), mode: 0o555)
            try VFS.mount(ProcFS.makeSuperBlock(), at: b(base))
        } catch {
            t.check(false, "proc: mounting failed with errno \(error.rawValue)")
            return
        }
        processFiles(&t)
        listing(&t)
        systemFiles(&t)
        sysctl(&t)
        entryAPI(&t)
    }

    static func b(_ string: String) -> [UInt8] { Array(string.utf8) }

    static func text(_ path: String) throws(Errno) -> String {
        // Small reads, so a file is read in pieces from its snapshot.
        let file = try VFS.open(b("\(base)/\(path)"), flags: [.O_RDONLY])
        var bytes: [UInt8] = []
        while true {
            let piece = try file.read(count: 100)
            if piece.isEmpty { break }
            bytes += piece
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of "Name:\tvalue" in a status-style file.
    static func field(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return String(line.dropFirst(name.utf8.count + 1)).trimmingSpaces
        }
        return nil
    }

    static func processFiles(_ t: inout TestReporter) {
        let task = Scheduler.current
        do throws(Errno) {
            let link = try VFS.readlink(b("\(base)/self"))
            t.check(link == b("\(task.tgid)"), "proc: self links to the reader's pid")
            let threadLink = try VFS.readlink(b("\(base)/thread-self"))
            t.check(threadLink == b("\(task.tgid)/task/\(task.pid)"), "proc: thread-self links to pid/task/tid")
            let stat = try text("self/stat")
            // "pid (comm) state ppid ...": 52 fields, the name in parentheses.
            let afterName = stat.split(separator: ")").last.map { $0.split(separator: " ") } ?? []
            t.check(
                stat.hasPrefix("\(task.pid) (\(task.comm)) R ") && afterName.count == 50 && stat.hasSuffix("\n"),
                "proc: self/stat has 52 fields, pid, (comm), state R: \(stat.prefix(40))")
            t.check(
                afterName.count > 18 && afterName[17] == "\(task.group.threads.count)",
                "proc: stat's num_threads is the thread count")
            let status = try text("self/status")
            t.check(
                field("Name", in: status) == task.comm && field("Pid", in: status) == "\(task.pid)"
                    && field("State", in: status) == "R (running)" && field("Uid", in: status) == "0\t0\t0\t0",
                "proc: self/status names, pid, state and uids")
            let kthreadd = try text("2/stat")
            t.check(kthreadd.hasPrefix("2 (kthreadd) S 0 "), "proc: 2/stat is kthreadd, sleeping, parent 0")
            let kthreadStatus = try text("2/status")
            t.check(field("VmSize", in: kthreadStatus) == nil, "proc: a kernel thread's status has no Vm lines")
            t.check((try text("2/cmdline")).isEmpty, "proc: a kernel thread's cmdline is empty")
            t.check(
                VFSTests.errorOf(try VFS.readlink(b("\(base)/2/exe"))) == .ENOENT, "proc: a kernel thread has no exe")
            t.check((try VFS.readlink(b("\(base)/self/cwd"))) == b("/"), "proc: self/cwd names the working directory")
            t.check((try text("self/statm")).split(separator: " ").count == 7, "proc: statm has seven numbers")
            let limits = try text("self/limits")
            t.check(
                limits.hasPrefix("Limit                     Soft Limit           Hard Limit           Units")
                    && limits.includes("Max open files            1024                 4096                 files"),
                "proc: limits in Linux's columns")
            try write("7\n", to: "self/oom_score_adj")
            t.check((try text("self/oom_score_adj")) == "7\n", "proc: oom_score_adj takes a value")
            t.check(
                VFSTests.errorOf(try write("1001", to: "self/oom_score_adj")) == .EINVAL,
                "proc: oom_score_adj past 1000 is EINVAL")
            try write("0", to: "self/oom_score_adj")
            let task1 = try VFS.stat(b("\(base)/1/task/1"))
            t.check(FileMode.fileType(task1.st_mode) == FileMode.S_IFDIR, "proc: 1/task/1 is the thread's directory")
            t.check(VFSTests.errorOf(try VFS.stat(b("\(base)/99999"))) == .ENOENT, "proc: no directory for a free pid")
            t.check(
                VFSTests.errorOf(try VFS.stat(b("\(base)/01"))) == .ENOENT, "proc: a pid with a leading zero is no name"
            )
        } catch {
            t.check(false, "proc: process files failed with errno \(error.rawValue)")
        }
    }

    static func names(in path: String) throws(Errno) -> [String] {
        let directory = try VFS.open(b("\(base)/\(path)"), flags: [.O_RDONLY, .O_DIRECTORY])
        var names: [String] = []
        while true {
            // A small buffer: the listing continues from d_off.
            let entries = try directory.readDirectory(fitting: 64)
            if entries.isEmpty { break }
            names += entries.map { String(decoding: $0.d_name, as: UTF8.self) }
        }
        return names
    }

    static func listing(_ t: inout TestReporter) {
        do throws(Errno) {
            let root = try names(in: "")
            t.check(
                root.prefix(2) == [".", ".."] && root.contains("meminfo") && root.contains("self")
                    && root.contains("1") && root.contains("2") && root.contains("sys"),
                "proc: the root lists the system files, self and the processes")
            t.check(
                root.enumerated().allSatisfy { index, name in !root[(index + 1)...].contains(name) },
                "proc: read in pieces, the root repeats no name")
            let own = try names(in: "self")
            t.check(
                ["stat", "status", "statm", "cmdline", "environ", "maps", "fd", "task", "exe"].allSatisfy {
                    own.contains($0)
                }, "proc: a process directory lists its files")
            t.check((try names(in: "self/fd")).count >= 2, "proc: self/fd lists the open descriptors")
        } catch {
            t.check(false, "proc: listing failed with errno \(error.rawValue)")
        }
    }

    static func systemFiles(_ t: inout TestReporter) {
        do throws(Errno) {
            let meminfo = try text("meminfo")
            let total = UInt64(PageAllocator.totalPages) * 4
            t.check(
                meminfo.hasPrefix("MemTotal:       " + decimal(total, width: 8) + " kB\nMemFree:"),
                "proc: meminfo's MemTotal is the page allocator's total")
            let uptime = (try text("uptime")).split(separator: " ")
            t.check(
                uptime.count == 2 && uptime[0].utf8.contains(UInt8(ascii: ".")) && uptime[1].hasSuffix("\n"),
                "proc: uptime is two numbers")
            let loadavg = (try text("loadavg")).split(separator: " ")
            t.check(loadavg.count == 5 && loadavg[3].utf8.contains(UInt8(ascii: "/")), "proc: loadavg has five fields")
            let stat = try text("stat")
            t.check(
                stat.hasPrefix("cpu  ") && stat.includes("\ncpu0 ") && stat.includes("\nctxt ")
                    && stat.includes("\nbtime ") && stat.includes("\nprocesses "),
                "proc: stat has the cpu, ctxt, btime and processes lines")
            t.check((try text("version")).hasPrefix("Linux version 6.1.0-apus "), "proc: version")
            t.check((try text("cpuinfo")).hasPrefix("processor\t: 0\nvendor_id\t: "), "proc: cpuinfo")
            let mounts = try text("mounts")
            t.check(mounts.includes("\nproc \(base) proc rw"), "proc: mounts lists this mount")
            let kallsyms = try text("kallsyms")
            let startKernel = kallsyms.split(separator: "\n").first { $0.hasSuffix(" T start_kernel") }
            t.check(
                startKernel.map { UInt64($0.prefix(16), radix: 16) != 0 } ?? false,
                "proc: kallsyms shows root the address of start_kernel")
            let slabinfo = try text("slabinfo")
            t.check(
                slabinfo.hasPrefix("slabinfo - version: 2.1\n# name ") && slabinfo.includes("\nkmalloc-64 "),
                "proc: slabinfo lists the kmalloc caches")
            t.check((try text("2/mem")).isEmpty, "proc: a kernel thread's mem is empty")
            let mountinfo = try text("self/mountinfo")
            t.check(
                mountinfo.includes(" / \(base) rw") && mountinfo.includes(" - proc proc rw"),
                "proc: mountinfo lists this mount")
        } catch {
            t.check(false, "proc: system files failed with errno \(error.rawValue)")
        }
    }

    static func write(_ value: String, to path: String) throws(Errno) {
        let file = try VFS.open(b("\(base)/\(path)"), flags: [.O_WRONLY, .O_TRUNC])
        _ = try file.write(b(value))
    }

    static func sysctl(_ t: inout TestReporter) {
        do throws(Errno) {
            t.check((try text("sys/kernel/ostype")) == "Linux\n", "proc: sys/kernel/ostype")
            t.check((try text("sys/kernel/osrelease")) == "6.1.0-apus\n", "proc: sys/kernel/osrelease")
            let hostname = try text("sys/kernel/hostname")
            try write("selftest-host\n", to: "sys/kernel/hostname")
            t.check((try text("sys/kernel/hostname")) == "selftest-host\n", "proc: writing sys/kernel/hostname sets it")
            try write(hostname, to: "sys/kernel/hostname")
            t.check((try text("sys/kernel/pid_max")) == "32768\n", "proc: sys/kernel/pid_max")
            t.check(
                VFSTests.errorOf(try write("12", to: "sys/kernel/pid_max")) == .EINVAL,
                "proc: pid_max below 301 is EINVAL")
            t.check(
                VFSTests.errorOf(try write("x", to: "sys/kernel/pid_max")) == .EINVAL,
                "proc: pid_max takes only numbers")
            t.check(
                VFSTests.errorOf(try VFS.open(b("\(base)/sys/kernel/ostype"), flags: [.O_WRONLY])) == .EACCES
                    || VFSTests.errorOf(try write("x", to: "sys/kernel/ostype")) != nil,
                "proc: a read-only setting takes no write")
            t.check((try text("sys/vm/overcommit_memory")) == "0\n", "proc: sys/vm/overcommit_memory")
            let dmesgRestrict = try text("sys/kernel/dmesg_restrict")
            let kptrRestrict = try text("sys/kernel/kptr_restrict")
            t.check(
                dmesgRestrict == "1\n" && kptrRestrict == "0\n",
                "proc: dmesg_restrict and kptr_restrict at their defaults")
            try write("2", to: "sys/kernel/kptr_restrict")
            let restricted = try text("kallsyms")
            try write("0", to: "sys/kernel/kptr_restrict")
            t.check(
                restricted.hasPrefix("0000000000000000 T "),
                "proc: kptr_restrict 2 hides kallsyms' addresses even from root")
        } catch {
            t.check(false, "proc: sysctl failed with errno \(error.rawValue)")
        }
    }

    static func entryAPI(_ t: inout TestReporter) {
        do throws(Errno) {
            let directory = try ProcFS.mkdir("selftest")
            let stored = Stored()
            try ProcFS.create(
                "value", parent: directory, show: { "value \(stored.value)\n" },
                write: { (bytes: [UInt8]) throws(Errno) in stored.value = String(decoding: bytes, as: UTF8.self) })
            try ProcFS.symlink("link", target: "value", parent: directory)
            t.check((try text("selftest/value")) == "value none\n", "proc: a created entry shows its text")
            try write("set", to: "selftest/value")
            t.check((try text("selftest/link")) == "value set\n", "proc: writes reach the callback, symlinks lead on")
            let mode = try VFS.stat(b("\(base)/selftest/value")).st_mode
            t.check(mode == FileMode.S_IFREG | 0o644, "proc: a writable entry is 0644")
            t.check(
                VFSTests.errorOf(try ProcFS.create("value", parent: directory, show: { "" })) == .EEXIST,
                "proc: a taken name is EEXIST")
            try ProcFS.remove("value", parent: directory)
            t.check(VFSTests.errorOf(try text("selftest/value")) == .ENOENT, "proc: a removed entry is gone")
            try ProcFS.remove("link", parent: directory)
            try ProcFS.remove("selftest")
        } catch {
            t.check(false, "proc: the entry API failed with errno \(error.rawValue)")
        }
    }

    final class Stored {
        var value = "none"
    }
}

extension String {
    /// Whether `part` occurs in the string (Foundation's contains).
    fileprivate func includes(_ part: String) -> Bool {
        let bytes = Array(utf8)
        let needle = Array(part.utf8)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    fileprivate var trimmingSpaces: String {
        String(decoding: ProcSysctlValue.trimmed(Array(utf8)), as: UTF8.self)
    }
}
