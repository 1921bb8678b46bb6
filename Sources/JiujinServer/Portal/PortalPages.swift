import Fluent
import JiujinCore
import SQLKit
import Vapor

/// One item in a portal list.
struct PortalItem: Encodable, Sendable {
    var code: String
    var name: String
    var department: String
    var badges: [String]
    var limit: String

    init(_ item: ServiceItem, directory: Directory) {
        code = item.code
        name = item.name
        department = directory.name(ofOrg: item.departmentId)
        var b: [String] = []
        if item.isInstant { b.append("即办") }
        if item.isZeroTrip { b.append("零跑动") } else { b.append("跑动\(item.siteVisits)次") }
        if item.onlineDepth == .fullyOnline || item.onlineDepth == .onlineAcceptance { b.append(item.onlineDepth.label) }
        badges = b
        limit = item.isInstant ? "即办" : "承诺\(item.promisedLimitDays)个工作日"
    }
}

/// A village a resident can pick (`镇 · 村`).
struct PlaceOption: Encodable, Sendable {
    var code: String
    var label: String
    var selected: Bool

    /// Every village and community of the county, town by town.
    static func villages(_ tree: RegionTree, selected: String?) -> [PlaceOption] {
        tree.roots.flatMap { county in
            tree.children(of: county.code).flatMap { town in
                tree.children(of: town.code).map { v in
                    PlaceOption(code: v.code.rawValue, label: "\(town.name) · \(v.name)", selected: v.code.rawValue == selected)
                }
            }
        }
    }
}

/// The portal's home (`portal/portal.leaf`): search by Chinese, full pinyin or initials, the high-frequency items,
/// life-event themes, and filters (doable in my village or town, online, zero-trip, 即办).
struct PortalPage: PageContext {
    static let template = "portal/portal"

    struct Theme: Encodable, Sendable {
        var key: String
        var label: String
        var active: Bool
    }

    var layout: PortalLayout
    var query: String
    var places: [PlaceOption]
    /// "village" or "town" when the place filter applies.
    var within: String
    var online: Bool
    var zeroTrip: Bool
    var instant: Bool
    var searching: Bool
    var heading: String
    var results: [PortalItem]
    var popular: [PortalItem]
    var personThemes: [Theme]
    var businessThemes: [Theme]
    var error: String?
}

/// The guide of an item as a resident reads it (`portal/itemguide.leaf`), printable on A4, with the points that can
/// take it in nearest first.
struct ItemGuidePage: PageContext {
    static let template = "portal/itemguide"

    struct MaterialRow: Encodable, Sendable {
        var name: String
        var required: Bool
        var form: String
        var copies: Int
        var format: String
        var fromLibrary: Bool
        var blankForm: String?
        var example: String?
        var note: String?
    }

    struct PointRow: Encodable, Sendable {
        var name: String
        var kind: String
        var address: String
        var distance: String?
        var hours: String
        var phone: String?
        var basis: String
        var agentComes: Bool
    }

    var layout: PortalLayout
    var code: String
    var name: String
    var department: String
    var type: String
    var conditions: String
    var legalBasis: String
    var materials: [MaterialRow]
    var fee: String
    var promisedDays: Int
    var legalDays: Int
    var instant: Bool
    var trips: String
    var online: String
    var canApply: Bool
    var express: Bool
    var appointment: Bool
    var result: String?
    var stages: [String]
    /// 受理层级 and 审批层级: where it is taken in, who decides.
    var acceptLevels: String
    var decisionLevel: String
    var onlinePayment: Bool
    var places: [PlaceOption]
    var located: Bool
    var fromLabel: String?
    var points: [PointRow]

    init(layout: PortalLayout, item: ServiceItem, directory: Directory, storedForms: Set<String>, choices: [ServiceFinder.Choice],
         village: String?, located: Bool) {
        self.layout = layout
        code = item.code
        name = item.name
        department = directory.name(ofOrg: item.departmentId)
        type = item.type.label
        conditions = item.conditions
        legalBasis = item.legalBasis
        func link(_ file: String?) -> String? {
            guard let file, storedForms.contains(file) else { return nil }
            return "/items/\(item.code)/forms/\(file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file)"
        }
        materials = item.materials.map { m in
            MaterialRow(name: m.name, required: m.required, form: m.formLabel, copies: m.copies,
                        format: m.format == .paper ? "纸质" : m.format == .electronic ? "电子" : "纸质或电子", fromLibrary: m.licenceSource != nil,
                        blankForm: link(m.blankForm), example: link(m.example), note: m.note)
        }
        fee = item.fee.amountFen == 0 ? "不收费" : "\(item.fee.display)（\(item.fee.basis)）"
        promisedDays = item.promisedLimitDays
        legalDays = item.legalLimitDays
        instant = item.isInstant
        trips = item.isZeroTrip ? "零跑动（不用跑腿）" : "最多跑\(item.siteVisits)次"
        online = item.onlineDepth.label
        canApply = item.isInUse && (item.onlineDepth == .fullyOnline || item.onlineDepth == .onlineAcceptance)
        express = item.offersExpress
        appointment = item.offersAppointment
        result = item.result?.name
        stages = item.stages
        acceptLevels = RegionLevel.allCases.filter { item.acceptLevels.contains($0) }.map(\.label).joined(separator: "、")
        decisionLevel = item.decisionLevel.label
        onlinePayment = item.offersOnlinePayment && item.fee.amountFen > 0
        places = PlaceOption.villages(directory.tree, selected: village)
        self.located = located
        fromLabel = village.flatMap(DivisionCode.init).map { directory.tree.path(of: $0) } ?? (located ? "您的位置" : nil)
        points = choices.prefix(30).map { c in
            PointRow(name: c.point.name, kind: c.point.kind.label, address: c.point.address, distance: c.distanceText,
                     hours: c.point.openingHours.map(\.summary) ?? c.point.hours, phone: c.point.phone, basis: c.basis,
                     agentComes: c.agentComes)
        }
    }
}

