import JiujinCore
import Vapor

/// How a case reached jiujin (受理渠道).
enum CaseChannel: String, Codable, Sendable, CaseIterable {
    case window, villageAgent = "village_agent", online, serviceBus = "service_bus"
    case partnerPoint = "partner_point", selfService = "self_service", mail

    var label: String {
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
}

/// An applicant as sent in an intake, and as shown back (masked, or in full where the read is logged).
struct ApplicantInput: Content {
    /// "person" (自然人) or "organization" (法人).
    var kind: String
    var name: String
    var idNumber: String?
    var creditCode: String?
    var legalRepresentative: String?
    var phone: String
}

struct MaterialCheck: Content {
    var name: String
    var provided: Bool
    var note: String?
}

/// A case taken in at a window or by an agent.
struct IntakeRequest: Content {
    var itemCode: String
    var pointId: String?
    var channel: String?
    /// The applicant's village or town, when it differs from the point's.
    var regionCode: String?
    var applicant: ApplicantInput
    var materials: [MaterialCheck]?
    /// accept (default), request_supplement or reject_at_intake.
    var decision: String?
    var reason: String?
    var comment: String?
    /// The resident's written authorization, when an agent files on their behalf (委托书).
    var authorization: AuthorizationInput?
}

struct AuthorizationInput: Content {
    var scope: String
    var signedOn: String
    var validUntil: String
}

/// An online application by a resident (网上申请).
struct OnlineApplicationRequest: Content {
    var itemCode: String
    var regionCode: String
    var applicant: ApplicantInput
    var materials: [MaterialCheck]?
    var comment: String?
}

struct DeliveryInput: Content {
    /// window, express, electronic or agent.
    var method: String
    var carrier: String?
    var trackingNumber: String?
    var collectorName: String?
    /// For window pickup: the collector's resident ID, checked against GB 11643.
    var collectorIdNumber: String?
}

struct ActionRequest: Content {
    var action: String
    var expectedVersion: Int?
    var reason: String?
    var comment: String?
    var missingMaterials: [String]?
    var pointId: String?
    var delivery: DeliveryInput?
    /// For reassign: the colleague who takes the case over.
    var assigneeId: String?
}

struct StoredMaterial: Codable, Sendable {
    var name: String
    var required: Bool
    var provided: Bool
    /// The licence library can supply it (免提交).
    var waivable: Bool
    var note: String?
}

struct CaseSummary: Content {
    var id: UUID
    var number: String
    var itemCode: String
    var itemName: String
    var applicantName: String
    var channel: String
    var status: String
    var statusLabel: String
    var regionCode: String
    var decidingOrgId: String?
    var deadline: String?
    var light: String?
    var version: Int
}

typealias ApplicantView = ApplicantInput

struct EventView: Content {
    var sequence: Int
    var action: String
    var actionLabel: String
    var fromStatus: String?
    var toStatus: String
    var actorId: String
    var actorRole: String
    var orgId: String?
    var pointId: String?
    var at: Date
    var comment: String?
    var details: [String: String]
    var hash: String
}

struct WarningView: Content {
    var code: String
    var message: String
}

struct CaseDetail: Content {
    var id: UUID
    var number: String
    var itemCode: String
    var itemName: String
    var applicant: ApplicantView
    var channel: String
    var channelLabel: String
    var regionCode: String
    var regionPath: String
    var pointId: String?
    var acceptingOrgId: String?
    var decidingOrgId: String?
    var decidingOrgName: String?
    var delegationId: String?
    var sealNumber: String?
    var status: String
    var statusLabel: String
    var stage: String?
    var stageIndex: Int
    var limitDays: Int
    var acceptedOn: String?
    var deadline: String?
    var light: String?
    var workingDaysLeft: Int?
    var paused: Bool
    var warnings: [WarningView]
    var materials: [StoredMaterial]
    var reason: String?
    var version: Int
    var availableActions: [String]
    var events: [EventView]
}
