/// Why a DEFLATE stream was rejected. The input is untrusted (an initramfs
/// is whatever the boot loader loaded), so every inconsistency is reported
/// rather than trapped on (Linux: the Z_DATA_ERROR cases of
/// lib/zlib_inflate/inflate.c, whose `strm->msg` strings these follow).
public enum InflateError: Error, Equatable, Sendable {
    /// The input ended before the final block did.
    case truncatedInput
    /// A block header has BTYPE 11, which RFC 1951 reserves.
    case invalidBlockType
    /// A stored block's LEN is not the complement of its NLEN.
    case storedLengthMismatch
    /// A dynamic block declares more than 286 literal/length or 30
    /// distance codes.
    case tooManyLengthOrDistanceSymbols
    /// A code-length "repeat previous" (16) came before any length.
    case repeatWithoutPreviousLength
    /// A code-length repeat runs past the number of lengths declared.
    case codeLengthRepeatTooLong
    /// A dynamic block gives the end-of-block symbol (256) no code.
    case missingEndOfBlockCode
    /// The code lengths ask for more codes than there are bit patterns.
    case overSubscribedCode
    /// The code lengths leave bit patterns unused where RFC 1951 requires a
    /// complete code.
    case incompleteCode
    /// The input bits match no code (possible only in an incomplete code).
    case invalidCode
    /// A literal/length symbol of 286 or 287, or a distance symbol of 30
    /// or 31: the fixed code has them, but they mean nothing.
    case invalidSymbol
    /// A back-reference reaches before the start of the stream's output.
    case distanceTooFarBack
    /// The output would grow past the caller's limit.
    case outputLimitExceeded
}
