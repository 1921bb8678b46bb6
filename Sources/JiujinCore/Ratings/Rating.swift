import Foundation

/// The five levels of 好差评.
public enum RatingLevel: Int, Codable, Sendable, CaseIterable {
    case veryDissatisfied = 1, dissatisfied, fair, satisfied, verySatisfied

    public var label: String {
        switch self {
        case .verySatisfied: return "非常满意"
        case .satisfied: return "满意"
        case .fair: return "基本满意"
        case .dissatisfied: return "不满意"
        case .veryDissatisfied: return "非常不满意"
        }
    }

    /// 不满意 or worse opens a follow-up (差评回访整改).
    public var isBad: Bool { rawValue <= 2 }
    /// 非常满意 and 满意 count as good ratings.
    public var isGood: Bool { rawValue >= 4 }
}

/// Where a rating came from.
public enum RatingChannel: String, Codable, Sendable, CaseIterable {
    case web, qrReceipt = "qr_receipt", windowDevice = "window_device", sms, phone

    public var label: String {
        switch self {
        case .web: return "网页"
        case .qrReceipt: return "回执二维码"
        case .windowDevice: return "窗口评价器"
        case .sms: return "短信链接"
        case .phone: return "电话"
        }
    }
}

/// Who may rate a case now, and in which round: one first rating, and one
/// more after the follow-up of a bad first rating has concluded.
public enum RatingRules {
    public static let ratableStatuses: Set<CaseStatus> = [.approved, .refused, .delivered, .closed, .rejectedAtIntake]

    public static func nextRound(status: CaseStatus, roundsTaken: Set<Int>, firstFollowUp: FollowUpStatus?) throws(RatingError) -> Int {
        guard ratableStatuses.contains(status) else { throw .caseNotFinished }
        if !roundsTaken.contains(1) { return 1 }
        if roundsTaken.contains(2) { throw .alreadyRated }
        guard let f = firstFollowUp else { throw .alreadyRated }
        guard f.isConcluded else { throw .followUpPending }
        return 2
    }
}

public enum RatingError: Error, Equatable, Sendable {
    case caseNotFinished, alreadyRated, followUpPending

    public var message: String {
        switch self {
        case .caseNotFinished: return "办件尚未办结，办结后即可评价"
        case .alreadyRated: return "该办件本轮已评价，感谢您的反馈"
        case .followUpPending: return "您的意见正在回访整改中，整改完成后可再次评价"
        }
    }
}
