import ABI
import Core
import Lib

/// /proc/PID/mem (Linux: mem_rw in fs/proc/base.c): the process's memory,
/// the file offset being the address. Only the process itself and those
/// allowed to inspect it (same user IDs, or root) may open it — others get
/// EACCES (Linux: mem_open's mm_access); an address nothing is mapped at
/// is EIO; a kernel thread's is empty. Writes go in even where the
/// mapping is read-only, as Linux's FOLL_FORCE does for debuggers.
final class ProcMemFile: FileOperations {
    private let task: Task

    init(_ task: Task) { self.task = task }

    /// Reads or writes are cut at this size, as Linux copies a page at a time.
    private static let chunk = 1 << 20

    func open(_ file: File, flags: OpenFlags) throws(Errno) {
        try ProcPid.mayAccess(try ProcPid.alive(task))
    }

    private func space() throws(Errno) -> AddressSpace? {
        let task = try ProcPid.alive(task)
        try ProcPid.mayAccess(task)
        return task.mm
    }

    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard let space = try space(), count > 0 else { return [] }
        let bytes = space.read(count: min(count, Self.chunk), at: UInt64(offset))
        guard !bytes.isEmpty else { throw .EIO }
        offset += Int64(bytes.count)
        return bytes
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard let space = try space(), !bytes.isEmpty else { return 0 }
        let piece = Array(bytes.prefix(Self.chunk))
        guard UInt64(offset) < MemoryLayout64.taskSize, space.areas.vma(containing: UInt64(offset)) != nil else {
            throw .EIO
        }
        do throws(Errno) {
            try space.write(piece, at: VirtAddr(UInt64(offset)))
        } catch {
            throw .EIO
        }
        offset += Int64(piece.count)
        return piece.count
    }
}