/// The public portal's find and guide pages. Pages for nobody in particular are rendered once per directory version
/// and day and then served as bytes (`EncodedAnswers.page`), so they stay fast for a county's whole population.
struct PortalPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("portal", use: home)
        routes.get("portal", "items", ":code", use: guide)
    }

    func home(req: Request) async throws -> Response {
        let text = req.queryText("q") ?? ""
        let d = req.jiujin.directory
        let theme = req.queryText("theme").flatMap(LifeEvent.init(rawValue:))
        let village = req.queryText("place").flatMap(DivisionCode.init).flatMap { d.tree[$0] }.map(\.code)
        let within = ["village", "town"].contains(req.queryText("within") ?? "") ? req.queryText("within")! : ""
        let flags = (online: req.queryText("online") == "1", zeroTrip: req.queryText("zeroTrip") == "1", instant: req.queryText("instant") == "1")
        return try await req.cachedPortalPage { layout in
            var error: String?
            var query = CatalogQuery(text: String(text.prefix(100)), instantOnly: flags.instant, zeroTripOnly: flags.zeroTrip,
                                     onlineOnly: flags.online, limit: 500)
            if text.count > 100 { error = "搜索词不超过100字" ; query.text = "" }
            let searching = !query.text.isEmpty || theme != nil || flags.online || flags.zeroTrip || flags.instant || (village != nil && !within.isEmpty)
            var hits = d.index.search(query).map(\.item)
            if let theme { hits = theme.items(of: hits) }
            if let village, !within.isEmpty {
                let area = within == "town" ? (village.parent ?? village) : village
                let today = req.jiujin.today
                hits = hits.filter { item in
                    ServiceFinder.points(for: item, in: d, on: today, from: nil).contains { $0.point.region.isWithin(area) }
                }
            }
            let heading = theme.map { "主题服务：\($0.label)" } ?? (query.text.isEmpty ? "筛选结果" : "「\(query.text)」的搜索结果")
            let popular = d.index.search(CatalogQuery(limit: 500)).map(\.item).filter(\.isHighFrequency).prefix(12)
            func themes(_ a: LifeEvent.Audience) -> [PortalPage.Theme] {
                LifeEvent.allCases.filter { $0.audience == a }.map { PortalPage.Theme(key: $0.rawValue, label: $0.label, active: $0 == theme) }
            }
            return PortalPage(layout: layout, query: query.text, places: PlaceOption.villages(d.tree, selected: village?.rawValue),
                              within: within, online: flags.online, zeroTrip: flags.zeroTrip, instant: flags.instant, searching: searching,
                              heading: heading, results: searching ? hits.prefix(100).map { PortalItem($0, directory: d) } : [],
                              popular: popular.map { PortalItem($0, directory: d) },
                              personThemes: themes(.person), businessThemes: themes(.business), error: error)
        }
    }

    func guide(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let d = req.jiujin.directory
        guard let item = d.items[code], item.isInUse else { throw APIError.notFound("事项「\(TextLimit.echo(code))」") }
        let village = req.queryText("village").flatMap(DivisionCode.init).flatMap { d.tree[$0] }.map(\.code)
        let located: GeoPoint? = req.queryText("lat").flatMap(Double.init).flatMap { lat in
            req.queryText("lon").flatMap(Double.init).map { GeoPoint(lat: lat, lon: $0) }
        }.flatMap { $0.isValid ? $0 : nil }
        let today = req.jiujin.today
        let db = req.db
        return try await req.cachedPortalPage(cacheable: located == nil, title: item.name) { layout in
            // Read once per kept page: an uploaded form changes the directory's version, and so the key.
            let forms = Set(try await sqlDatabase(db).raw("SELECT DISTINCT file_name FROM item_forms WHERE item_code = \(bind: code)").all()
                .map { try $0.decode(column: "file_name", as: String.self) })
            let origin = located ?? village.flatMap { ServiceFinder.origin(of: $0, in: d.tree) }
            let choices = ServiceFinder.points(for: item, in: d, on: today, from: origin, village: village)
            return ItemGuidePage(layout: layout, item: item, directory: d, storedForms: forms, choices: choices, village: village?.rawValue,
                                 located: located != nil)
        }
    }
}

extension Request {
    /// Renders a portal page; for nobody signed in (the page then shows nothing personal) it is kept by path, query
    /// and mode until the directory or the day changes.
    func cachedPortalPage<P: PageContext>(cacheable: Bool = true, title: String? = nil,
                                          _ make: @escaping @Sendable (PortalLayout) async throws -> P) async throws -> Response {
        let layout = portalLayout(title: title ?? "办事大厅", section: "home")
        let key = url.path + "?" + (url.query ?? "") + (layout.elder ? "#elder" : "")
        guard cacheable, storage[ResidentKey.self] == nil, key.count <= 600 else { return try await render(try await make(layout)) }
        let d = jiujin.directory
        return try await jiujin.answers.page(key: key, version: d.version, day: jiujin.today) {
            try await self.view.render(P.template, try await make(layout)).data
        }
    }
}
