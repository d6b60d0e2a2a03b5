import ABI
import Core
import Lib

/// /proc/PID/maps and smaps_rollup (Linux: fs/proc/task_mmu.c).
enum ProcTaskMMU {
    /// The width Linux pads a maps line to before the name (25 +
    /// sizeof(void *) * 6 - 1, show_map_vma's seq_setwidth).
    private static let nameColumn = 72

    /// One line of maps: "start-end perms offset major:minor inode", padded
    /// and followed by the name when there is one (Linux: show_map_vma).
    private static func line(
        start: UInt64, end: UInt64, permissions: String, offset: UInt64, device: UInt64, ino: UInt64, name: [UInt8]
    ) -> String {
        var text = hex(start, width: 8) + "-" + hex(end, width: 8) + " " + permissions + " " + hex(offset, width: 8)
        text +=
            " " + hex(UInt64(DeviceNumber.major(device)), width: 2) + ":"
            + hex(UInt64(DeviceNumber.minor(device)), width: 2) + " \(ino) "
        guard !name.isEmpty else { return text + "\n" }
        return ProcPidFiles.padded(text, nameColumn) + " " + String(decoding: name, as: UTF8.self) + "\n"
    }

    static func maps(_ task: Task) -> String {
        guard let space = task.mm else { return "" }
        let memory = TaskMemory(space)
        var text = ""
        for area in memory.areas {
            var permissions = area.protection.contains(.read) ? "r" : "-"
            permissions += area.protection.contains(.write) ? "w" : "-"
            permissions += area.protection.contains(.exec) ? "x" : "-"
            permissions += area.shared ? "s" : "p"
            var name: [UInt8] = []
            var device: UInt64 = 0
            var ino: UInt64 = 0
            var offset: UInt64 = 0
            if let file = area.file {
                name = (try? ProcFdDirectory.name(of: file, vfsLocked: false)) ?? []
                device = file.inode.superBlock.deviceNumber
                ino = file.inode.ino
                offset = area.fileOffset
            } else if let label = area.label {
                name = Array(label.name.utf8)
            }
            text += line(
                start: area.start, end: area.end, permissions: permissions, offset: offset, device: device, ino: ino,
                name: name)
        }
        return text
    }

    /// smaps_rollup (Linux: show_smaps_rollup): the whole address space as
    /// one area, with the sums of smaps.
    static func smapsRollup(_ task: Task) -> String {
        guard let space = task.mm else { return "" }
        let memory = TaskMemory(space)
        let start = memory.areas.first?.start ?? 0
        let end = memory.areas.last?.end ?? 0
        var text = line(
            start: start, end: end, permissions: "---p", offset: 0, device: 0, ino: 0, name: Array("[rollup]".utf8))
        func row(_ name: String, _ bytes: UInt64) {
            text += ProcPidFiles.padded(name + ":", 16) + decimal(bytes >> 10, width: 8) + " kB\n"
        }
        let proportional = memory.proportionalAnonymous + memory.proportionalFile
        row("Rss", memory.resident)
        row("Pss", proportional >> 12)
        row("Pss_Dirty", memory.proportionalDirty >> 12)
        row("Pss_Anon", memory.proportionalAnonymous >> 12)
        row("Pss_File", memory.proportionalFile >> 12)
        row("Pss_Shmem", 0)
        row("Shared_Clean", memory.sharedClean)
        row("Shared_Dirty", memory.sharedDirty)
        row("Private_Clean", memory.privateClean)
        row("Private_Dirty", memory.privateDirty)
        row("Referenced", memory.referenced)
        row("Anonymous", memory.residentAnonymous)
        for name in [
            "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb", "Swap",
            "SwapPss", "Locked",
        ] {
            row(name, 0)
        }
        return text
    }
}
