/// A value set once, then only read (Linux: the __ro_after_init variables
/// that boot code fills in). It is set while one CPU runs, before anything
/// that reads it starts, so reading needs no lock; setting it twice is a bug.
/// `BootOnce(value)` is a singleton set at its first use.
public struct BootOnce<Value>: ~Copyable, Sendable {
    private let cell: SharedCell<Value?>

    public init() { cell = SharedCell(nil) }
    public init(_ value: consuming Value) { cell = SharedCell(value) }

    public borrowing func set(_ value: Value) {
        guard unsafe cell.pointer.pointee == nil else { fatalError("BootOnce: set twice") }
        unsafe cell.pointer.pointee = value
    }

    /// The value; reading it before boot set it is a bug.
    public var value: Value {
        guard let value = unsafe cell.pointer.pointee else { fatalError("BootOnce: read before it was set") }
        return value
    }

    /// The value, or nil while boot has not set it yet.
    public var valueIfSet: Value? { unsafe cell.pointer.pointee }
}
