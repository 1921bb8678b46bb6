import Foundation

/// A place where residents are served (服务站点): a centre, a village
/// station, a partner point in a bank, post office or shop, the service bus
/// or a self-service terminal.
public struct ServicePoint: Codable, Hashable, Sendable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case countyCentre, townCentre, villageStation
        case partnerBank, partnerPost, partnerShop, partnerOther
        case serviceBus, selfService

        public var label: String {
            switch self {
            case .countyCentre: return "县政务服务中心"
            case .townCentre: return "镇（街道）便民服务中心"
            case .villageStation: return "村（社区）便民服务站"
            case .partnerBank: return "银行合作网点"
            case .partnerPost: return "邮政合作网点"
            case .partnerShop: return "商超合作网点"
            case .partnerOther: return "其他合作网点"
            case .serviceBus: return "政务服务直通车"
            case .selfService: return "自助服务终端"
            }
        }

        public var isPartner: Bool { [.partnerBank, .partnerPost, .partnerShop, .partnerOther].contains(self) }

        /// Points shared across an area rather than run by one organisation's own staff: partner
        /// points, the bus and terminals. Staff of the area may work there; they are never anyone's own point.
        public var isShared: Bool { isPartner || self == .serviceBus || self == .selfService }
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var region: DivisionCode
    /// The organisation whose staff work here and on whose authority it accepts.
    public var orgId: String
    public var address: String
    public var location: GeoPoint
    /// Opening hours as shown to residents, e.g. "周一至周五 8:30-12:00 13:30-17:30".
    public var hours: String
    public var windows: Int
    public var staffCount: Int
    public var phone: String?
    /// The 六有一能 checklist; only meaningful for village stations.
    public var checklist: StationChecklist?
    /// For partner points, the bus and terminals: the only items offered here.
    /// nil means "whatever the organisation may accept".
    public var offeredItems: [String]?
    /// The structured opening hours, when recorded; `hours` is then what residents read.
    public var openingHours: OpeningHours?
    /// For partner points: the partner institution that runs it (a bank, the post office), an organisation of kind 合作机构.
    public var operatorOrgId: String?
    /// The day the point stopped serving (停用); nil while it is in use.
    public var closedOn: LocalDate?

    /// Whether the point still serves.
    public var isOpen: Bool { closedOn == nil }

    public init(id: String, name: String, kind: Kind, region: DivisionCode, orgId: String, address: String,
                location: GeoPoint, hours: String, windows: Int, staffCount: Int, phone: String? = nil,
                checklist: StationChecklist? = nil, offeredItems: [String]? = nil, openingHours: OpeningHours? = nil,
                operatorOrgId: String? = nil, closedOn: LocalDate? = nil) {
        self.openingHours = openingHours
        self.operatorOrgId = operatorOrgId
        self.closedOn = closedOn
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.orgId = orgId
        self.address = address
        self.location = location
        self.hours = hours
        self.windows = windows
        self.staffCount = staffCount
        self.phone = phone
        self.checklist = checklist
        self.offeredItems = offeredItems
    }

    /// Whether this is the organisation's own centre or station (not a shared point it may also work at).
    public func isOwn(by orgId: String) -> Bool { self.orgId == orgId && !kind.isShared }

    /// The tier the checklist implies, for village stations.
    public var tier: StationTier? {
        guard kind == .villageStation, let checklist else { return nil }
        return checklist.tier(windows: windows, staff: staffCount)
    }
}

/// The 六有一能 checklist of a village station: 有场所、有人员、有制度、有网络、
/// 有设备、有经费、能办事.
public struct StationChecklist: Codable, Hashable, Sendable {
    public var hasPremises: Bool
    public var hasStaff: Bool
    public var hasRules: Bool
    public var hasNetwork: Bool
    public var hasEquipment: Bool
    public var hasFunding: Bool
    public var canHandleItems: Bool

    public init(hasPremises: Bool, hasStaff: Bool, hasRules: Bool, hasNetwork: Bool,
                hasEquipment: Bool, hasFunding: Bool, canHandleItems: Bool) {
        self.hasPremises = hasPremises
        self.hasStaff = hasStaff
        self.hasRules = hasRules
        self.hasNetwork = hasNetwork
        self.hasEquipment = hasEquipment
        self.hasFunding = hasFunding
        self.canHandleItems = canHandleItems
    }

    public static let complete = StationChecklist(hasPremises: true, hasStaff: true, hasRules: true, hasNetwork: true,
                                                  hasEquipment: true, hasFunding: true, canHandleItems: true)

    /// (label, met) in the official order.
    public var entries: [(label: String, met: Bool)] {
        [("有场所", hasPremises), ("有人员", hasStaff), ("有制度", hasRules), ("有网络", hasNetwork),
         ("有设备", hasEquipment), ("有经费", hasFunding), ("能办事", canHandleItems)]
    }

    public var metCount: Int { entries.filter(\.met).count }

    /// 基础型 needs a place, a person and the ability to handle items;
    /// 标准型 needs all seven; 标杆型 all seven with at least two windows and three staff.
    /// nil: the station does not yet meet the basic tier.
    public func tier(windows: Int, staff: Int) -> StationTier? {
        guard hasPremises, hasStaff, canHandleItems else { return nil }
        guard metCount == 7 else { return .basic }
        return windows >= 2 && staff >= 3 ? .benchmark : .standard
    }
}

/// The tier of a village station (基础型 / 标准型 / 标杆型).
public enum StationTier: String, Codable, Sendable, CaseIterable {
    case basic, standard, benchmark

    public var label: String {
        switch self {
        case .basic: return "基础型"
        case .standard: return "标准型"
        case .benchmark: return "标杆型"
        }
    }
}
