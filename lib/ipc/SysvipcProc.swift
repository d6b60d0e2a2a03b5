import ABI

/// The lines of /proc/sysvipc/msg, sem and shm, column for column as Linux
/// prints them (Linux: sysvipc_msg_proc_show, sysvipc_sem_proc_show,
/// sysvipc_shm_proc_show), from the structures IPC_STAT fills in.
public enum SysvipcProc {
    public static let messageHeader =
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
    public static let semaphoreHeader =
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
    public static let sharedMemoryHeader =
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"

    /// "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu"
    public static func messageLine(_ queue: MsqidDs, id: Int32) -> String {
        let perm = queue.msg_perm
        return keyIdMode(perm, id) + "  " + decimal(queue.msg_cbytes, width: 10) + " "
            + decimal(queue.msg_qnum, width: 10) + " " + pid(queue.msg_lspid) + " " + pid(queue.msg_lrpid) + " "
            + owners(perm) + " " + time(queue.msg_stime) + " " + time(queue.msg_rtime) + " " + time(queue.msg_ctime)
            + "\n"
    }

    /// "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu"
    public static func semaphoreLine(_ set: SemidDs, id: Int32) -> String {
        let perm = set.sem_perm
        return keyIdMode(perm, id) + " " + decimal(set.sem_nsems, width: 10) + " " + owners(perm) + " "
            + time(set.sem_otime) + " " + time(set.sem_ctime) + "\n"
    }

    /// "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu
    /// %10llu %21lu %21lu", the last two the resident and swapped bytes.
    public static func sharedMemoryLine(_ segment: ShmidDs, id: Int32, residentBytes: UInt64) -> String {
        let perm = segment.shm_perm
        return keyIdMode(perm, id) + " " + decimal(segment.shm_segsz, width: 21) + " " + pid(segment.shm_cpid)
            + " " + pid(segment.shm_lpid) + "  " + decimal(segment.shm_nattch, width: 5) + " " + owners(perm) + " "
            + time(segment.shm_atime) + " " + time(segment.shm_dtime) + " " + time(segment.shm_ctime) + " "
            + decimal(residentBytes, width: 21) + " " + decimal(0, width: 21) + "\n"
    }

    /// "%10d %10d  %4o": the key and id signed, the mode in octal.
    private static func keyIdMode(_ perm: IPC64Perm, _ id: Int32) -> String {
        signed(perm.key, width: 10) + " " + signed(id, width: 10) + "  "
            + pad(octal(UInt64(perm.mode)), width: 4)
    }

    /// "%5u %5u %5u %5u": uid, gid, cuid, cgid.
    private static func owners(_ perm: IPC64Perm) -> String {
        [perm.uid, perm.gid, perm.cuid, perm.cgid].map { decimal(UInt64($0), width: 5) }.joined(separator: " ")
    }

    private static func pid(_ value: Int32) -> String { decimal(UInt64(UInt32(bitPattern: value)), width: 5) }

    private static func time(_ value: Int64) -> String { decimal(UInt64(bitPattern: value), width: 10) }

    private static func signed(_ value: Int32, width: Int) -> String {
        let digits = value < 0 ? "-" + decimal(UInt64(value.magnitude)) : decimal(UInt64(value))
        return pad(digits, width: width)
    }

    private static func pad(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(width - text.utf8.count, 0)) + text
    }
}
