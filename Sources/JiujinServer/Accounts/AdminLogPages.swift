import Fluent
import Foundation
import JiujinCore
import Vapor

/// The administration log (管理日志, `admin/adminlog.leaf`): every administrative change — accounts, regions,
/// organisations, points, items, seals, keys, certificates, delegations — newest first, with who, when, why and the
/// fields that changed (before → after); filtered by kind, subject, actor and days. Administrators and supervisors.
struct AdminLogPage: PageContext {
    static let template = "admin/adminlog"
    var layout: LayoutContext
    var kinds: [Choice]
    var subject: String
    var actor: String
    var from: String
    var to: String
    var entries: [Entry]
    var truncated: Bool

    struct Choice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Entry: Encodable {
        var at: String
        var kind: String
        var subjectId: String
        var action: String
        var actor: String
        var reason: String
        var fields: [Field]
    }

    struct Field: Encodable {
        var name: String
        var before: String
        var after: String
    }
}

struct AdminLogRoutes: RouteCollection {
    static let roles: Set<ActorRole> = [.administrator, .supervisor]
    static let limit = 200
    static let kindLabels: [(AdminChangeModel.Subject, String)] = [
        (.account, "账号"), (.region, "区划"), (.organization, "机构"), (.point, "站点"), (.item, "事项"), (.seal, "印章"),
        (.key, "签章密钥"), (.certificate, "证照"), (.delegation, "委托"),
    ]

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "log", use: page)
    }

    func page(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        let kind = req.queryText("kind").flatMap(AdminChangeModel.Subject.init)
        let subject = String((req.queryText("subject") ?? "").prefix(64))
        let actor = String((req.queryText("actor") ?? "").prefix(64))
        let from = req.queryText("from").flatMap(LocalDate.init)
        let to = req.queryText("to").flatMap(LocalDate.init)
        var query = AdminChangeModel.query(on: req.db).sort(\.$at, .descending).limit(Self.limit + 1)
        if let kind { query = query.filter(\.$subjectKind == kind.rawValue) }
        if !subject.isEmpty { query = query.filter(\.$subjectId == subject) }
        if !actor.isEmpty { query = query.filter(\.$actorId == actor) }
        if let from { query = query.filter(\.$at >= Self.start(of: from)) }
        if let to { query = query.filter(\.$at < Self.start(of: to.adding(days: 1))) }
        let rows = try await query.all()
        let labels = Dictionary(uniqueKeysWithValues: Self.kindLabels.map { ($0.0.rawValue, $0.1) })
        let entries = rows.prefix(Self.limit).map { r in
            AdminLogPage.Entry(at: Printed.time(r.at), kind: labels[r.subjectKind] ?? r.subjectKind, subjectId: r.subjectId, action: r.action,
                               actor: r.actorId, reason: r.reason ?? "", fields: Self.changedFields(before: r.beforeJSON, after: r.afterJSON))
        }
        return try await req.render(AdminLogPage(
            layout: req.layout(title: "管理日志", section: "log"),
            kinds: Self.kindLabels.map { .init(value: $0.0.rawValue, label: $0.1, selected: $0.0 == kind) },
            subject: subject, actor: actor, from: from?.description ?? "", to: to?.description ?? "", entries: Array(entries),
            truncated: rows.count > Self.limit))
    }

    /// Midnight of a day in Beijing time (China keeps no daylight saving).
    static func start(of day: LocalDate) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.dayNumber * 86_400 - TimeZone.china.secondsFromGMT()))
    }

    /// The top-level fields that differ between two JSON objects, as short text (personal data never reaches the log:
    /// phones are masked).
    static func changedFields(before: String?, after: String?) -> [AdminLogPage.Field] {
        func object(_ s: String?) -> [String: Any] {
            guard let s, let o = try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any] else { return [:] }
            return o
        }
        let (a, b) = (object(before), object(after))
        func text(_ key: String, _ v: Any?) -> String {
            guard let v, !(v is NSNull) else { return "—" }
            var s: String
            if let str = v as? String { s = str } else if let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed]) {
                s = String(decoding: data, as: UTF8.self)
            } else { s = "\(v)" }
            if key == "phone" { s = Masking.phone(s) }
            return s.count > 200 ? String(s.prefix(200)) + "…" : s
        }
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let (x, y) = (text(key, a[key]), text(key, b[key]))
            return x == y ? nil : AdminLogPage.Field(name: key, before: before == nil ? "" : x, after: y)
        }
    }
}
