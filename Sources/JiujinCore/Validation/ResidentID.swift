import Foundation

/// An 18-digit citizen identity number (公民身份号码) per GB 11643-1999:
/// 6-digit address code, 8-digit birth date, 3-digit sequence, and an ISO
/// 7064 MOD 11-2 check character.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let birthDate: LocalDate

    /// Validates `text` (a trailing lowercase x is accepted); `today` bounds the birth date.
    public init(_ text: String, today: LocalDate) throws(ValidationError) {
        let value = text.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(value.utf8)
        guard chars.count == 18 else { throw .residentID("身份证号码应为18位") }
        guard chars[0..<17].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .residentID("身份证号码前17位应为数字") }
        guard (chars[17] >= 48 && chars[17] <= 57) || chars[17] == UInt8(ascii: "X") else {
            throw .residentID("身份证号码第18位应为数字或X")
        }
        let province = Int(value.prefix(2))!
        guard ResidentID.provinceCodes.contains(province) else { throw .residentID("身份证号码地址码无效") }
        guard let birth = LocalDate(year: Int(value.dropFirst(6).prefix(4))!, month: Int(value.dropFirst(10).prefix(2))!,
                                    day: Int(value.dropFirst(12).prefix(2))!) else {
            throw .residentID("身份证号码中的出生日期无效")
        }
        guard birth.year >= 1880, birth <= today else { throw .residentID("身份证号码中的出生日期无效") }
        guard ResidentID.checkCharacter(of: value.prefix(17)) == Character(UnicodeScalar(chars[17])) else {
            throw .residentID("身份证号码校验位错误，请核对")
        }
        rawValue = value
        birthDate = birth
    }

    /// The check character for the first 17 digits.
    public static func checkCharacter<S: StringProtocol>(of first17: S) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (i, c) in first17.utf8.prefix(17).enumerated() { sum += Int(c - 48) * weights[i] }
        return Array("10X98765432")[sum % 11]
    }

    /// 1 = male, 2 = female (odd sequence digit = male).
    public var isMale: Bool { Int(String(Array(rawValue)[16]))! % 2 == 1 }

    public var masked: String { Masking.residentID(rawValue) }
    public var description: String { masked }

    static let provinceCodes: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                                          50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
}

/// A unified social credit code (统一社会信用代码) per GB 32100-2015:
/// 18 characters from a 31-character set without I, O, Z, S, V; the last is a
/// MOD 31 check character.
public struct CreditCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public init(_ text: String) throws(ValidationError) {
        let value = text.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(value)
        guard chars.count == 18 else { throw .creditCode("统一社会信用代码应为18位") }
        for c in chars where !CreditCode.alphabet.contains(c) {
            throw .creditCode("统一社会信用代码含有无效字符「\(c)」（不使用I、O、Z、S、V）")
        }
        guard "123456789ANY".contains(chars[0]) else { throw .creditCode("统一社会信用代码登记管理部门代码无效") }
        guard chars[2..<8].allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .creditCode("统一社会信用代码登记管理机关行政区划码应为数字")
        }
        guard CreditCode.checkCharacter(of: String(chars[0..<17])) == chars[17] else {
            throw .creditCode("统一社会信用代码校验位错误，请核对")
        }
        rawValue = value
    }

    /// The check character for the first 17 characters, nil if they use characters outside the set.
    public static func checkCharacter(of first17: String) -> Character? {
        var sum = 0
        for (i, c) in first17.prefix(17).enumerated() {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    public var description: String { rawValue }
}

/// A mainland China mobile number (手机号码): 11 digits starting 13–19.
public struct MobileNumber: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts spaces and dashes between digits and a +86 / 86 prefix.
    public init(_ text: String) throws(ValidationError) {
        var digits = text.filter { $0 != " " && $0 != "-" }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.count == 13 && digits.hasPrefix("86") { digits.removeFirst(2) }
        let bytes = Array(digits.utf8)
        guard bytes.count == 11, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .mobile("手机号码应为11位数字") }
        guard bytes[0] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1]) else {
            throw .mobile("手机号码号段无效")
        }
        rawValue = digits
    }

    public var masked: String { Masking.phone(rawValue) }
    public var description: String { masked }
}
