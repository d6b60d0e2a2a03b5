import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// Ring 3 end to end: SYSCALL/SYSRET, the system call table, EFAULT from
/// bad user pointers, user SSE state, and a user fault killing only its task.
enum UserModeTests {
    static let codeAddress = VirtAddr(0x40_0000)
    /// Just below TASK_SIZE, where Linux puts a process's stack.
    static let stackTop = VirtAddr(MemoryLayout64.taskSize & ~0xFFFF)
    static let stackPages = 4

    static func run(_ t: inout TestReporter) {
        let before = PageAllocator.freePages
        let hello = runProgram("user-hello", user_hello_start_address()..<user_hello_end_address())
        t.check(
            hello == WaitStatus.exited(code: 42),
            "user: ring-3 program made system calls (write, EFAULT for bad pointers, ENOSYS, getpid, SSE) and exited 42 (status 0x\(hexWord(hello)))"
        )
        let segfault = runProgram("user-segv", user_segfault_start_address()..<user_segfault_end_address())
        t.check(
            segfault == WaitStatus.signaled(by: .SIGSEGV, coreDumped: false),
            "user: a NULL dereference kills only that task, with SIGSEGV and no core bit under RLIMIT_CORE 0 (status 0x\(hexWord(segfault)))"
        )
        let kernelJump = runProgram("user-kjump", user_kernel_jump_start_address()..<user_kernel_jump_end_address())
        t.check(
            kernelJump == WaitStatus.signaled(by: .SIGSEGV, coreDumped: false),
            "user: a jump into kernel memory kills only that task, with SIGSEGV and no core bit under RLIMIT_CORE 0 (status 0x\(hexWord(kernelJump)))"
        )
        let memory = runProgram("user-memory", user_memory_start_address()..<user_memory_end_address())
        t.check(
            memory == WaitStatus.exited(code: 42),
            "user: brk grows the heap, mmap/munmap/mprotect, getrandom into an untouched page, stack growth (status 0x\(hexWord(memory)))"
        )
        let readOnly = runProgram("user-mprotect", user_mprotect_start_address()..<user_mprotect_end_address())
        t.check(
            readOnly == WaitStatus.signaled(by: .SIGSEGV, coreDumped: false),
            "user: writing a page made read-only by mprotect is SIGSEGV (status 0x\(hexWord(readOnly)))")
        let forked = runProgram("user-fork", user_fork_start_address()..<user_fork_end_address())
        t.check(
            forked == WaitStatus.exited(code: 42),
            "user: fork with copy-on-write (the child's write stays its own), wait4 status 0x0700, then ECHILD (status 0x\(hexWord(forked)))"
        )
        let files = runProgram("user-files", user_files_start_address()..<user_files_end_address())
        t.check(
            files == WaitStatus.exited(code: 42),
            "user: mkdir/chdir/open/write/lseek/read/fstat/close/getcwd/getdents64, a pipe to a forked child with EOF at its exit, EPIPE, dup2/fcntl, unlink (status 0x\(hexWord(files)))"
        )
        checkPagesReturned(&t, before: before, "user: exited processes gave back every page")
    }

    /// Checks that the programs run since `before` (free pages) left no
    /// memory behind. Other tasks may free memory meanwhile (an earlier dead
    /// task's stack), so the check is that nothing was lost: an exit that
    /// leaked would leave fewer.
    static func checkPagesReturned(_ t: inout TestReporter, before: Int, _ description: String) {
        msleep(10)  // let the dead tasks' stacks and address spaces be released
        KernelAllocator.shrink()
        let after = PageAllocator.freePages
        t.check(after >= before, "\(description) (\(before) free before, \(after) after)")
    }

    /// Runs `code` as a user program in a new address space and returns its
    /// wait status. It inherits this task's open files: init's console as
    /// descriptors 0, 1 and 2.
    static func runProgram(_ name: String, _ code: Range<UInt64>) -> Int32 {
        let bytes = KernelImage.bytes(code)
        let task = KThreads.createUserModeThread(name: name) {
            let task = Scheduler.current
            guard let space = AddressSpace() else {
                pr_err("user: no memory for an address space")
                return -1
            }
            do throws(Errno) {
                let codeSize = UInt64(bytes.count)
                try space.mapAnonymous(
                    at: codeAddress.value, length: codeSize, protection: [.read, .exec], fixed: true)
                try space.write(bytes, at: codeAddress)
                space.setHeapStart(codeAddress.value + codeSize)
                try space.mapAnonymous(
                    at: stackTop.value - UInt64(stackPages) * MemoryLayout64.pageSize,
                    length: UInt64(stackPages) * MemoryLayout64.pageSize,
                    protection: [.read, .write], fixed: true, growsDown: true, label: .stack)
            } catch {
                pr_err("user: cannot build the address space for \(name): errno \(error.rawValue)")
                return -1
            }
            task.startUserProgram(in: space, rip: codeAddress.value, rsp: stackTop.value)
            return 0
        }
        Scheduler.wakeUpNewTask(task)
        task.exited.wait()
        return task.exitStatus
    }

    static func hexWord(_ value: Int32) -> String { hex(UInt64(UInt32(bitPattern: value)), width: 4) }
}
