import Foundation

/// A one-time sign-in code (短信验证码) for a resident's mobile number: six digits, valid five minutes, void after
/// five wrong tries or one use. At most five are sent to one number in an hour. The server keeps only a keyed hash
/// of the code; this type holds the rules over what it stores.
public struct SignInCode: Hashable, Sendable {
    public static let digits = 6
    public static let validity: TimeInterval = 5 * 60
    public static let wrongTriesAllowed = 5
    public static let perNumberPerHour = 5

    public var issuedAt: Date
    /// Tries spent on the code so far (the server spends one before it says whether a try was right).
    public var wrongTries: Int
    public var usedAt: Date?

    public init(issuedAt: Date, wrongTries: Int = 0, usedAt: Date? = nil) {
        self.issuedAt = issuedAt
        self.wrongTries = wrongTries
        self.usedAt = usedAt
    }

    public var expiresAt: Date { issuedAt.addingTimeInterval(Self.validity) }

    /// Six digits from the system's secure generator, leading zeros kept.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%06d", Int(rng.next(upperBound: UInt32(1_000_000))))
    }

    /// The digits of a typed code (spaces ignored, full-width digits read as digits); nil when it cannot be a code.
    public static func normalize(_ typed: String) -> String? {
        guard typed.count <= 20 else { return nil }
        let kept = typed.compactMap { c -> Character? in
            if c == " " { return nil }
            if let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(v) {
                return Character(UnicodeScalar(v - 0xFF10 + 0x30)!)
            }
            return c
        }
        guard kept.count == digits, kept.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(kept)
    }

    /// Whether another code may be sent to a number that got `sentInLastHour` codes in the past hour.
    public static func mayIssue(sentInLastHour: Int) -> Bool { sentInLastHour < perNumberPerHour }

    /// What typing a code does: `matches` says whether it is this code. A used, expired or exhausted code answers
    /// the same whatever was typed, so it can no longer be tried.
    public func check(matches: Bool, now: Date) -> SignInCheck {
        if usedAt != nil { return .refused(.used) }
        if now >= expiresAt { return .refused(.expired) }
        if wrongTries >= Self.wrongTriesAllowed { return .refused(.exhausted) }
        if matches { return .accepted }
        let left = Self.wrongTriesAllowed - wrongTries - 1
        return .wrong(remaining: left)
    }
}

/// The outcome of typing a sign-in code.
public enum SignInCheck: Hashable, Sendable {
    /// Right: the code is used up and the resident is signed in.
    case accepted
    /// Wrong: one try fewer is left (0: the code is void now).
    case wrong(remaining: Int)
    case refused(SignInRefusal)
}

/// Why a resident's sign-in is refused.
public enum SignInRefusal: DomainError, Hashable {
    case noCode, used, expired, exhausted
    case wrong(remaining: Int)
    /// Five codes went to this number within the hour.
    case tooManyCodes
    case invalidPhone

    public var kind: ErrorKind {
        switch self {
        case .tooManyCodes: return .conflict
        default: return .invalid
        }
    }

    public var code: String {
        switch self {
        case .noCode: return "no_code"
        case .used: return "code_used"
        case .expired: return "code_expired"
        case .exhausted: return "code_exhausted"
        case .wrong: return "wrong_code"
        case .tooManyCodes: return "too_many_codes"
        case .invalidPhone: return "invalid_phone"
        }
    }

    public var field: String? {
        switch self {
        case .tooManyCodes, .invalidPhone: return "phone"
        default: return "code"
        }
    }

    public var message: String {
        switch self {
        case .noCode: return "请先获取验证码"
        case .used: return "验证码已使用，请重新获取"
        case .expired: return "验证码已过期（5分钟内有效），请重新获取"
        case .exhausted: return "验证码错误次数过多已失效，请重新获取"
        case .wrong(let n) where n > 0: return "验证码不正确，还可再试\(n)次"
        case .wrong: return "验证码不正确，此验证码已失效，请重新获取"
        case .tooManyCodes: return "该手机号1小时内获取验证码已达\(SignInCode.perNumberPerHour)次，请稍后再试"
        case .invalidPhone: return "请输入正确的11位手机号码"
        }
    }
}
