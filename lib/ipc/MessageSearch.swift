import ABI

/// Which message msgrcv takes, from its msgtyp and flags (Linux: convert_mode
/// and testmsg in ipc/msg.c): the first message (msgtyp 0), the first of
/// type msgtyp, the first of another type (MSG_EXCEPT), or the first of the
/// lowest type up to -msgtyp (msgtyp < 0).
public enum MessageSearch: Equatable, Sendable {
    case any
    case equal(Int64)
    case notEqual(Int64)
    case lessOrEqual(Int64)

    public init(type: Int64, flags: IPCFlags) {
        if type == 0 {
            self = .any
        } else if type < 0 {
            // Linux: LONG_MIN has no negation and asks for any type.
            self = .lessOrEqual(type == Int64.min ? Int64.max : -type)
        } else {
            self = flags.contains(.MSG_EXCEPT) ? .notEqual(type) : .equal(type)
        }
    }

    /// The position in `types` (the queue's messages' types, oldest first)
    /// of the message to take, nil if none matches.
    public func select(_ types: some Collection<Int64>) -> Int? {
        var best: (offset: Int, type: Int64)? = nil
        for (offset, type) in types.enumerated() {
            switch self {
            case .any: return offset
            case .equal(let wanted): if type == wanted { return offset }
            case .notEqual(let unwanted): if type != unwanted { return offset }
            case .lessOrEqual(let limit):
                if type <= limit, type < best?.type ?? Int64.max { best = (offset, type) }
                // Nothing is lower than 1, the smallest type there is.
                if best?.type == 1 { return best?.offset }
            }
        }
        return best?.offset
    }
}
