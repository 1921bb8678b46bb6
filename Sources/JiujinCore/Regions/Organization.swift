import Foundation

/// An organisation that accepts or decides cases (机构): a county bureau
/// (县直部门), the county service centre, a town or street centre
/// (镇/街道便民服务中心) or a village or community station's committee.
public struct Organization: Codable, Hashable, Sendable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A county bureau that owns items, e.g. 县市场监督管理局.
        case department
        /// The county government service centre: accepts any county item (无差别受理).
        case countyCentre
        /// A town or street centre.
        case town
        /// A village or community committee running a station.
        case village
        /// A partner institution running partner points (合作机构): a bank, the post office, a shop chain. It holds
        /// no authority of its own: its points accept on the authority of the town or village they belong to.
        case partner

        public var label: String {
            switch self {
            case .department: return "县直部门"
            case .countyCentre: return "县政务服务中心"
            case .town: return "镇（街道）便民服务中心"
            case .village: return "村（社区）便民服务站"
            case .partner: return "合作机构"
            }
        }
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var region: DivisionCode
    /// 统一社会信用代码, when recorded.
    public var creditCode: String?

    public init(id: String, name: String, kind: Kind, region: DivisionCode, creditCode: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.creditCode = creditCode
    }

    /// The level of the service system this organisation works at.
    public var level: RegionLevel {
        switch kind {
        case .department, .countyCentre: return .county
        case .town: return .town
        case .village: return .village
        case .partner: return region.level
        }
    }
}
