import Foundation

/// A case number (办件编号): county code, acceptance date and a daily
/// sequence, e.g. `990101-20261121-000042`. The sequence is allocated by the
/// store atomically; this type formats and parses.
public struct CaseNumber: Hashable, Sendable, CustomStringConvertible, Codable {
    public let county: String
    public let date: LocalDate
    public let sequence: Int

    public init(county: DivisionCode, date: LocalDate, sequence: Int) {
        self.county = county.countyPart
        self.date = date
        self.sequence = sequence
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 6, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
              parts[1].count == 8, parts[2].count >= 6, parts[2].allSatisfy({ $0.isASCII && $0.isNumber }),
              let seq = Int(parts[2]), seq > 0 else { return nil }
        let d = parts[1]
        guard let date = LocalDate("\(d.prefix(4))-\(d.dropFirst(4).prefix(2))-\(d.suffix(2))") else { return nil }
        county = String(parts[0])
        self.date = date
        sequence = seq
    }

    /// The key under which the store counts this county's cases of one day.
    public static func sequenceKey(county: DivisionCode, date: LocalDate) -> String { "\(county.countyPart)-\(date.compact)" }

    public var description: String {
        let s = String(sequence)
        return "\(county)-\(date.compact)-\(String(repeating: "0", count: max(0, 6 - s.count)))\(s)"
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let n = CaseNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad case number \(text)"))
        }
        self = n
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
