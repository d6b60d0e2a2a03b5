/// The messages of a POSIX message queue (Linux: the priority tree of
/// ipc/mqueue.c, msg_insert and msg_get): received highest priority first
/// and, within a priority, in the order they were sent.
public struct MqueueMessages {
    /// Highest priority first; each priority's messages oldest first.
    private var queue: [(priority: UInt32, text: [UInt8])] = []
    /// The bytes of all messages: /dev/mqueue's QSIZE.
    public private(set) var bytes = 0

    public init() {}

    public var count: Int { queue.count }
    public var isEmpty: Bool { queue.isEmpty }

    /// Adds a message behind every message of its priority or higher.
    public mutating func insert(_ text: [UInt8], priority: UInt32) {
        let index = queue.firstIndex { $0.priority < priority } ?? queue.count
        queue.insert((priority, text), at: index)
        bytes += text.count
    }

    /// Takes the next message to receive, nil if there is none.
    public mutating func removeFirst() -> (priority: UInt32, text: [UInt8])? {
        guard !queue.isEmpty else { return nil }
        let message = queue.removeFirst()
        bytes -= message.text.count
        return message
    }
}
