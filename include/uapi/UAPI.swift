// The structures that cross the user/kernel boundary are C, in
// include/uapi/linux: clang lays them out as Linux's C headers do, so their
// sizes and offsets are the compiler's, not hand-written (tests/host checks
// them against the system's Linux headers). The ABI module re-exports them
// with the Swift conveniences in the files beside this one.
@_exported import UAPI
