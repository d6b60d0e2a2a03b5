import ABI

/// Limits on path names — Linux's include/uapi/linux/limits.h.
public enum PathLimits {
    /// NAME_MAX: the longest component, in bytes.
    public static let nameMax = 255
    /// PATH_MAX: the size of the buffer a path is copied into, its NUL
    /// included, so a path has at most `pathMax - 1` bytes.
    public static let pathMax = 4096
}

/// One step of a path: what lies between two slashes. Linux classifies the
/// last component of a walk the same way (nd->last_type: LAST_NORM,
/// LAST_DOT, LAST_DOTDOT, LAST_ROOT), because syscalls such as mkdir, rmdir
/// and rename answer "." and ".." with different errors.
public enum PathComponent: Equatable, Sendable {
    /// An ordinary name, to be looked up in a directory: the bytes of the
    /// path itself, not a copy, so walking a path allocates nothing per
    /// component.
    case name(ArraySlice<UInt8>)
    /// ".": the directory itself.
    case dot
    /// "..": the directory's parent.
    case dotDot
    /// No component at all: the path was only slashes, meaning the root.
    case root

    init(_ bytes: ArraySlice<UInt8>) {
        if bytes.elementsEqual([PathCursor.dot]) {
            self = .dot
        } else if bytes.elementsEqual([PathCursor.dot, PathCursor.dot]) {
            self = .dotDot
        } else {
            self = .name(bytes)
        }
    }
}

/// A component together with whether a slash came after it, which for the
/// last component of a path means "this must be a directory".
struct ScannedComponent {
    var component: PathComponent
    var isFollowedBySlash: Bool
}

/// A reading position in a path or a symlink's body, handing out one
/// component at a time — the scanning half of Linux's link_path_walk.
/// Runs of slashes count as one, so "a//b/" has the components "a" and "b".
struct PathCursor {
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether the path is absolute, to be walked from the root.
    var startsAtRoot: Bool { bytes.first == Self.slash }

    /// Whether no component is left.
    var isAtEnd: Bool { position == bytes.count }

    mutating func skipSlashes() {
        while position < bytes.count && bytes[position] == Self.slash { position += 1 }
    }

    /// Takes the component at the position, which must not be at the end or
    /// at a slash, and the slashes after it. ENAMETOOLONG past NAME_MAX.
    mutating func takeComponent() throws(Errno) -> ScannedComponent {
        let start = position
        while position < bytes.count && bytes[position] != Self.slash { position += 1 }
        guard position - start <= PathLimits.nameMax else { throw .ENAMETOOLONG }
        let name = bytes[start..<position]
        let isFollowedBySlash = position < bytes.count
        skipSlashes()
        return ScannedComponent(component: PathComponent(name), isFollowedBySlash: isFollowedBySlash)
    }
}
