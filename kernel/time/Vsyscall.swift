import Core
import Lib

/// Keeps the vDSO's data page ([vvar], struct vdso_data in
/// arch/x86_64/entry/vdso/vdso_data.h) in step with the clocks (Linux:
/// kernel/time/vsyscall.c update_vsyscall, with vdso_write_begin/end).
/// CLOCK_MONOTONIC is a function of the TSC alone, so the page changes only
/// when the clock is calibrated and when CLOCK_REALTIME or the time zone is
/// set. While it changes its sequence count is odd and readers retry.
enum Vsyscall {
    /// struct vdso_data's fields, by byte offset (vdso_data.h checks them).
    private enum Field {
        static let sequenceAndClockMode = 0
        static let cycleLast = 8
        static let mult = 16
        static let shift = 24
        static let realtimeOffset = 32
        static let tickNanoseconds = 40
        static let timezone = 48
    }
    /// VDSO_CLOCKMODE_TSC: the vDSO may read the TSC (else it makes the system call).
    private static let clockModeTSC: UInt64 = 1
    /// The sequence count (Linux: vdso_data->seq); its lock orders writers.
    private static let sequence = IRQSafeLocked<UInt32>(0)

    /// Rewrites the page from the clocks' present state; a no-op before
    /// the vDSO exists. Each store is one call into Core and x86 keeps
    /// stores in order, so readers see the odd count before any field.
    static func update() {
        guard let page = VDSO.dataPage else { return }
        let conversion = Clock.conversion
        let clockMode = conversion == nil ? 0 : clockModeTSC
        sequence.withLock { sequence in
            sequence &+= 1
            page.store64(UInt64(sequence) | clockMode << 32, at: Field.sequenceAndClockMode)
            page.store64(conversion?.tscAtBoot ?? 0, at: Field.cycleLast)
            page.store64(conversion?.mult ?? 0, at: Field.mult)
            page.store64(Clock.shift, at: Field.shift)
            page.store64(UInt64(bitPattern: Timekeeping.currentRealtimeOffset), at: Field.realtimeOffset)
            page.store64(UInt64(Timekeeping.coarseResolution), at: Field.tickNanoseconds)
            let zone = Timekeeping.timezone
            page.store64(
                UInt64(UInt32(bitPattern: zone.tz_minuteswest)) | UInt64(UInt32(bitPattern: zone.tz_dsttime)) << 32,
                at: Field.timezone)
            sequence &+= 1
            page.store64(UInt64(sequence) | clockMode << 32, at: Field.sequenceAndClockMode)
        }
    }
}
