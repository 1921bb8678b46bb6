import Foundation

/// An in-memory snapshot of what changes rarely (目录快照): the region tree,
/// organisations, service points, active seals, the catalog and its search
/// index, and the delegations not revoked. The server rebuilds it from the
/// database at start and whenever its `version` falls behind the database's;
/// a write that relied on it (an authority check) confirms the version inside
/// its transaction, so a revocation committed before stops a town at once.
public struct Directory: Sendable {
    /// The database's directory version this snapshot was read at.
    public var version: Int
    public var tree: RegionTree
    public var organizations: [String: Organization]
    public var points: [ServicePoint]
    public var pointsById: [String: ServicePoint]
    public var items: [String: ServiceItem]
    /// Active seals by the organisation holding them, lowest number first.
    public var sealsByHolder: [String: [Seal]]
    public var index: CatalogIndex
    /// Delegations not revoked (some may not have begun or may have ended: see `Delegation.isActive`).
    public var delegations: [Delegation]
    /// Each item's current guide version (办事指南版本): every administrative change to an item makes a new one.
    public var guideVersions: [String: Int]

    public static let empty = try! Directory(regions: [], organizations: [], points: [], items: [], seals: [], delegations: [])

    /// Builds the snapshot; `delegations` (those not revoked) add the levels where an item may be accepted to the search filter.
    public init(regions: [Region], organizations: [Organization], points: [ServicePoint], items: [ServiceItem], seals: [Seal],
                delegations: [Delegation], version: Int = 0, guideVersions: [String: Int] = [:]) throws(RegionTreeError) {
        let orgsById = Dictionary(organizations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var extra: [String: Set<RegionLevel>] = [:]
        for d in delegations where d.revokedOn == nil && d.covers(.accept) {
            guard let level = orgsById[d.toOrgId]?.level else { continue }
            for code in d.itemCodes { extra[code, default: []].insert(level) }
        }
        tree = try RegionTree(regions)
        self.version = version
        self.guideVersions = guideVersions
        self.delegations = delegations.filter { $0.revokedOn == nil }.sorted { $0.id < $1.id }
        self.organizations = orgsById
        self.points = points.sorted { $0.id < $1.id }
        pointsById = Dictionary(points.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.items = Dictionary(items.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        sealsByHolder = Dictionary(grouping: seals.sorted { $0.number < $1.number }, by: \.holderOrgId)
        index = CatalogIndex(items: items.filter(\.isInUse).sorted { $0.code < $1.code }, departments: orgsById.mapValues(\.name), extraAcceptLevels: extra)
    }

    /// The county's name, for headers and messages.
    public var countyName: String { tree.roots.first?.name ?? "" }

    public func item(_ code: String) throws(DirectoryError) -> ServiceItem {
        guard let item = items[code] else { throw .unknownItem(code) }
        return item
    }

    /// The town or village organisation that runs a region, if any.
    public func organization(runningRegion code: DivisionCode) -> Organization? {
        organizations.values.first { ($0.kind == .town || $0.kind == .village) && $0.region == code }
    }

    /// The seal an organisation signs its decisions with (一枚印章): its active seal with the lowest number.
    public func sealNumber(heldBy orgId: String) -> String? { sealsByHolder[orgId]?.first?.number }

    /// An organisation's name, or its id when it is unknown.
    public func name(ofOrg id: String?) -> String { id.flatMap { organizations[$0]?.name } ?? id ?? "" }
}

public enum DirectoryError: DomainError, Hashable {
    case unknownItem(String)

    public var kind: ErrorKind { .invalid }
    public var code: String { "unknown_item" }
    public var field: String? { "itemCode" }
    public var message: String {
        switch self {
        case .unknownItem(let code): return "事项编码「\(TextLimit.echo(code))」不存在"
        }
    }
}
