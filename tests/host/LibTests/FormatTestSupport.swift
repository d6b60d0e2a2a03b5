import ABI
import Foundation

@testable import Lib

/// Programs on the host that produce real inputs for the parsers: compilers,
/// readelf, cpio. Tests that need a missing one are disabled, with a reason.
enum HostTool {
    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let errorOutput: String
        var description: String { "\(command) exited with \(status): \(errorOutput)" }
    }

    static func isInstalled(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    /// Runs `name` with `arguments` in `directory` and returns what it wrote
    /// to standard output; a non-zero exit status throws.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> [UInt8] {
        // Standard error goes to a file, so that a tool writing much of it
        // cannot block while this reads standard output.
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("apus-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                command: ([name] + arguments).joined(separator: " "), status: process.terminationStatus,
                errorOutput: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
        }
        return Array(outputData)
    }

    /// A fresh empty directory; the caller removes it.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("apus-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

/// A `ByteSource` that remembers every read, to show that parsers fetch only
/// the pieces they need, and that can be told to fail like a broken disk.
final class RecordingSource: ByteSource {
    let bytes: [UInt8]
    private(set) var reads: [(offset: Int, count: Int)] = []
    /// Reads starting at this offset fail with EIO.
    var failingOffset: Int?
    /// Reads return one byte less than asked, like a file shrunk under the reader.
    var returnsShortReads = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        reads.append((offset, count))
        if offset == failingOffset { throw .EIO }
        let result = try bytes.read(at: offset, count: count)
        return returnsShortReads ? Array(result.dropLast()) : result
    }

    var bytesRead: Int { reads.reduce(0) { $0 + $1.count } }
}

extension Array where Element == UInt8 {
    /// Stores `value` least significant byte first, as ELF on x86-64 does.
    mutating func setLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<T.bitWidth / 8 {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
        }
    }
}
