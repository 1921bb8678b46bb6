import Fluent
import JiujinCore
import Vapor

/// Regions, departments and service points over JSON, including "where near me can I do X".
struct RegionController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("regions", use: regions)
        routes.get("regions", ":code", use: region)
        routes.get("departments", use: departments)
        routes.get("service-points", use: points)
        routes.get("service-points", ":id", use: point)
    }

    struct RegionView: Content {
        var code: String
        var name: String
        var kind: String
        var level: String
        var parentCode: String?
        var lat: Double?
        var lon: Double?

        init(_ r: Region) {
            code = r.code.rawValue
            name = r.name
            kind = r.kind.rawValue
            level = r.level.rawValue
            parentCode = r.parent?.rawValue
            lat = r.location?.lat
            lon = r.location?.lon
        }
    }

    struct RegionList: Content {
        var count: Int
        var regions: [RegionView]
    }

    struct RegionDetail: Content {
        var region: RegionView
        var path: String
        var children: [RegionView]
        var servicePoints: [PointView]
    }

    func regions(req: Request) async throws -> RegionList {
        let tree = req.jiujin.directory.tree
        var list: [Region]
        if let parent = req.queryText("parent") {
            guard let code = DivisionCode(parent), tree[code] != nil else { throw APIError.invalid("parent", "区划代码「\(TextLimit.echo(parent))」无效") }
            list = tree.children(of: code)
        } else {
            list = tree.byCode.values.sorted { $0.code < $1.code }
        }
        if let raw = req.queryText("level") {
            guard let level = RegionLevel(rawValue: raw) else { throw APIError.invalid("level", "层级应为 county、town 或 village") }
            list = list.filter { $0.level == level }
        }
        return RegionList(count: list.count, regions: list.map(RegionView.init))
    }

    func region(req: Request) async throws -> RegionDetail {
        let raw = req.parameters.get("code") ?? ""
        let d = req.jiujin.directory
        guard let code = DivisionCode(raw), let r = d.tree[code] else { throw APIError.notFound("区划「\(TextLimit.echo(raw))」") }
        let points = d.points.filter { $0.region == code }.map { PointView($0, distance: nil) }
        return RegionDetail(region: RegionView(r), path: d.tree.path(of: code), children: d.tree.children(of: code).map(RegionView.init),
                            servicePoints: points)
    }

    struct DepartmentView: Content {
        var id: String
        var name: String
        var itemCount: Int
    }

    func departments(req: Request) async throws -> [DepartmentView] {
        let d = req.jiujin.directory
        let counts = Dictionary(grouping: d.items.values, by: \.departmentId).mapValues(\.count)
        return d.organizations.values.filter { $0.kind == .department }.sorted { $0.id < $1.id }
            .map { DepartmentView(id: $0.id, name: $0.name, itemCount: counts[$0.id] ?? 0) }
    }

    struct PointView: Content {
        var id: String
        var name: String
        var kind: String
        var kindLabel: String
        var regionCode: String
        var orgId: String
        var address: String
        var lat: Double
        var lon: Double
        var hours: String
        var windows: Int
        var staffCount: Int
        var phone: String?
        var checklist: [String: Bool]?
        var tier: String?
        var tierLabel: String?
        var offeredItems: [String]?
        var distanceMetres: Int?

        init(_ p: ServicePoint, distance: Double?) {
            id = p.id
            name = p.name
            kind = p.kind.rawValue
            kindLabel = p.kind.label
            regionCode = p.region.rawValue
            orgId = p.orgId
            address = p.address
            lat = p.location.lat
            lon = p.location.lon
            hours = p.hours
            windows = p.windows
            staffCount = p.staffCount
            phone = p.phone
            checklist = p.checklist.map { c in Dictionary(uniqueKeysWithValues: c.entries.map { ($0.label, $0.met) }) }
            tier = p.tier?.rawValue
            tierLabel = p.tier?.label
            offeredItems = p.offeredItems
            distanceMetres = distance.map { Int($0.rounded()) }
        }
    }

    struct PointList: Content {
        var count: Int
        var servicePoints: [PointView]
    }

    /// Filters: kind, region (subtree), item (points that can accept it today), lat+lon (nearest first), limit.
    func points(req: Request) async throws -> PointList {
        let d = req.jiujin.directory
        var list = d.points
        if let raw = req.queryText("kind") {
            guard let kind = ServicePoint.Kind(rawValue: raw) else { throw APIError.invalid("kind", "站点类型「\(TextLimit.echo(raw))」无效") }
            list = list.filter { $0.kind == kind }
        }
        if let raw = req.queryText("region") {
            guard let code = DivisionCode(raw), d.tree[code] != nil else { throw APIError.invalid("region", "区划代码「\(TextLimit.echo(raw))」无效") }
            list = list.filter { $0.region.isWithin(code) }
        }
        if let code = req.queryText("item") {
            guard let item = d.items[code] else { throw APIError.invalid("item", "事项编码「\(TextLimit.echo(code))」不存在", code: "unknown_item") }
            let today = req.jiujin.today
            let delegations = d.delegations
            list = list.filter { p in
                if let offered = p.offeredItems, !offered.contains(item.code) { return false }
                guard let org = d.organizations[p.orgId] else { return false }
                if case .success = Authority.check(org: org, item: item, action: .accept, on: today, delegations: delegations) { return true }
                return false
            }
        }
        let lat = try req.coordinateParameter("lat")
        let lon = try req.coordinateParameter("lon")
        if (lat == nil) != (lon == nil) { throw APIError.invalid(lat == nil ? "lat" : "lon", "经纬度须同时提供") }
        var distances: [String: Double] = [:]
        if let lat, let lon {
            let here = GeoPoint(lat: lat, lon: lon)
            guard here.isValid else { throw APIError.invalid("lat", "经纬度超出范围") }
            for p in list { distances[p.id] = here.distance(to: p.location) }
            list.sort { distances[$0.id]! < distances[$1.id]! }
        }
        let limit = try req.limitParameter(default: 500)
        let views = list.prefix(limit).map { PointView($0, distance: distances[$0.id]) }
        return PointList(count: list.count, servicePoints: Array(views))
    }

    func point(req: Request) async throws -> PointView {
        let id = req.parameters.get("id") ?? ""
        guard let p = req.jiujin.directory.pointsById[id] else { throw APIError.notFound("服务站点「\(TextLimit.echo(id))」") }
        return PointView(p, distance: nil)
    }
}
