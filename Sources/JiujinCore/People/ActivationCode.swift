import Foundation

/// A one-time activation code (激活码): how a member of staff gets a first password, or a new one after an
/// administrator's reset, without anybody else ever knowing it. Twelve characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L), shown in groups of four; about 60 bits, so guessing is hopeless within the
/// sign-in throttle, and only its SHA-256 is stored.
public enum ActivationCode {
    public static let length = 12
    /// How long an issued code can be used.
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    /// A fresh code, e.g. `K7QM-R2XD-9HPT`.
    public static func generate() -> String { PrintedCode.generate(length: length) }

    /// The code as typed, reduced to its characters: case, spaces and dashes do not matter. Nil when it cannot be a code.
    public static func normalize(_ typed: String) -> String? { PrintedCode.normalize(typed, length: length) }
}

/// What an administrator may do to an account (账号管理), as one rule: never to their own account (so the last
/// administrator cannot lock everybody out by mistake), and only to accounts that are in the state the action needs.
public enum AccountAction: String, Sendable, CaseIterable {
    case deactivate, reactivate, unlock, reset

    public var label: String {
        switch self {
        case .deactivate: return "停用"
        case .reactivate: return "恢复"
        case .unlock: return "解除登录限制"
        case .reset: return "重置密码"
        }
    }

    /// Nil when allowed; otherwise the reason in Chinese.
    public func refusal(actorId: String, targetId: String, targetActive: Bool) -> String? {
        switch self {
        case .deactivate, .reset:
            if actorId == targetId { return self == .deactivate ? "不能停用自己的账号" : "请在“修改密码”中更改自己的密码" }
            return targetActive ? nil : "该账号已停用，请先恢复"
        case .reactivate:
            return targetActive ? "该账号未停用" : nil
        case .unlock:
            return nil
        }
    }
}

/// The new-password rule, written once: at least 10 characters with letters and digits, at most 128, and neither
/// the public demo password nor the one it replaces.
public enum PasswordRule {
    public static func problem(_ new: String, current: String? = nil, demoPassword: String) -> String? {
        guard new.count >= 10, new.count <= 128, new.contains(where: \.isLetter), new.contains(where: \.isNumber) else {
            return "新密码至少10位（不超过128位），且须同时包含字母和数字"
        }
        if new == demoPassword || new == current { return "新密码不能与演示密码或当前密码相同" }
        return nil
    }
}
