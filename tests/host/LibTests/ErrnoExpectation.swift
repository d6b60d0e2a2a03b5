import ABI
import Testing

/// Expects `body` to fail with `expected`; a success or another error is
/// recorded at the caller's line.
func expectError(
    _ expected: Errno, _ sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(Errno) -> Void
) {
    do throws(Errno) {
        try body()
        Issue.record("expected \(expected), got success", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}
