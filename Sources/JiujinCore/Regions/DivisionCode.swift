import Foundation

/// A 12-digit statistical division code (统计用区划代码): 6-digit GB/T 2260
/// county code + 3 town digits + 3 village digits.
public struct DivisionCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        // A county code has a non-zero 2-digit province part.
        guard !text.hasPrefix("00") else { return nil }
        rawValue = text
        // A village part without a town part names nothing.
        if townPart == "000" && villagePart != "000" { return nil }
        if countyPart.hasSuffix("0000") { return nil }
    }

    public var countyPart: String { String(rawValue.prefix(6)) }
    public var townPart: String { String(rawValue.dropFirst(6).prefix(3)) }
    public var villagePart: String { String(rawValue.suffix(3)) }

    public var level: RegionLevel {
        if townPart == "000" { return .county }
        if villagePart == "000" { return .town }
        return .village
    }

    /// The code of the region directly above, nil for a county.
    public var parent: DivisionCode? {
        switch level {
        case .county: return nil
        case .town: return DivisionCode(countyPart + "000000")
        case .village: return DivisionCode(countyPart + townPart + "000")
        }
    }

    public var county: DivisionCode { DivisionCode(countyPart + "000000")! }

    /// The town this code lies in, nil for a county.
    public var town: DivisionCode? { level == .county ? nil : DivisionCode(countyPart + townPart + "000") }

    /// Whether this code is `ancestor` itself or lies beneath it.
    public func isWithin(_ ancestor: DivisionCode) -> Bool {
        switch ancestor.level {
        case .county: return countyPart == ancestor.countyPart
        case .town: return countyPart == ancestor.countyPart && townPart == ancestor.townPart
        case .village: return self == ancestor
        }
    }

    /// The digits every code beneath this one starts with: 6 for a county, 9 for a town, all 12 for a village.
    public var prefix: String {
        switch level {
        case .county: return countyPart
        case .town: return countyPart + townPart
        case .village: return rawValue
        }
    }

    public var description: String { rawValue }
    public static func < (a: DivisionCode, b: DivisionCode) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = DivisionCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 12-digit division code: \(text)"))
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The three levels of the grassroots service system (县、镇、村三级).
public enum RegionLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case county, town, village

    public var label: String {
        switch self {
        case .county: return "县级"
        case .town: return "镇（街道）级"
        case .village: return "村（社区）级"
        }
    }

    private var depth: Int { self == .county ? 0 : self == .town ? 1 : 2 }
    public static func < (a: RegionLevel, b: RegionLevel) -> Bool { a.depth < b.depth }
}
