// swift-tools-version: 6.2
// Host build of Apus's hardware-independent layers: the same files the kernel
// compiles, here built for Linux and checked with `swift test`.
import PackageDescription

let strict: [SwiftSetting] = [.strictMemorySafety(), .unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "Apus",
    targets: [
        .target(name: "ABI", path: "include/uapi", swiftSettings: strict),
        .target(name: "Lib", dependencies: ["ABI"], path: "lib", swiftSettings: strict),
        .testTarget(name: "LibTests", dependencies: ["Lib", "ABI"], path: "tests/host/LibTests"),
    ]
)
