import Core

/// Kernel threads (Linux: kernel/kthread.c). A kernel thread is a task with
/// no user space that runs one function. Threads are created stopped, started
/// with `wakeUp` (kthread_run does both), and asked to finish with `stop`,
/// which waits for the function to notice `shouldStop` and return.
public final class KThread {
    public let task: Task
    fileprivate var stopRequested = false

    fileprivate init(task: Task) { self.task = task }
}

public enum KThreads {
    /// pid 2, parent of every kernel thread (Linux: kthreadd).
    private static let kthreadd = BootOnce<Task>()
    public static var daemon: Task? { kthreadd.valueIfSet }

    /// Starts kthreadd (pid 2, after init's pid 1, as in Linux's rest_init).
    static func startDaemon() {
        let daemon = create(name: "kthreadd") {
            // Linux's kthreadd forks new threads on request; here creation is
            // direct, so kthreadd only parents them and sleeps.
            while true { Scheduler.sleepForever() }
        }
        daemon.sighand = .kernelThreads
        kthreadd.set(daemon)
        Scheduler.wakeUpNewTask(daemon)
    }

    /// A new kernel thread that will run `function` once woken (Linux:
    /// kthread_create). Its `comm` is `name`; ps shows it in brackets.
    public static func create(name: String, _ function: @escaping () -> Int32) -> Task {
        create(name: name, files: FileTable.kernel, function)
    }

    /// A kernel thread that will become a user process (Linux:
    /// user_mode_thread): like `create`, but with copies of the creating
    /// task's open files and fs context, so the descriptors it opens and
    /// the directory it changes to are its own. init keeps sharing the
    /// kernel's fs context (`sharesFS`), as Linux's kernel_init does with
    /// CLONE_FS: its root and working directory are what mounting the root
    /// filesystem sets.
    public static func createUserModeThread(
        name: String, sharesFS: Bool = false, _ function: @escaping () -> Int32
    ) -> Task {
        let current = Scheduler.current
        return create(name: name, files: current.files.copy(), fs: sharesFS ? current.fs : current.fs.copy(), function)
    }

    private static func create(
        name: String, files: FileTable, fs: FSContext = FSContext.kernel, _ function: @escaping () -> Int32
    ) -> Task {
        // Threads made before kthreadd exists (init, kthreadd itself) are children of the idle task.
        // kthreadd's children ignore all signals as it does; init, made before it, keeps the defaults.
        let task = Task.kernelThread(
            name: name, parent: daemon ?? Scheduler.idleTask, files: files, fs: fs,
            sighand: daemon?.sighand)
        let thread = KThread(task: task)
        task.kthread = thread
        task.entry = function
        return task
    }

    /// kthread_run: create and start.
    @discardableResult
    public static func run(name: String, _ function: @escaping () -> Int32) -> Task {
        let task = create(name: name, function)
        Scheduler.wakeUpNewTask(task)
        return task
    }

    /// Asks the thread to finish and waits until it has (Linux: kthread_stop);
    /// returns what its function returned.
    @discardableResult
    public static func stop(_ task: Task) -> Int32 {
        guard let thread = task.kthread else { return -1 }
        thread.stopRequested = true
        if task.state.contains(.new) {
            Scheduler.wakeUpNewTask(task)
        } else {
            _ = Scheduler.wakeUp(task, states: .normal)
        }
        task.exited.wait()
        return task.exitStatus
    }

    /// Whether someone called `stop` on the running kernel thread (Linux: kthread_should_stop).
    public static var shouldStop: Bool { Scheduler.current.kthread?.stopRequested ?? false }
}
