import Foundation

/// A government service item (政务服务事项) with its guide (办事指南), after
/// GB/T 39046-2020 and the national catalog.
public struct ServiceItem: Codable, Hashable, Sendable, Identifiable {
    public var code: String
    public var name: String
    public var type: ItemType
    /// The county organisation that owns the item (实施主体).
    public var departmentId: String
    /// 设定依据.
    public var legalBasis: String
    /// 受理条件.
    public var conditions: String
    public var materials: [Material]
    /// 法定办结时限, working days.
    public var legalLimitDays: Int
    /// 承诺办结时限, working days (0 for 即办件).
    public var promisedLimitDays: Int
    /// 即办件 (decided at the window) or 承诺件.
    public var isInstant: Bool
    public var fee: Fee
    /// 到现场次数: 0 = zero-trip (零跑动).
    public var siteVisits: Int
    public var onlineDepth: OnlineDepth
    public var offersAppointment: Bool
    public var offersExpress: Bool
    public var offersOnlinePayment: Bool
    /// The review stages a case goes through after acceptance (审查、决定…).
    public var stages: [String]
    /// The certificate or document issued on approval, if any.
    public var result: ResultDocument?
    public var isHighFrequency: Bool
    /// The implementation list (实施清单): levels where the item may be
    /// accepted by right, and the level that decides by right.
    @InOrder public var acceptLevels: Set<RegionLevel>
    public var decisionLevel: RegionLevel
    /// Extra words residents use for this item (e.g. 开店、营业执照).
    public var keywords: [String]
    /// Which organisation handles a stage, by stage name, when it is not the deciding organisation (环节承办机构).
    public var stageOwners: [String: String]?
    /// The day the item was retired from the catalog (停用): it takes no new case; its open cases go on.
    public var retiredOn: LocalDate?

    /// Whether the item takes new cases.
    public var isInUse: Bool { retiredOn == nil }

    public var id: String { code }

    public init(code: String, name: String, type: ItemType, departmentId: String, legalBasis: String,
                conditions: String, materials: [Material], legalLimitDays: Int, promisedLimitDays: Int,
                isInstant: Bool, fee: Fee, siteVisits: Int, onlineDepth: OnlineDepth, offersAppointment: Bool,
                offersExpress: Bool, offersOnlinePayment: Bool, stages: [String], result: ResultDocument?,
                isHighFrequency: Bool, acceptLevels: Set<RegionLevel>, decisionLevel: RegionLevel, keywords: [String],
                stageOwners: [String: String]? = nil, retiredOn: LocalDate? = nil) {
        self.code = code
        self.name = name
        self.type = type
        self.departmentId = departmentId
        self.legalBasis = legalBasis
        self.conditions = conditions
        self.materials = materials
        self.legalLimitDays = legalLimitDays
        self.promisedLimitDays = promisedLimitDays
        self.isInstant = isInstant
        self.fee = fee
        self.siteVisits = siteVisits
        self.onlineDepth = onlineDepth
        self.offersAppointment = offersAppointment
        self.offersExpress = offersExpress
        self.offersOnlinePayment = offersOnlinePayment
        self.stages = stages
        self.result = result
        self.isHighFrequency = isHighFrequency
        self.acceptLevels = acceptLevels
        self.decisionLevel = decisionLevel
        self.keywords = keywords
        self.stageOwners = stageOwners
        self.retiredOn = retiredOn
    }

    public var isZeroTrip: Bool { siteVisits == 0 }

    /// Problems that make the guide unusable; empty when it is complete.
    public func guideProblems() -> [String] {
        var p: [String] = []
        if code.isEmpty { p.append("缺少事项编码") }
        if name.isEmpty { p.append("缺少事项名称") }
        if legalBasis.isEmpty { p.append("缺少设定依据") }
        if conditions.isEmpty { p.append("缺少受理条件") }
        if materials.isEmpty { p.append("缺少申请材料") }
        if promisedLimitDays > legalLimitDays { p.append("承诺时限超过法定时限") }
        if isInstant && promisedLimitDays != 0 { p.append("即办件承诺时限应为0") }
        if !isInstant && promisedLimitDays == 0 { p.append("承诺件承诺时限应大于0") }
        if stages.isEmpty { p.append("缺少审查环节") }
        if acceptLevels.isEmpty { p.append("缺少受理层级") }
        return p
    }
}

