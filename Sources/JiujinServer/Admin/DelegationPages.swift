import Fluent
import JiujinCore
import Vapor

/// The delegations page (`admin/delegations.leaf`): every delegation with its state, and the form for a new document.
struct DelegationsPage: PageContext {
    static let template = "admin/delegations"

    struct Row: Encodable, Sendable {
        var id: String
        var documentNumber: String
        var fromName: String
        var toName: String
        var items: String
        var itemCount: Int
        var scope: String
        var window: String
        var state: String
        var active: Bool
        var revoked: Bool
        var seal: String?
    }

    struct ItemChoice: Encodable, Sendable {
        var code: String
        var name: String
    }

    struct DepartmentItems: Encodable, Sendable {
        var name: String
        var items: [ItemChoice]
    }

    var layout: LayoutContext
    var rows: [Row]
    var targets: [Option]
    /// Village (community) stations, each with its town: delegations reach them as well as towns.
    var villages: [Option]
    var departments: [DepartmentItems]
    var today: String
    var error: String?

    init(layout: LayoutContext, delegations: [Delegation], directory d: Directory, today: LocalDate, error: String?) {
        rows = delegations.map { del in
            let names = del.itemCodes.compactMap { d.items[$0]?.name }
            let state: String
            if let r = del.revokedOn, today >= r { state = "已撤销（\(r)）" }
            else if today < del.validFrom { state = "未生效" }
            else if let to = del.validTo, today > to { state = "已到期" }
            else { state = "有效" }
            return Row(id: del.id, documentNumber: del.documentNumber, fromName: d.name(ofOrg: del.fromOrgId), toName: d.name(ofOrg: del.toOrgId),
                       items: names.prefix(3).joined(separator: "、") + (names.count > 3 ? " 等" : ""), itemCount: names.count,
                       scope: [del.canAccept ? "受理" : nil, del.canDecide ? "审批" : nil].compactMap { $0 }.joined(separator: "、"),
                       window: "\(del.validFrom) 至 \(del.validTo?.description ?? "长期")", state: state,
                       active: del.isActive(on: today), revoked: del.revokedOn != nil, seal: del.sealNumber)
        }
        targets = d.organizations.values.filter { $0.kind == .town }.sorted { $0.region < $1.region }
            .map { Option(value: $0.id, label: $0.name, selected: false) }
        villages = d.organizations.values.filter { $0.kind == .village }.sorted { $0.region < $1.region }.map { v in
            let town = v.region.parent.flatMap { d.tree[$0]?.name }
            return Option(value: v.id, label: (town.map { $0 + " · " } ?? "") + v.name, selected: false)
        }
        departments = d.organizations.values.filter { $0.kind == .department }.sorted { $0.id < $1.id }.compactMap { dept in
            let items = d.items.values.filter { $0.departmentId == dept.id }.sorted { $0.code < $1.code }
            return items.isEmpty ? nil : DepartmentItems(name: dept.name, items: items.map { ItemChoice(code: $0.code, name: $0.name) })
        }
        self.layout = layout
        self.today = today.description
        self.error = error
    }
}

/// Delegations (委托管理), kept by administrators and supervisors.
struct DelegationPages: RouteCollection {
    /// Granting decision authority is the business's (supervisors), not IT's (administrators).
    static let roles: Set<ActorRole> = [.supervisor]

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "delegations", use: delegations)
        routes.post("admin", "delegations", use: createDelegation)
        routes.post("admin", "delegations", ":id", "revoke", use: revoke)
        routes.post("admin", "delegations", ":id", "extend", use: extend)
    }

    func delegations(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await renderDelegations(req, error: nil, status: .ok)
    }

    func renderDelegations(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let all = try await DelegationModel.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id).all().map { try $0.domain() }
        let page = DelegationsPage(layout: req.layout(title: "委托管理", section: "delegations"), delegations: all,
                                   directory: req.jiujin.directory, today: req.jiujin.today, error: error)
        return try await req.render(page, status: status)
    }

    struct DelegationForm: Content {
        var documentNumber: String
        var toOrgIds: [String]?
        var allTowns: String?
        var itemCodes: [String]?
        var canAccept: String?
        var canDecide: String?
        var validFrom: String
        var validTo: String?
        var backdateReason: String?
    }

    func createDelegation(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let form = try req.content.decode(DelegationForm.self)
        let towns = req.jiujin.directory.organizations.values.filter { $0.kind == .town }.map(\.id)
        let draft = DelegationService.Draft(documentNumber: form.documentNumber,
                                            toOrgIds: form.allTowns == "on" ? towns : (form.toOrgIds ?? []),
                                            itemCodes: form.itemCodes ?? [], canAccept: form.canAccept == "on",
                                            canDecide: form.canDecide == "on", validFrom: form.validFrom, validTo: form.validTo,
                                            backdateReason: form.backdateReason)
        do {
            _ = try await DelegationService(req).create(draft, by: staff)
        } catch {
            let e = JSONErrorMiddleware.map(error)
            guard e.status != .internalServerError else { throw error }
            return try await renderDelegations(req, error: e.message, status: e.status)
        }
        return req.redirect(to: "/admin/delegations?done=delegation")
    }

    struct RevokeForm: Content {
        var reason: String
        var wholeDocument: String?
    }

    func revoke(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let form = try req.content.decode(RevokeForm.self)
        do {
            _ = try await DelegationService(req).revoke(id: req.parameters.get("id") ?? "", wholeDocument: form.wholeDocument == "on",
                                                              reason: form.reason, by: staff)
        } catch {
            let e = JSONErrorMiddleware.map(error)
            guard e.status != .internalServerError else { throw error }
            return try await renderDelegations(req, error: e.message, status: e.status)
        }
        return req.redirect(to: "/admin/delegations?done=revoked")
    }

    struct ExtendForm: Content {
        var validTo: String
    }

    func extend(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        do {
            _ = try await DelegationService(req).extend(id: req.parameters.get("id") ?? "",
                                                              until: try req.content.decode(ExtendForm.self).validTo, by: staff)
        } catch {
            let e = JSONErrorMiddleware.map(error)
            guard e.status != .internalServerError else { throw error }
            return try await renderDelegations(req, error: e.message, status: e.status)
        }
        return req.redirect(to: "/admin/delegations?done=delegation")
    }
}
