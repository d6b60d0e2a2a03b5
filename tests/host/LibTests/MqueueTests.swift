import ABI
import Testing

@testable import Lib

@Suite struct MqueueTests {
    @Test func highestPriorityFirstThenInOrderOfSending() {
        var messages = MqueueMessages()
        messages.insert([1], priority: 0)
        messages.insert([2], priority: 5)
        messages.insert([3, 3], priority: 0)
        messages.insert([4], priority: 5)
        messages.insert([5], priority: 9)
        #expect(messages.count == 5 && messages.bytes == 6)
        let order = (0..<5).compactMap { _ in messages.removeFirst() }
        #expect(order.map { $0.text[0] } == [5, 2, 4, 1, 3])
        #expect(order.map { $0.priority } == [9, 5, 5, 0, 0])
        #expect(messages.isEmpty && messages.bytes == 0 && messages.removeFirst() == nil)
    }

    private func attributes(_ messages: Int64, _ bytes: Int64) -> MqAttr {
        var attributes = MqAttr()
        attributes.mq_maxmsg = messages
        attributes.mq_msgsize = bytes
        return attributes
    }

    @Test func sizesWithinTheLimitsOrTheHardOnesForThePrivileged() throws {
        var limits = MqueueLimits()
        #expect(try limits.size(of: nil, privileged: false) == (10, 8192))
        limits.messagesDefault = 20
        #expect(try limits.size(of: nil, privileged: false) == (10, 8192))
        #expect(try limits.size(of: attributes(10, 8192), privileged: false) == (10, 8192))
        expectError(.EINVAL) { () throws(Errno) in _ = try limits.size(of: attributes(11, 10), privileged: false) }
        expectError(.EINVAL) { () throws(Errno) in _ = try limits.size(of: attributes(1, 8193), privileged: false) }
        expectError(.EINVAL) { () throws(Errno) in _ = try limits.size(of: attributes(0, 10), privileged: true) }
        expectError(.EINVAL) { () throws(Errno) in _ = try limits.size(of: attributes(5, -1), privileged: true) }
        #expect(try limits.size(of: attributes(65536, 16 << 20), privileged: true) == (65536, 16 << 20))
        expectError(.EINVAL) { () throws(Errno) in _ = try limits.size(of: attributes(65537, 1), privileged: true) }
    }

    @Test func chargeCountsMessagesAndBookkeeping() {
        #expect(MqueueLimits.charge(messages: 10, bytes: 8192) == 81920 + 480 + 480)
        #expect(MqueueLimits.charge(messages: 65536, bytes: 1) == 65536 + 65536 * 48 + 32768 * 48)
    }
}
