import ABI
import Core
import Kernel
import Lib

/// The initramfs unpacker against a malformed corpus, in the kernel itself
/// (issue 9): seeded mutations of a valid archive, raw and in a gzip
/// member, each unpacked into a directory of its own on a scratch ramfs.
/// Every one must end in success or one of Linux's reasons, never a trap;
/// no name may land outside the directory it was unpacked into (`..` and
/// absolute names stay inside, as at the root of rootfs); and the VFS must
/// work afterwards. The host's ParserFuzzTests cover the parsers alone;
/// this covers what the kernel does with what they let through.
enum InitramfsCorpusTests {
    static let cases = 500
    static let seed: UInt64 = 0x1A17_F5C0_4A05

    /// The reasons Initramfs may give (init/Initramfs.swift, Linux's error() texts).
    static let reasons: [String] = [
        "no cpio magic", "incorrect cpio method used: use -H newc option", "broken padding",
        "bad data checksum", "truncated archive", "read error", "malformed archive",
        "invalid magic at start of compressed archive", "decompressor failed", "junk within compressed archive",
    ]

    static func run(_ t: inout TestReporter) {
        let base = "/selftest-corpus"
        do throws(Errno) {
            try VFS.mkdir(VFSTests.b(base), mode: 0o755)
            try VFS.mount(Ramfs.makeSuperBlock(), at: VFSTests.b(base))
        } catch {
            t.check(false, "initramfs corpus: a scratch ramfs at \(base) (errno \(error.rawValue))")
            return
        }
        let template = templateArchive()
        // The template itself: `..` and absolute names land inside the directory.
        var intact: [String] = []
        if (try? VFS.mkdir(VFSTests.b("\(base)/template"), mode: 0o755)) != nil,
            let root = try? VFS.lookup(VFSTests.b("\(base)/template"))
        {
            _ = Initramfs.unpack(template, into: root)
            intact = names(in: "\(base)/template")
        }
        t.check(
            intact.sorted() == ["absolute", "dir", "escape"],
            "initramfs corpus: the template unpacks with ../escape and /absolute inside its directory (\(intact.joined(separator: " ")))"
        )
        var random = TestRandom(seed: seed)
        var unknownReasons: [String] = []
        var succeeded = 0
        var failed = 0
        var escaped = 0
        var unusable = 0
        for index in 0..<cases {
            let mutated = mutate(template, &random)
            let input = index % 2 == 0 ? mutated : VFSTests.storedGzip(mutated)
            let directory = "\(base)/\(index)"
            guard (try? VFS.mkdir(VFSTests.b(directory), mode: 0o755)) != nil,
                let root = try? VFS.lookup(VFSTests.b(directory))
            else {
                unusable += 1
                continue
            }
            let (_, failure) = Initramfs.unpack(input, into: root)
            if let failure {
                failed += 1
                if !reasons.contains(failure) && unknownReasons.count < 3 { unknownReasons.append(failure) }
            } else {
                succeeded += 1
            }
            if names(in: base).count != index + 2 { escaped += 1 }
        }
        t.check(
            unusable == 0, "initramfs corpus: each of \(cases) cases gets a directory (\(unusable) did not)")
        t.check(
            unknownReasons.isEmpty,
            "initramfs corpus: every failure gives one of Linux's reasons (others: \(unknownReasons.joined(separator: "; ")))"
        )
        t.check(
            succeeded > 0 && failed > 0,
            "initramfs corpus: the mutations reach both outcomes (\(succeeded) unpacked, \(failed) refused)")
        t.check(escaped == 0, "initramfs corpus: no entry lands outside its directory (\(escaped) cases did)")
        let probe = VFSTests.b("\(base)/after")
        let works =
            (try? VFSTests.write(VFSTests.b("still works"), to: "\(base)/after")) != nil
            && (try? VFS.open(probe, flags: [.O_RDONLY]).read(count: 64)) == VFSTests.b("still works")
        t.check(works, "initramfs corpus: the VFS writes and reads a file afterwards")
    }

    /// Every kind of entry, and names that try to leave the root.
    static func templateArchive() -> [UInt8] {
        var archive = CpioBuilder()
        archive.add(".", mode: FileMode.S_IFDIR | 0o755)
        archive.add("dir", mode: FileMode.S_IFDIR | 0o751, mtime: 1_000_000)
        archive.add("dir/hard", mode: FileMode.S_IFREG | 0o640, ino: 7, nlink: 2)
        archive.add(
            "dir/file", mode: FileMode.S_IFREG | 0o640, data: (0..<700).map { UInt8(truncatingIfNeeded: $0) }, ino: 7,
            nlink: 2)
        archive.add("dir/link", mode: FileMode.S_IFLNK | 0o777, data: VFSTests.b("../dir/file"))
        archive.add("dir/null", mode: FileMode.S_IFCHR | 0o666, rdevMajor: 1, rdevMinor: 3)
        archive.add("dir/fifo", mode: FileMode.S_IFIFO | 0o644)
        archive.add("../escape", mode: FileMode.S_IFREG | 0o644, data: VFSTests.b("up"))
        archive.add("/absolute", mode: FileMode.S_IFREG | 0o644, data: VFSTests.b("abs"))
        archive.add("TRAILER!!!", mode: 0)
        var second = CpioBuilder()
        second.add("dir/second", mode: FileMode.S_IFREG | 0o600, data: VFSTests.b("second archive"))
        second.add("TRAILER!!!", mode: 0)
        return archive.bytes + second.bytes
    }

    /// One to four of: a bit flip, an extreme byte, a header field set to an
    /// extreme hexadecimal value, a cut, a repeated slice.
    static func mutate(_ template: [UInt8], _ random: inout TestRandom) -> [UInt8] {
        var bytes = template
        let headers = headerOffsets(template)
        for _ in 0...random.below(4) where !bytes.isEmpty {
            switch random.below(5) {
            case 0:
                bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8))
            case 1:
                bytes[random.below(bytes.count)] = [0x00, 0xff, 0x7f, 0x80, 0x30, 0x2f][random.below(6)]
            case 2:
                let field = headers[random.below(headers.count)] + 6 + 8 * random.below(13)
                let values = ["FFFFFFFF", "7FFFFFFF", "80000000", "00000000", "00000001", "0000FFFF", "zz000000"]
                let value = Array(values[random.below(values.count)].utf8)
                for (offset, digit) in value.enumerated() where field + offset < bytes.count {
                    bytes[field + offset] = digit
                }
            case 3:
                bytes.removeLast(random.below(bytes.count))
            default:
                let start = random.below(bytes.count)
                let end = min(bytes.count, start + 1 + random.below(200))
                bytes.insert(contentsOf: bytes[start..<end], at: random.below(bytes.count))
            }
        }
        return bytes
    }

    /// Where the template's headers start (its "070701" magics).
    static func headerOffsets(_ bytes: [UInt8]) -> [Int] {
        let magic = Array("070701".utf8)
        return stride(from: 0, to: bytes.count - magic.count, by: 4).filter {
            Array(bytes[$0..<$0 + magic.count]) == magic
        }
    }

    /// The names directly in `directory`, but for "." and "..".
    static func names(in directory: String) -> [String] {
        guard let listing = try? VFS.open(VFSTests.b(directory + "/"), flags: [.O_RDONLY, .O_DIRECTORY]) else {
            return []
        }
        var found: [String] = []
        while let entries = try? listing.readDirectory(fitting: 4096), !entries.isEmpty {
            for entry in entries {
                let name = String(decoding: entry.d_name, as: UTF8.self)
                if name != "." && name != ".." { found.append(name) }
            }
        }
        return found
    }
}
