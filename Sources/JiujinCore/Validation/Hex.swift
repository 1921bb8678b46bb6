/// Lower-case hexadecimal text of bytes (hashes, token digests, key ids). Written by hand because
/// `String(format: "%02x")` goes through Foundation's formatter for every byte, and a digest is made on every
/// request (token check) and every case event.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
