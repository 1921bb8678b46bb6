import Foundation

/// Masking of personal data (脱敏) for lists, logs and public pages.
public enum Masking {
    /// Keeps the first 3 and last 4 characters: 110***********123X.
    public static func residentID(_ s: String) -> String { keep(s, head: 3, tail: 4) }

    /// Keeps the first 3 and last 4 digits: 138****5678.
    public static func phone(_ s: String) -> String { keep(s, head: 3, tail: 4) }

    /// Keeps the surname: 刘*, 欧阳** for four-character names keeps two.
    public static func name(_ s: String) -> String {
        let c = Array(s)
        if c.count <= 1 { return s }
        let head = c.count >= 4 ? 2 : 1
        return String(c.prefix(head)) + String(repeating: "*", count: c.count - head)
    }

    /// Credit codes identify enterprises, not people, but are masked in lists all the same.
    public static func creditCode(_ s: String) -> String { keep(s, head: 4, tail: 4) }

    static func keep(_ s: String, head: Int, tail: Int) -> String {
        let c = Array(s)
        guard c.count > head + tail else { return String(repeating: "*", count: c.count) }
        return String(c.prefix(head)) + String(repeating: "*", count: c.count - head - tail) + String(c.suffix(tail))
    }
}