/// The eleven item types of the national catalog, with their two-digit codes.
public enum ItemType: String, Codable, Sendable, CaseIterable {
    case licensing = "01", penalty = "02", enforcement = "03", levy = "04", benefit = "05"
    case inspection = "06", confirmation = "07", reward = "08", adjudication = "09", other = "10"
    case publicService = "20"

    public var label: String {
        switch self {
        case .licensing: return "行政许可"
        case .penalty: return "行政处罚"
        case .enforcement: return "行政强制"
        case .levy: return "行政征收"
        case .benefit: return "行政给付"
        case .inspection: return "行政检查"
        case .confirmation: return "行政确认"
        case .reward: return "行政奖励"
        case .adjudication: return "行政裁决"
        case .other: return "其他行政权力"
        case .publicService: return "公共服务"
        }
    }
}

/// How far an item can be handled online (网上办理深度).
public enum OnlineDepth: String, Codable, Sendable, CaseIterable {
    /// 网上咨询: the guide only.
    case consultation
    /// 网上预审.
    case preReview
    /// 网上受理: filed online, one visit to finish.
    case onlineAcceptance
    /// 全程网办.
    case fullyOnline

    public var label: String {
        switch self {
        case .consultation: return "网上咨询"
        case .preReview: return "网上预审"
        case .onlineAcceptance: return "网上受理"
        case .fullyOnline: return "全程网办"
        }
    }
}

/// The fee of an item (收费).
public struct Fee: Codable, Hashable, Sendable {
    /// Amount in fen (分); 0 = free.
    public var amountFen: Int
    public var basis: String

    public init(amountFen: Int, basis: String) {
        self.amountFen = amountFen
        self.basis = basis
    }

    public static let free = Fee(amountFen: 0, basis: "不收费")

    public var display: String {
        amountFen == 0 ? "不收费" : String(format: "%d.%02d 元", amountFen / 100, amountFen % 100)
    }
}

/// The document a decided case yields (办理结果).
public struct ResultDocument: Codable, Hashable, Sendable {
    public var name: String
    /// The electronic licence type it becomes in the licence library, if any.
    public var licenceType: String?

    public init(name: String, licenceType: String? = nil) {
        self.name = name
        self.licenceType = licenceType
    }
}

/// One material of an item's checklist (申请材料).
public struct Material: Codable, Hashable, Sendable {
    public enum Form: String, Codable, Sendable { case original, copy, originalAndCopy }
    public enum Format: String, Codable, Sendable { case paper, electronic, paperOrElectronic }

    public var name: String
    public var required: Bool
    public var form: Form
    public var copies: Int
    public var format: Format
    /// Paths of the blank form and the filled-in example, when the item provides them.
    public var blankForm: String?
    public var example: String?
    /// Where it comes from: the applicant, or a licence type already in the
    /// licence library (then it is waived, 免提交).
    public var licenceSource: String?
    public var note: String?

    public init(name: String, required: Bool = true, form: Form = .original, copies: Int = 1,
                format: Format = .paperOrElectronic, blankForm: String? = nil, example: String? = nil,
                licenceSource: String? = nil, note: String? = nil) {
        self.name = name
        self.required = required
        self.form = form
        self.copies = copies
        self.format = format
        self.blankForm = blankForm
        self.example = example
        self.licenceSource = licenceSource
        self.note = note
    }

    public var formLabel: String {
        switch form {
        case .original: return "原件"
        case .copy: return "复印件"
        case .originalAndCopy: return "原件及复印件"
        }
    }

    /// Whether it is waived (免提交) for an applicant whose licence library holds these licence types.
    public func isWaived(holding held: Set<String>) -> Bool { licenceSource.map(held.contains) ?? false }
}

/// A set written in its elements' order, so the same set always encodes to the same JSON (the stored guide, the
/// administration log's before → after); read from an array in any order.
@propertyWrapper
public struct InOrder<Element: Hashable & Codable & Comparable & Sendable>: Codable, Hashable, Sendable {
    public var wrappedValue: Set<Element>

    public init(wrappedValue: Set<Element>) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws { wrappedValue = Set(try decoder.singleValueContainer().decode([Element].self)) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue.sorted())
    }
}
