import Fluent
import JiujinCore
import Vapor

/// The items page (`admin/items.leaf`): the catalog with each item's guide version, searchable, with links to edit.
struct ItemsPage: PageContext {
    static let template = "admin/items"
    var layout: LayoutContext
    var q: String
    var status: String
    var rows: [Row]
    var total: Int
    var shown: Int

    struct Row: Encodable, Sendable {
        var code: String
        var href: String
        var name: String
        var department: String
        var levels: String
        var instant: Bool
        var inUse: Bool
        var version: Int
    }
}

/// The service points page (`admin/points.leaf`): every point by kind, tier (基础型/标准型/标杆型 from the 六有一能
/// checklist) and the checklist elements a village station still lacks.
struct PointsPage: PageContext {
    static let template = "admin/points"
    var layout: LayoutContext
    var kinds: [Option]
    var tiers: [Option]
    var lacking: [Option]
    var rows: [Row]
    /// Village stations per tier, for the headline.
    var tally: [Tally]

    struct Row: Encodable, Sendable {
        var id: String
        var href: String
        var name: String
        var kind: String
        var orgName: String
        var tier: String
        var missing: String
        var windows: Int
        var open: Bool
    }

    struct Tally: Encodable, Sendable {
        var label: String
        var count: Int
        var href: String
    }
}

/// Organisations and regions (`admin/places.leaf`).
struct PlacesPage: PageContext {
    static let template = "admin/places"
    var layout: LayoutContext
    var organizations: [Row]
    var regions: [Row]

    struct Row: Encodable, Sendable {
        var code: String
        var href: String
        var name: String
        var kind: String
        var place: String
    }
}

