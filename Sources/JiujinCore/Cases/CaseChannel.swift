import Foundation

/// How a case reached jiujin (受理渠道).
public enum CaseChannel: String, Codable, Sendable, CaseIterable {
    case window, villageAgent = "village_agent", online, serviceBus = "service_bus"
    case partnerPoint = "partner_point", selfService = "self_service", mail

    public var label: String {
        switch self {
        case .window: return "窗口受理"
        case .villageAgent: return "帮办代办"
        case .online: return "网上申请"
        case .serviceBus: return "政务服务直通车"
        case .partnerPoint: return "合作网点"
        case .selfService: return "自助终端"
        case .mail: return "邮寄申请"
        }
    }

    /// The channel a case taken by staff gets when none is named: what the point is, and whether an agent took it.
    public static func taken(at point: ServicePoint, by role: ActorRole) -> CaseChannel {
        switch point.kind {
        case .serviceBus: return .serviceBus
        case .selfService: return .selfService
        case .partnerBank, .partnerPost, .partnerShop, .partnerOther: return .partnerPoint
        case .villageStation, .countyCentre, .townCentre: return role == .villageAgent ? .villageAgent : .window
        }
    }

    /// A channel named by staff at intake; online filing has its own door.
    public static func parseForIntake(_ raw: String) throws(ValidationError) -> CaseChannel {
        guard let c = CaseChannel(rawValue: raw), c != .online else {
            throw .coded(field: "channel", code: "invalid_channel", message: "受理渠道「\(TextLimit.echo(raw))」无效")
        }
        return c
    }
}
