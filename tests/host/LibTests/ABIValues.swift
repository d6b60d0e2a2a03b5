import ABI

// The ABI structures are C (include/uapi/linux) and not Equatable: the
// kernel never compares them whole. The tests compare their bytes.

/// A value's bytes, as a copy to user memory takes them.
func bytes<T: BitwiseCopyable>(of value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// Whether two values hold the same bytes: every field, and the named
/// padding, which every initialiser zeroes.
func sameBytes<T: BitwiseCopyable>(_ a: T, _ b: T) -> Bool {
    bytes(of: a) == bytes(of: b)
}