/// Administration pages (目录与站点管理): lists of items, points, organisations and regions, and one form per record
/// (`RecordForms`) for creating and editing, for administrators and supervisors (accounts: administrators).
struct RecordPages: RouteCollection {
    static let listLimit = 300

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "items", use: items)
        routes.get("admin", "points", use: points)
        routes.get("admin", "places", use: places)
        routes.get("admin", "records", ":kind", ":key", use: form)
        routes.on(.POST, "admin", "records", ":kind", ":key", body: .collect(maxSize: ByteCount(value: UploadLimits.recordFormBytes)), use: save)
    }

    static func kind(_ req: Request) throws -> RecordKind {
        guard let kind = RecordKind(rawValue: req.parameters.get("kind") ?? "") else { throw APIError.notFound("页面") }
        return kind
    }

    func items(req: Request) async throws -> Response {
        _ = try req.pageStaff(RecordKind.item.roles)
        let d = req.jiujin.directory
        let q = String((req.queryText("q") ?? "").prefix(50))
        let status = req.queryText("status") ?? ""
        let matching = d.items.values.filter { i in
            (q.isEmpty || i.code.localizedCaseInsensitiveContains(q) || i.name.contains(q))
                && (status.isEmpty || (status == "retired") != i.isInUse)
        }.sorted { $0.code < $1.code }
        let rows = matching.prefix(Self.listLimit).map { i in
            ItemsPage.Row(code: i.code, href: "/admin/records/item/" + RecordForms.escape(i.code), name: i.name,
                             department: d.name(ofOrg: i.departmentId),
                             levels: [RegionLevel.county, .town, .village].filter(i.acceptLevels.contains).map(\.label).joined(separator: "、"),
                             instant: i.isInstant, inUse: i.isInUse, version: d.guideVersions[i.code] ?? 1)
        }
        return try await req.render(ItemsPage(layout: req.layout(title: "事项管理", section: "items"), q: q, status: status,
                                                 rows: Array(rows), total: matching.count, shown: rows.count))
    }

    func points(req: Request) async throws -> Response {
        _ = try req.pageStaff(RecordKind.point.roles)
        let d = req.jiujin.directory
        let kind = req.queryText("kind").flatMap(ServicePoint.Kind.init(rawValue:))
        let tier = req.queryText("tier") ?? ""
        let lacking = req.queryText("lacking") ?? ""
        let stations = d.points.filter { $0.kind == .villageStation }
        func tierKey(_ p: ServicePoint) -> String { p.tier?.rawValue ?? "none" }
        let rows = d.points.filter { p in
            (kind == nil || p.kind == kind) && (tier.isEmpty || p.kind == .villageStation && tierKey(p) == tier)
                && (lacking.isEmpty || p.kind == .villageStation && !(p.checklist?.entries.first { $0.label == lacking }?.met ?? false))
        }
        let tiers = StationTier.allCases.map { ($0.rawValue, $0.label) } + [("none", "未达基础型")]
        let page = PointsPage(
            layout: req.layout(title: "站点管理", section: "points"),
            kinds: ServicePoint.Kind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == kind) },
            tiers: tiers.map { Option(value: $0.0, label: $0.1, selected: $0.0 == tier) },
            lacking: CountySheets.checklistColumns.map { Option(value: $0, label: "缺" + $0.dropFirst(), selected: $0 == lacking) },
            rows: rows.prefix(Self.listLimit).map { p in
                PointsPage.Row(id: p.id, href: "/admin/records/point/" + RecordForms.escape(p.id), name: p.name, kind: p.kind.label,
                                  orgName: d.name(ofOrg: p.orgId),
                                  tier: p.kind == .villageStation ? (p.tier?.label ?? "未达基础型") : "—",
                                  missing: p.kind == .villageStation ? (p.checklist.map { c in c.entries.filter { !$0.met }.map(\.label).joined(separator: "、") }
                                                                        ?? "未填写") : "",
                                  windows: p.windows, open: p.isOpen)
            },
            tally: tiers.map { t in
                PointsPage.Tally(label: t.1, count: stations.filter { tierKey($0) == t.0 }.count, href: "/admin/points?tier=" + t.0)
            })
        return try await req.render(page)
    }

    func places(req: Request) async throws -> Response {
        _ = try req.pageStaff(RecordKind.organization.roles)
        let d = req.jiujin.directory
        let orgs = d.organizations.values.sorted { ($0.region.rawValue, $0.id) < ($1.region.rawValue, $1.id) }.map { o in
            PlacesPage.Row(code: o.id, href: "/admin/records/organization/" + RecordForms.escape(o.id), name: o.name, kind: o.kind.label,
                           place: d.tree[o.region]?.name ?? o.region.rawValue)
        }
        let regions = d.tree.byCode.values.sorted { $0.code < $1.code }.map { r in
            PlacesPage.Row(code: r.code.rawValue, href: "/admin/records/region/" + r.code.rawValue, name: r.name,
                           kind: CountySheets.regionKinds.first { $0.value == r.kind }?.key ?? "",
                           place: r.parent.flatMap { d.tree[$0]?.name } ?? "")
        }
        return try await req.render(PlacesPage(layout: req.layout(title: "机构与区划", section: "places"), organizations: orgs, regions: regions))
    }

    /// The form of one record (`new`: a blank one).
    func form(req: Request) async throws -> Response {
        let kind = try Self.kind(req)
        _ = try req.pageStaff(kind.roles)
        let forms = RecordForms(req: req, kind: kind)
        let key = req.parameters.get("key") ?? ""
        guard key != "new" else {
            let blank = kind == .item ? [[[String]]](repeating: [], count: 2) : []
            return try await forms.page(key: nil, values: [], grids: Self.withSpares(kind, blank), problems: [])
        }
        guard let stored = try await forms.stored(key) else { throw APIError.notFound("\(kind.noun)「\(TextLimit.echo(key))」") }
        return try await forms.page(key: key, values: stored.main, grids: Self.withSpares(kind, stored.grids), problems: [])
    }

    /// An item's grids with blank lines for new materials and stages.
    static func withSpares(_ kind: RecordKind, _ grids: [[[String]]]) -> [(sheet: String, rows: [[String]])] {
        guard kind == .item else { return [] }
        return zip([CountySheets.materialSheet, CountySheets.stageSheet], grids).map { sheet, rows in
            (sheet, rows + Array(repeating: [], count: RecordForms.spareRows))
        }
    }

    func save(req: Request) async throws -> Response {
        let kind = try Self.kind(req)
        let staff = try req.pageStaff(kind.roles)
        let forms = RecordForms(req: req, kind: kind)
        let param = req.parameters.get("key") ?? ""
        let key: String? = param == "new" ? nil : param
        if let key, try await forms.stored(key) == nil { throw APIError.notFound("\(kind.noun)「\(TextLimit.echo(key))」") }
        guard let form = try? req.content.decode([String: String].self) else {
            throw APIError(.badRequest, "bad_form", "表单内容无法读取，请刷新页面后重试")
        }
        let (main, grids) = RecordForms.rows(from: form, kind: kind, key: key)
        if key == nil, let first = main.first, !first.isEmpty, try await forms.exists(first) {
            let column = kind.columns.first ?? ""
            return try await forms.page(key: nil, values: main, grids: Self.withSpares(kind, grids), problems: [
                ImportProblem(sheet: kind.sheet, row: 2, column: column, message: "\(column)「\(TextLimit.echo(first))」已存在：请打开它修改，或换一个编码"),
            ], status: .unprocessableEntity)
        }
        let outcome = try await forms.save(main: main, grids: grids, by: staff.staff)
        guard outcome.problems.isEmpty else {
            return try await forms.page(key: key, values: main, grids: Self.withSpares(kind, grids), problems: outcome.problems,
                                        status: .unprocessableEntity)
        }
        if let code = outcome.codes.first {
            return try await req.render(ActivationPage(
                layout: req.layout(title: "激活码", section: "staff"), username: code.username, name: code.name, code: code.code,
                expires: Printed.time(req.jiujin.now().addingTimeInterval(ActivationCode.lifetime))))
        }
        let saved = CellText.code(main.first ?? "")
        return req.redirect(to: "/admin/records/\(kind.rawValue)/\(RecordForms.escape(key ?? saved))?done=" + (outcome.nothingChanged ? "unchanged" : "saved"))
    }
}
