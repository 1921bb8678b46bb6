import Foundation

/// Codes that people read off paper and type in: characters without look-alikes (no 0/O, 1/I/L), shown in
/// groups of four, compared without regard to case, spaces or dashes.
public enum PrintedCode {
    public static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// `length` random characters from the system's secure generator, grouped by four with dashes.
    public static func generate(length: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        let chars = (0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] }
        return stride(from: 0, to: length, by: 4).map { String(chars[$0..<min($0 + 4, length)]) }.joined(separator: "-")
    }

    /// The characters of a typed code, upper-cased, without spaces and dashes; nil when it cannot be such a code.
    public static func normalize(_ typed: String, length: Int) -> String? {
        guard typed.count <= 4 * length else { return nil }
        let kept = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard kept.count == length, kept.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return kept
    }

    /// Compares two normalized codes in time that does not depend on where they differ.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// A case's query code (查询密码): eight random characters printed on the receipt and carried in its QR code.
/// With the case number it lets the resident rate and follow the case; nobody can guess it (31⁸ ≈ 8.5 × 10¹¹),
/// and a case number stops answering after a few wrong codes.
public enum QueryCode {
    public static let length = 8

    public static func generate() -> String { PrintedCode.generate(length: length) }

    public static func normalize(_ typed: String) -> String? { PrintedCode.normalize(typed, length: length) }
}
