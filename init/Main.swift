import ABI
import Core
import Lib
import Synchronization

/// The first Swift code to run (Linux: init/main.c start_kernel). head.S calls
/// it on the boot stack, in long mode, with the boot protocol and the physical
/// address of the loader's info block. The order matters: each step uses only
/// what the steps before it set up.
@c(start_kernel)
func startKernel(bootProtocol: UInt32, bootInfo: UInt32) -> Never {
    Printk.register(console: SerialConsole(port: .com1))
    Printk.initialize()
    pr_notice("Apus version 0.1 (Embedded Swift, x86_64) — a Linux-architecture kernel")
    guard let boot = BootParams(protocol: bootProtocol, info: bootInfo) else {
        panic("unknown boot protocol \(bootProtocol)")
    }
    let commandLine = KernelCommandLine(bytes: boot.commandLineBytes())
    applyEarlyParameters(commandLine)
    pr_info("Boot protocol: \(boot.bootProtocol.name)")
    pr_notice("Command line: \(String(decoding: boot.commandLineBytes(), as: UTF8.self))")

    let features = CPU.probeFeatures()
    CPU.enableFeatures(features)
    pr_info(
        "CPU: \(features.vendor) family \(hex(UInt64(features.family))) model \(hex(UInt64(features.model))) stepping \(features.stepping)"
    )
    pr_info(
        "CPU features: NX \(onOff(features.hasNX)), PGE \(onOff(features.hasPGE)), XSAVE \(onOff(features.hasXSAVE)), SMEP \(onOff(features.hasSMEP)), SMAP \(onOff(features.hasSMAP)), UMIP \(onOff(features.hasUMIP)), x2APIC \(onOff(features.hasX2APIC)), RDRAND \(onOff(features.hasRDRAND))"
    )

    if features.hasUMIP { pr_info("x86/cpu: User Mode Instruction Prevention (UMIP) activated") }

    let cpuTables = CPUTables(cpu: 0)
    cpuTables.load()
    PerCPUArea.initialize(tables: cpuTables)
    InterruptTable.initialize()
    Traps.install()
    SyscallEntry.enable()
    SyscallTable.install()
    ForkSyscalls.install()

    MemoryInit.initialize(boot: boot)
    Kallsyms.initialize()
    Profile.initialize(commandLine)

    Scheduler.initialize()
    Futex.initialize()
    IrqFlow.install()
    TaskletQueue.initialize()
    RCU.initialize()
    KernelTimers.initialize()
    PIC8259.disable(vectorBase: 0x20)
    LocalTimer.initialize()
    Timekeeping.initialize()
    VDSO.initialize()
    IOAPICSetup.initialize()
    ACPIPower.initialize(boot: boot)
    PCI.archInit(boot: boot)
    ConsoleInput.initialize(port: .com1)
    Initrd.locate(boot)
    ProcFS.initialize(commandLine: boot.commandLineBytes())
    IPC.initialize()
    CPU.enableInterrupts()
    restInit(commandLine)
}

/// Linux's rest_init: pid 1 finishes booting in a thread of its own (it may
/// sleep), kthreadd becomes pid 2, and the boot code becomes the idle task.
private func restInit(_ commandLine: KernelCommandLine) -> Never {
    // init is to become a user process: its open files are its own.
    let initTask = KThreads.createUserModeThread(name: "init", sharesFS: true) {
        kernelInit(commandLine)
    }
    Scheduler.childReaper = initTask
    KThreads.startDaemon()
    Scheduler.wakeUpNewTask(initTask)
    Idle.loop()
}

/// Linux's kernel_init: the rest of boot, as pid 1, which then becomes
/// init: when this returns, the thread leaves for the program it loaded.
/// Self-tests power the machine off instead.
private func kernelInit(_ commandLine: KernelCommandLine) -> Int32 {
    Ksoftirqd.start()
    Workqueues.initialize()
    DeviceModel.initialize()
    KSysfs.initialize()
    ModuleSysfs.initialize()
    CpuDevices.initialize()
    PCI.initialize()
    MemDevices.initialize()
    MiscDevices.initialize()
    TtyDevice.initialize()
    registerFilesystems()
    MqueueFS.initialize()
    Initramfs.populateRootfs()
    Devtmpfs.mount()
    consoleOnRootfs()
    pr_info("Apus booted.")
    if let selection = commandLine.value(of: "apus.selftest") { runSelfTests(selection: selection) }
    InitProcess.start(commandLine)
    return 0
}

/// The filesystem types mount(2) knows (Linux: each filesystem's
/// init_*_fs initcall calling register_filesystem).
private func registerFilesystems() {
    let types: [any FileSystemType] = [
        Sysfs.FileSystem(), Ramfs.FileSystem(), Tmpfs.shared, Devtmpfs.FileSystem(), ProcFS.FileSystem(),
    ]
    for type in types {
        do throws(Errno) {
            try FileSystems.register(type)
        } catch {
            pr_err("VFS: cannot register \(type.name): error -\(error.rawValue)")
        }
    }
}

/// Parameters that take effect before anything else prints (Linux: early_param).
private func applyEarlyParameters(_ commandLine: KernelCommandLine) {
    Printk.consoleLogLevel.store(commandLine.consoleLogLevel, ordering: .relaxed)
    Panic.timeoutSeconds.store(commandLine.panicTimeout, ordering: .relaxed)
    Oops.panicOnOops.store(commandLine.panicOnOops, ordering: .relaxed)
}

private func onOff(_ flag: Bool) -> String { flag ? "yes" : "no" }
