import Foundation

/// The six steps of proxy service (帮办代办六步法).
public enum ProxyStep: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    /// 咨询告知: tell the resident what is needed.
    case inform
    /// 授权委托: the resident signs the authorization.
    case authorize
    /// 帮办代办: the agent files the case.
    case file
    /// 协调办理: the agent chases the back office.
    case coordinate
    /// 跟踪反馈: the agent reports progress to the resident.
    case followUp = "follow_up"
    /// 评价归档: rating and archive.
    case rateAndArchive = "rate_and_archive"

    public var label: String {
        switch self {
        case .inform: return "咨询告知"
        case .authorize: return "授权委托"
        case .file: return "帮办代办"
        case .coordinate: return "协调办理"
        case .followUp: return "跟踪反馈"
        case .rateAndArchive: return "评价归档"
        }
    }

    /// 协调办理 and 跟踪反馈 are marked by the agent; the other four follow from the case itself.
    public var isManual: Bool { self == .coordinate || self == .followUp }
}

/// The resident's written authorization of an agent (委托书).
public struct ProxyAuthorization: Codable, Hashable, Sendable {
    public var agentId: String
    public var agentName: String
    /// What the agent may do, e.g. 代为申请、补正材料、领取结果.
    public var scope: String
    public var signedOn: LocalDate
    public var validUntil: LocalDate

    public init(agentId: String, agentName: String, scope: String, signedOn: LocalDate, validUntil: LocalDate) {
        self.agentId = agentId
        self.agentName = agentName
        self.scope = scope
        self.signedOn = signedOn
        self.validUntil = validUntil
    }

    public func validate(today: LocalDate) throws(ValidationError) {
        let scope = scope.trimmingCharacters(in: .whitespacesAndNewlines)
        if scope.isEmpty || scope.count > 200 { throw .field("authorization.scope", "请填写委托事项范围（200字以内）") }
        if signedOn > today { throw .field("authorization.signedOn", "委托书签署日期不能晚于今天") }
        if validUntil < today { throw .field("authorization.validUntil", "委托书已过有效期") }
        if validUntil.dayNumber - signedOn.dayNumber > 366 { throw .field("authorization.validUntil", "委托书有效期不超过一年") }
    }
}

/// The record of one proxied case: its authorization and when each step was done.
public struct ProxyRecord: Codable, Hashable, Sendable {
    public var authorization: ProxyAuthorization
    /// Step → milliseconds since 1970 when it was marked done.
    public var stepsDone: [ProxyStep: Int64]

    public init(authorization: ProxyAuthorization, stepsDone: [ProxyStep: Int64] = [:]) {
        self.authorization = authorization
        self.stepsDone = stepsDone
    }

    public mutating func mark(_ step: ProxyStep, at date: Date) {
        if stepsDone[step] == nil { stepsDone[step] = Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    }
}

/// One entry of the agent's feedback log (跟踪反馈记录): how and what the resident was told.
public struct ProxyFeedback: Hashable, Sendable {
    /// The ways an agent reaches a resident.
    public static let channels = ["电话", "当面", "短信", "微信", "上门"]
    public static let maxText = 500

    public var channel: String
    public var text: String

    /// Refuses an unknown channel and empty or overlong text.
    public static func validated(channel: String, text: String) throws(ValidationError) -> ProxyFeedback {
        guard channels.contains(channel) else {
            throw .field("channel", "反馈方式应为\(channels.joined(separator: "、"))之一")
        }
        guard let t = try TextLimit.optional(text, field: "text", max: maxText, what: "反馈内容") else {
            throw .field("text", "请填写反馈内容（\(maxText)字以内）")
        }
        return ProxyFeedback(channel: channel, text: t)
    }
}
