import ABI
import Core
import Lib

/// The kernel.msgmax, msgmnb, msgmni, sem, shmmax, shmall and shmmni
/// settings (Linux: ipc/ipc_sysctl.c): what msgsnd, semget and shmget
/// check against. Each takes root, as every sysctl does.
enum IPCSysctl {
    static var settings: [SysctlSetting] {
        let intRange: ClosedRange<Int64> = 0...Int64(Int32.max)
        let slotRange: ClosedRange<Int64> = 0...Int64(IPCDefaults.IPCMNI)
        return [
            integer("msgmax", range: intRange, { $0.msgmax }, { $0.msgmax = $1 }),
            integer("msgmnb", range: intRange, { $0.msgmnb }, { $0.msgmnb = $1 }),
            integer("msgmni", range: slotRange, { $0.msgmni }, { $0.msgmni = $1 }),
            integer("shmmni", range: slotRange, { $0.shmmni }, { $0.shmmni = $1 }),
            unsigned("shmmax", { $0.shmmax }, { $0.shmmax = $1 }),
            unsigned("shmall", { $0.shmall }, { $0.shmall = $1 }),
            SysctlSetting(
                name: "sem",
                show: {
                    let limits = IPC.currentLimits
                    return [limits.semmsl, limits.semmns, limits.semopm, limits.semmni].map { "\($0)" }
                        .joined(separator: "\t") + "\n"
                },
                store: { (bytes: [UInt8]) throws(Errno) in
                    // Linux: proc_ipc_sem_dointvec, four integers, SEMMNI at most IPCMNI.
                    let words = bytes.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a }
                    var values: [Int64] = []
                    for word in words {
                        guard let value = ProcSysctlValue.integer(Array(word)), intRange.contains(value) else {
                            throw .EINVAL
                        }
                        values.append(value)
                    }
                    guard values.count == 4, slotRange.contains(values[3]) else { throw .EINVAL }
                    IPC.limits.withLock { limits in
                        limits.semmsl = values[0]
                        limits.semmns = values[1]
                        limits.semopm = values[2]
                        limits.semmni = values[3]
                    }
                }),
        ]
    }

    /// A signed limit (Linux: proc_dointvec_minmax).
    private static func integer(
        _ name: String, range: ClosedRange<Int64>, _ get: @escaping (IPCLimits) -> Int64,
        _ set: @escaping (inout IPCLimits, Int64) -> Void
    ) -> SysctlSetting {
        .integer(
            name, range: range, get: { get(IPC.currentLimits) },
            set: { (value: Int64) throws(Errno) in IPC.limits.withLock { set(&$0, value) } })
    }

    /// An unsigned long limit (Linux: proc_doulongvec_minmax).
    private static func unsigned(
        _ name: String, _ get: @escaping (IPCLimits) -> UInt64, _ set: @escaping (inout IPCLimits, UInt64) -> Void
    ) -> SysctlSetting {
        SysctlSetting(
            name: name, show: { "\(get(IPC.currentLimits))\n" },
            store: { (bytes: [UInt8]) throws(Errno) in
                guard let value = ProcSysctlValue.unsigned(bytes) else { throw .EINVAL }
                IPC.limits.withLock { set(&$0, value) }
            })
    }
}
