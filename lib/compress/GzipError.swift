/// Why a gzip file was rejected (Linux: the error() messages of
/// lib/decompress_inflate.c __gunzip, such as "Not a gzip file").
public enum GzipError: Error, Equatable, Sendable {
    /// The input does not start with the gzip magic bytes 1f 8b.
    case notGzip
    /// The compression method byte is not 8 (DEFLATE), the only one
    /// RFC 1952 defines.
    case unsupportedCompressionMethod(UInt8)
    /// A reserved flag bit is set; RFC 1952 requires an error, as the bit
    /// may announce a field this decoder would not know to skip.
    case reservedFlagsSet
    /// The header, or one of its optional fields, is cut short.
    case truncatedHeader
    /// The header's CRC16 (flag FHCRC) does not match the header.
    case headerChecksumMismatch
    /// The compressed data is not valid DEFLATE.
    case deflate(InflateError)
    /// The 8-byte trailer after the compressed data is cut short.
    case truncatedTrailer
    /// The decompressed member's CRC-32 is not the one in its trailer.
    case checksumMismatch
    /// The decompressed member's length modulo 2^32 is not the trailer's
    /// ISIZE.
    case sizeMismatch
    /// After a member comes something that is neither another member nor
    /// zero padding.
    case trailingGarbage
}
