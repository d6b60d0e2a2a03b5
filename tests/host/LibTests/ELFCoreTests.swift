import Testing

@testable import Lib

@Test func coreHeadLaysOutNotesAndSegments() {
    let notes = [
        ELFCore.Note(type: ELFCore.NT_PRSTATUS, descriptor: [UInt8](repeating: 7, count: 336)),
        ELFCore.Note(name: "LINUX", type: 0x202, descriptor: [1, 2, 3]),
    ]
    let segments = [
        ELFCore.Segment(address: 0x40_0000, memorySize: 0x3000, fileSize: 0x1000, permissions: [.read, .execute]),
        ELFCore.Segment(address: 0x60_0000, memorySize: 0x2000, fileSize: 0x2000, permissions: [.read, .write]),
    ]
    let (bytes, offsets) = ELFCore.head(notes: notes, segments: segments, pageSize: 4096)
    #expect(Array(bytes[0..<8]) == [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
    #expect(bytes.loadLittleEndian(UInt16.self, at: 16) == 4)  // ET_CORE
    #expect(bytes.loadLittleEndian(UInt16.self, at: 18) == 62)  // EM_X86_64
    #expect(bytes.loadLittleEndian(UInt16.self, at: 56) == 3)  // PT_NOTE + 2 PT_LOAD
    #expect(bytes.count == 4096 && offsets == [4096, 8192])
    let note = ELFProgramHeader(decoding: bytes, at: 64)
    #expect(note.type == .note && note.fileOffset == 64 + 3 * 56)
    // "CORE\0" pads to 8, "LINUX\0" to 8, 3 bytes of contents to 4.
    let noteBytes: UInt64 = 12 + 8 + 336 + 12 + 8 + 4
    #expect(note.fileSize == noteBytes)
    let second = ELFProgramHeader(decoding: bytes, at: 64 + 2 * 56)
    #expect(second.type == .load && second.fileOffset == 8192 && second.virtualAddress == 0x60_0000)
    #expect(second.fileSize == 0x2000 && second.memorySize == 0x2000 && second.permissions == [.read, .write])
    let notesStart = Int(note.fileOffset)
    #expect(bytes.loadLittleEndian(UInt32.self, at: notesStart) == 5)  // namesz of "CORE"
    #expect(bytes.loadLittleEndian(UInt32.self, at: notesStart + 4) == 336)
    #expect(Array(bytes[(notesStart + 12)..<(notesStart + 17)]) == Array("CORE\0".utf8))
}

@Test func prstatusAndPrpsinfoFieldsSitWhereElfcoreHasThem() {
    let registers: ELFCore.Registers = (0..<27).map { UInt64($0) * 0x100 }
    let status = ELFCore.processStatus(
        signal: 11, code: 1, errno: 0, pending: 0x10, blocked: 0x20, pid: 42, ppid: 1, pgrp: 42, sid: 7,
        userMicroseconds: 2_500_000, systemMicroseconds: 3, registers: registers)
    #expect(status.count == 336)
    #expect(status.loadLittleEndian(Int16.self, at: 12) == 11)
    #expect(status.loadLittleEndian(UInt64.self, at: 24) == 0x20)
    #expect(status.loadLittleEndian(Int32.self, at: 32) == 42 && status.loadLittleEndian(Int32.self, at: 44) == 7)
    #expect(
        status.loadLittleEndian(UInt64.self, at: 48) == 2 && status.loadLittleEndian(UInt64.self, at: 56) == 500_000)
    #expect(status.loadLittleEndian(UInt64.self, at: 112 + 16 * 8) == 0x1000)  // rip
    #expect(status.loadLittleEndian(Int32.self, at: 328) == 1)
    let info = ELFCore.processInfo(
        state: 0, stateLetter: UInt8(ascii: "R"), nice: 0, flags: 0, uid: 1000, gid: 100, pid: 42, ppid: 1,
        pgrp: 42, sid: 7, command: "crasher", arguments: Array("crasher\0-x\0".utf8))
    #expect(info.count == 136 && info[1] == UInt8(ascii: "R"))
    #expect(info.loadLittleEndian(UInt32.self, at: 16) == 1000 && info.loadLittleEndian(Int32.self, at: 24) == 42)
    #expect(Array(info[40..<48]) == Array("crasher\0".utf8))
    #expect(Array(info[56..<67]) == Array("crasher -x\0".utf8))
}

@Test func coreNamesExpandLinuxSpecifiers() {
    var facts = CoreName()
    facts.pid = 12
    facts.tid = 13
    facts.uid = 1000
    facts.signal = 6
    facts.seconds = 1_700_000_000
    facts.hostname = Array("box".utf8)
    facts.command = Array("a/b".utf8)
    facts.executablePath = Array("/usr/bin/prog".utf8)
    facts.coreLimit = UInt64.max
    #expect(facts.format(Array("core".utf8)) == Array("core".utf8))
    #expect(facts.format(Array("core.%p.%i.%u.%s".utf8)) == Array("core.12.13.1000.6".utf8))
    #expect(facts.format(Array("%e-%E-%f-%h-%t".utf8)) == Array("a!b-!usr!bin!prog-prog-box-1700000000".utf8))
    #expect(facts.format(Array("100%%-%q-%c%".utf8)) == Array("100%--18446744073709551615".utf8))
}
