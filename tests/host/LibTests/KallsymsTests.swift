import Testing

@testable import Lib

@Suite struct KallsymsTests {
    static let base: UInt64 = 0xffff_ffff_8000_0000
    static let symbols = [
        KernelSymbol(name: "start_kernel", address: base + 0x1000, size: 0x200),
        KernelSymbol(name: "Kernel.panic(_:)", address: base + 0x1200, size: 0x80),
        KernelSymbol(name: "memcpy", address: base + 0x2000, size: 0x40),
    ]

    static func table(_ symbols: [KernelSymbol] = symbols) throws -> KallsymsTable {
        try KallsymsTable(bytes: KallsymsTable.encode(symbols: symbols, base: base))
    }

    @Test func encodesTheDocumentedLayout() throws {
        let bytes = try KallsymsTable.encode(
            symbols: [KernelSymbol(name: "f", address: 0x1010, size: 0x20)], base: 0x1000)
        #expect(
            bytes == [
                0x4b, 0x53, 0x59, 0x4d,  // "KSYM"
                1, 0, 0, 0,  // count
                0x00, 0x10, 0, 0, 0, 0, 0, 0,  // base
                0x10, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0,  // offset, size, name offset
                UInt8(ascii: "f"), 0,  // names
            ])
    }

    @Test func roundTripsEverySymbol() throws {
        let table = try Self.table()
        #expect(table.count == 3)
        #expect(table.base == Self.base)
        for symbol in Self.symbols {
            let location = try #require(table.lookup(address: symbol.address))
            #expect(location.symbol.name == symbol.name)
            #expect(location.symbol.address == symbol.address)
            #expect(location.symbol.size == symbol.size)
            #expect(location.offset == 0)
        }
        // /proc/kallsyms lists them by index, in address order.
        #expect((0..<table.count).map { table.symbol(at: $0).name } == Self.symbols.map(\.name))
        #expect(table.symbol(at: 2).address == Self.base + 0x2000 && table.symbol(at: 2).size == 0x40)
    }

    @Test func findsAddressesInsideASymbol() throws {
        let table = try Self.table()
        let middle = try #require(table.lookup(address: Self.base + 0x121c))
        #expect(middle.symbol.name == "Kernel.panic(_:)")
        #expect(middle.offset == 0x1c)
        let lastByte = try #require(table.lookup(address: Self.base + 0x203f))
        #expect(lastByte.symbol.name == "memcpy")
        #expect(lastByte.offset == 0x3f)
    }

    @Test func rejectsAddressesNoSymbolCovers() throws {
        let table = try Self.table()
        #expect(table.lookup(address: Self.base + 0x1280) == nil)  // one past Kernel.panic
        #expect(table.lookup(address: Self.base + 0x2040) == nil)  // one past the last symbol
        #expect(table.lookup(address: Self.base + 0xfff) == nil)  // before the first
        #expect(table.lookup(address: 0) == nil)  // below the base
        #expect(table.lookup(address: UInt64.max) == nil)
    }

    @Test func sortsUnsortedInput() throws {
        let table = try Self.table(Self.symbols.reversed())
        #expect(table.lookup(address: Self.base + 0x1000)?.symbol.name == "start_kernel")
        #expect(table.lookup(address: Self.base + 0x1210)?.symbol.name == "Kernel.panic(_:)")
        #expect(table.lookup(address: Self.base + 0x2000)?.symbol.name == "memcpy")
    }

    @Test func prefersTheFirstAliasThatCoversTheAddress() throws {
        let table = try Self.table([
            KernelSymbol(name: "label", address: Self.base + 0x100, size: 0),
            KernelSymbol(name: "function", address: Self.base + 0x100, size: 0x10),
            KernelSymbol(name: "alias", address: Self.base + 0x100, size: 0x10),
        ])
        #expect(table.lookup(address: Self.base + 0x108)?.symbol.name == "function")
    }

    @Test func emptyTableFindsNothing() throws {
        let table = try Self.table([])
        #expect(table.count == 0)
        #expect(table.lookup(address: Self.base) == nil)
    }

    @Test func formatsLikeLinux() throws {
        let table = try Self.table()
        #expect(table.lookup(address: Self.base + 0x121c)?.description == "Kernel.panic(_:)+0x1c/0x80")
        #expect(table.lookup(address: Self.base + 0x1000)?.description == "start_kernel+0x0/0x200")
    }

    @Test func rejectsDamagedTables() throws {
        let good = try KallsymsTable.encode(symbols: Self.symbols, base: Self.base)
        #expect(throws: KallsymsError.truncated) { try KallsymsTable(bytes: []) }
        #expect(throws: KallsymsError.truncated) { try KallsymsTable(bytes: Array(good.prefix(15))) }
        // Entries cut short.
        #expect(throws: KallsymsError.truncated) { try KallsymsTable(bytes: Array(good.prefix(16 + 12 * 2))) }
        // String table cut short: the last name loses its NUL.
        #expect(throws: KallsymsError.unterminatedName) { try KallsymsTable(bytes: Array(good.dropLast())) }

        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        #expect(throws: KallsymsError.badMagic) { try KallsymsTable(bytes: badMagic) }

        var hugeCount = good
        hugeCount.replaceSubrange(4..<8, with: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: KallsymsError.truncated) { try KallsymsTable(bytes: hugeCount) }

        var badName = good
        badName.replaceSubrange(24..<28, with: [0xff, 0xff, 0, 0])  // first entry's name offset
        #expect(throws: KallsymsError.nameOutOfBounds) { try KallsymsTable(bytes: badName) }

        var unsorted = good
        unsorted.replaceSubrange(28..<32, with: [0, 0, 0, 0])  // second entry's address offset
        #expect(throws: KallsymsError.unsorted) { try KallsymsTable(bytes: unsorted) }
    }

    @Test func refusesSymbolsTheFormatCannotHold() {
        #expect(throws: KallsymsError.addressOutOfRange) {
            try KallsymsTable.encode(symbols: [KernelSymbol(name: "low", address: 0x10, size: 1)], base: 0x20)
        }
        #expect(throws: KallsymsError.addressOutOfRange) {
            try KallsymsTable.encode(symbols: [KernelSymbol(name: "far", address: 1 << 32, size: 1)], base: 0)
        }
        #expect(throws: KallsymsError.sizeTooLarge) {
            try KallsymsTable.encode(symbols: [KernelSymbol(name: "big", address: 0, size: 1 << 32)], base: 0)
        }
        #expect(throws: KallsymsError.nameContainsNUL) {
            try KallsymsTable.encode(symbols: [KernelSymbol(name: "a\u{0}b", address: 0, size: 1)], base: 0)
        }
    }
}
