import ABI
import Core

/// Whether memory can be promised to a private writable mapping (Linux:
/// __vm_enough_memory in mm/util.c under the default vm.overcommit_memory
/// 0, OVERCOMMIT_GUESS): one request for more pages than RAM and swap hold
/// together (there is no swap) fails with ENOMEM at once, so brk or mmap
/// of terabytes is refused up front; smaller ones are granted and may
/// fail, if ever, when touched. As in GUESS, no running total is kept.
enum Overcommit {
    static func checkEnoughMemory(forBytes size: UInt64) throws(Errno) {
        guard size / MemoryLayout64.pageSize <= UInt64(PageAllocator.totalPages) else { throw .ENOMEM }
    }
}
