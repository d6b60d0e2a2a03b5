// swift-tools-version: 6.2
// Host build of Apus's hardware-independent layers: the same files the kernel
// compiles, here built for Linux and checked with `swift test`.
import PackageDescription

let strict: [SwiftSetting] = [.strictMemorySafety(), .unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "Apus",
    targets: [
        // The ABI's C structures: a module map and headers, nothing to compile.
        .systemLibrary(name: "UAPI", path: "include/uapi/linux"),
        .target(name: "ABI", dependencies: ["UAPI"], path: "include/uapi", exclude: ["linux"], swiftSettings: strict),
        .target(name: "Lib", dependencies: ["ABI"], path: "lib", swiftSettings: strict),
        .testTarget(name: "LibTests", dependencies: ["Lib", "ABI"], path: "tests/host/LibTests"),
    ]
)
