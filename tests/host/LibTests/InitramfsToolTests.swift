import Foundation
import Testing

@testable import Lib

/// The archives `tools/mkinitramfs` writes for `make run` and the user-space tests, read with
/// the kernel's own gzip and cpio code. (The tool's layout is checked in detail by
/// tools/test/test_mkinitramfs.py; this is the proof that the kernel accepts it.)
@Suite(.enabled(if: HostTool.isInstalled("python3"), "needs python3"))
struct InitramfsToolTests {
    static let tool = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/mkinitramfs").path

    @Test func kernelReadsAGzippedArchive() throws {
        let directory = try HostTool.temporaryDirectory("mkinitramfs")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = FileManager.default
        for name in ["bin", "dev", "etc"] {
            try files.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let initScript = Array("#!/bin/sh\nexec /bin/sh\n".utf8)
        #expect(
            files.createFile(
                atPath: directory.appendingPathComponent("init").path,
                contents: Data(initScript), attributes: [.posixPermissions: 0o755]))
        #expect(
            files.createFile(
                atPath: directory.appendingPathComponent("etc/group").path,
                contents: Data("root:x:0:\n".utf8), attributes: [.posixPermissions: 0o644]))
        try files.createSymbolicLink(
            atPath: directory.appendingPathComponent("bin/sh").path,
            withDestinationPath: "/bin/busybox")

        let compressed = try HostTool.run(
            "python3",
            [
                Self.tool, "--gzip", "--node", "/dev/console,c,5,1,0600", directory.path, "-o", "-",
            ])
        let archive = try Gzip.decompress(compressed)
        let (entries, error) = readAll(archive)
        #expect(error == nil)
        #expect(
            entries.map { String(decoding: $0.name, as: UTF8.self) }
                == ["bin", "bin/sh", "dev", "dev/console", "etc", "etc/group", "init"])
        #expect(
            entries.map(\.fileType) == [
                .directory, .symbolicLink, .directory, .characterDevice,
                .directory, .regular, .regular,
            ])
        #expect(entries.allSatisfy { $0.userID == 0 && $0.groupID == 0 && $0.modificationTime == 0 })
        let console = entries[3], initEntry = entries[6]
        #expect(console.rdevMajor == 5 && console.rdevMinor == 1 && console.permissions == 0o600)
        #expect(initEntry.permissions == 0o755 && Array(archive[initEntry.data]) == initScript)
        #expect(Array(archive[entries[1].data]) == Array("/bin/busybox".utf8))
    }
}
