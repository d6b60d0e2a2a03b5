import Builtin

/// Storage for a value that every CPU and interrupt handler reaches through a
/// `let`: the one place where the kernel tells the compiler that sharing is
/// safe (`@unchecked Sendable`) instead of the compiler proving it. The
/// public types around it (SpinLocked, IRQSafeLocked, BootOnce, PerCPU) are
/// what make that true: each hands the value out only inside a scope that
/// holds its lock, or only on its own CPU, or only after it was set for good.
/// Compare Asterinas's ostd, where SpinLock<T> owns an UnsafeCell<T>.
///
/// The value lives inline (a raw layout, as the standard library's Mutex
/// keeps its value), so a global of these needs no heap: the heap's own
/// state lives in them. Hold a closure inside a struct, never as the bare
/// value: Swift stores a generic function value re-abstracted, and an inout
/// access to it wraps it in a new thunk each time (checked: that frees the
/// closure still in use).
@_rawLayout(like: Value, movesAsLike)
struct SharedCell<Value>: ~Copyable, @unchecked Sendable {
    var pointer: UnsafeMutablePointer<Value> {
        unsafe UnsafeMutablePointer<Value>(Builtin.addressOfRawLayout(self))
    }

    init(_ value: consuming Value) { unsafe pointer.initialize(to: value) }

    deinit { unsafe pointer.deinitialize(count: 1) }
}
