import Fluent
import Foundation
import JiujinCore

/// An in-memory snapshot of what changes rarely: the region tree,
/// organisations, service points, the catalog and its search index. Rebuilt
/// from the database at start and after every change to the catalog or
/// delegations. Authority checks never rely on it: they read delegations fresh.
struct Directory: Sendable {
    var tree: RegionTree
    var organizations: [String: Organization]
    var points: [ServicePoint]
    var pointsById: [String: ServicePoint]
    var items: [String: ServiceItem]
    var index: CatalogIndex

    static let empty = Directory(tree: try! RegionTree([]), organizations: [:], points: [], pointsById: [:], items: [:],
                                 index: CatalogIndex(items: []))

    static func load(from db: Database) async throws -> Directory {
        let regions = try await RegionModel.query(on: db).all().compactMap(\.domain)
        let orgs = try await OrganizationModel.query(on: db).all().compactMap(\.domain)
        let points = try await ServicePointModel.query(on: db).sort(\.$id).all().map { try $0.domain() }
        let items = try await ServiceItemModel.query(on: db).sort(\.$id).all().map { try $0.domain() }
        let delegations = try await DelegationModel.query(on: db).all().map { try $0.domain() }
        let orgsById = Dictionary(orgs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Levels where a delegation lets an item be accepted, for the search filter.
        var extra: [String: Set<RegionLevel>] = [:]
        for d in delegations where d.revokedOn == nil && d.covers(.accept) {
            guard let level = orgsById[d.toOrgId]?.level else { continue }
            for code in d.itemCodes { extra[code, default: []].insert(level) }
        }
        return Directory(tree: try RegionTree(regions), organizations: orgsById, points: points,
                         pointsById: Dictionary(points.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                         items: Dictionary(items.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }),
                         index: CatalogIndex(items: items, departments: orgsById.mapValues(\.name), extraAcceptLevels: extra))
    }

    func item(_ code: String) throws -> ServiceItem {
        guard let item = items[code] else {
            throw APIError(.unprocessableEntity, "unknown_item", "事项编码「\(code)」不存在", field: "itemCode")
        }
        return item
    }

    /// The town or village organisation that runs a region, if any.
    func organization(runningRegion code: DivisionCode) -> Organization? {
        organizations.values.first { ($0.kind == .town || $0.kind == .village) && $0.region == code }
    }
}
