// The textbook hello module in Swift (modules/hello-c/hello.c in C): a file
// /proc/hello_proc that reads a greeting and logs the size of each write.
import Linux

let moduleInfo = ModuleInfo(
    license: "GPL",
    author: "Your Name",
    description: "Hello World kernel module with proc interface",
    version: "1.0"
)

let helloProc = ProcEntry(
    "hello_proc", mode: 0o666,
    read: { _, buffer, count, position in
        UserBuffer(buffer, count: count).read("Hello from kernel module!\n", position: position)
    },
    write: { _, _, count, _ in
        printk(.info, "Hello module: received \(count) bytes")
        return count
    })

@c(init_module)
func helloInit() -> Int32 {
    printk(.info, "Hello module: initializing")
    guard helloProc.create() else {
        printk(.err, "Hello module: failed to create proc entry")
        return -ENOMEM
    }
    printk(.info, "Hello module: loaded successfully")
    return 0
}

@c(cleanup_module)
func helloExit() {
    helloProc.remove()
    printk(.info, "Hello module: unloaded")
}
