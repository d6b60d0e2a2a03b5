import ABI

/// The limits of POSIX message queues that /proc/sys/fs/mqueue shows and
/// sets (Linux: the mq_* fields of struct ipc_namespace and
/// ipc/mq_sysctl.c), and the checks a new queue's attributes pass.
public struct MqueueLimits: Sendable {
    /// queues_max: how many queues may exist, except for CAP_SYS_RESOURCE (Linux: DFLT_QUEUESMAX).
    public var queuesMax: Int64 = 256
    /// msg_max and msgsize_max: the largest mq_maxmsg and mq_msgsize a
    /// process without CAP_SYS_RESOURCE may ask for (Linux: DFLT_MSGMAX, DFLT_MSGSIZEMAX).
    public var messagesMax: Int64 = 10
    public var messageSizeMax: Int64 = 8192
    /// msg_default and msgsize_default: a queue's size when mq_open gives
    /// no attributes, each capped by its maximum (Linux: DFLT_MSG, DFLT_MSGSIZE).
    public var messagesDefault: Int64 = 10
    public var messageSizeDefault: Int64 = 8192

    /// What nobody may exceed, and the sysctls' bounds (Linux: HARD_MSGMAX,
    /// HARD_MSGSIZEMAX, MIN_MSGMAX, MIN_MSGSIZEMAX).
    public static let hardMessagesMax: Int64 = 65536
    public static let hardMessageSizeMax: Int64 = 16 * 1024 * 1024
    public static let messagesRange: ClosedRange<Int64> = 1...hardMessagesMax
    public static let messageSizeRange: ClosedRange<Int64> = 128...hardMessageSizeMax
    /// queues_max takes any int (Linux: proc_dointvec).
    public static let queuesRange: ClosedRange<Int64> = 0...Int64(Int32.max)

    /// The bytes of kernel bookkeeping Linux counts for each message
    /// (sizeof(struct msg_msg)) and each priority in use (sizeof(struct
    /// posix_msg_tree_node)), on x86-64.
    private static let messageOverhead: Int64 = 48
    private static let priorityOverhead: Int64 = 48
    /// Linux: MQ_PRIO_MAX, the first priority mq_send refuses.
    public static let priorityLimit: UInt32 = 32768

    public init() {}

    /// A new queue's (mq_maxmsg, mq_msgsize): `requested`'s if given, which
    /// must be positive and within msg_max and msgsize_max, or the hard
    /// limits for CAP_SYS_RESOURCE (EINVAL; Linux: mq_attr_ok); else the
    /// defaults.
    public func size(of requested: MqAttr?, privileged: Bool) throws(Errno) -> (messages: Int64, bytes: Int64) {
        guard let requested else {
            return (min(messagesMax, messagesDefault), min(messageSizeMax, messageSizeDefault))
        }
        let messages = requested.mq_maxmsg
        let bytes = requested.mq_msgsize
        guard messages > 0, bytes > 0 else { throw .EINVAL }
        let (messagesLimit, bytesLimit) =
            privileged ? (Self.hardMessagesMax, Self.hardMessageSizeMax) : (messagesMax, messageSizeMax)
        guard messages <= messagesLimit, bytes <= bytesLimit else { throw .EINVAL }
        return (messages, bytes)
    }

    /// What a queue of that size is charged against its creator's
    /// RLIMIT_MSGQUEUE (Linux: mq_bytes in mqueue_get_inode): every message
    /// at its largest, and the bookkeeping for each message and priority.
    /// The sizes are within the hard limits, so this cannot overflow.
    public static func charge(messages: Int64, bytes: Int64) -> UInt64 {
        let bookkeeping = messages * messageOverhead + min(messages, Int64(priorityLimit)) * priorityOverhead
        return UInt64(messages * bytes + bookkeeping)
    }
}
