import Fluent
import JiujinCore
import Vapor

/// Delegations and seals, kept by administrators and supervisors.
struct AdminPages: RouteCollection {
    static let roles: Set<ActorRole> = [.administrator, .supervisor]

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "delegations", use: delegations)
        routes.post("admin", "delegations", use: createDelegation)
        routes.post("admin", "delegations", ":id", "revoke", use: revoke)
        routes.post("admin", "delegations", ":id", "extend", use: extend)
        routes.get("admin", "seals", use: seals)
        routes.post("admin", "seals", use: createSeal)
        routes.post("admin", "seals", ":id", "retire", use: retireSeal)
    }

    struct DelegationRow: Encodable {
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

    struct ItemChoice: Encodable {
        var code: String
        var name: String
    }

    struct DepartmentItems: Encodable {
        var name: String
        var items: [ItemChoice]
    }

    struct DelegationsPage: Encodable {
        var layout: LayoutContext
        var rows: [DelegationRow]
        var targets: [WindowPages.Option]
        var departments: [DepartmentItems]
        var today: String
        var error: String?
    }

    func delegations(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await renderDelegations(req, error: nil, status: .ok)
    }

    func renderDelegations(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let d = req.jiujin.directory
        let today = req.jiujin.today
        let all = try await DelegationModel.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id).all().map { try $0.domain() }
        let rows = all.map { del -> DelegationRow in
            let names = del.itemCodes.compactMap { d.items[$0]?.name }
            let state: String
            if let r = del.revokedOn, today >= r { state = "已撤销（\(r)）" }
            else if today < del.validFrom { state = "未生效" }
            else if let to = del.validTo, today > to { state = "已到期" }
            else { state = "有效" }
            return DelegationRow(id: del.id, documentNumber: del.documentNumber, fromName: d.organizations[del.fromOrgId]?.name ?? del.fromOrgId,
                                 toName: d.organizations[del.toOrgId]?.name ?? del.toOrgId,
                                 items: names.prefix(3).joined(separator: "、") + (names.count > 3 ? " 等" : ""), itemCount: names.count,
                                 scope: [del.canAccept ? "受理" : nil, del.canDecide ? "审批" : nil].compactMap { $0 }.joined(separator: "、"),
                                 window: "\(del.validFrom) 至 \(del.validTo?.description ?? "长期")", state: state,
                                 active: del.isActive(on: today), revoked: del.revokedOn != nil, seal: del.sealNumber)
        }
        let targets = d.organizations.values.filter { $0.kind == .town }.sorted { $0.region < $1.region }
            .map { WindowPages.Option(value: $0.id, label: $0.name, selected: false) }
        let departments = d.organizations.values.filter { $0.kind == .department }.sorted { $0.id < $1.id }.compactMap { dept -> DepartmentItems? in
            let items = d.items.values.filter { $0.departmentId == dept.id }.sorted { $0.code < $1.code }
            return items.isEmpty ? nil : DepartmentItems(name: dept.name, items: items.map { ItemChoice(code: $0.code, name: $0.name) })
        }
        let page = DelegationsPage(layout: .make(req, title: "委托管理", section: "delegations"), rows: rows, targets: targets,
                                   departments: departments, today: today.description, error: error)
        return try await req.render("admin-delegations", page, status: status)
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
    }

    func createDelegation(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let form = try req.content.decode(DelegationForm.self)
        let towns = req.jiujin.directory.organizations.values.filter { $0.kind == .town }.map(\.id)
        let draft = DelegationService.Draft(documentNumber: form.documentNumber,
                                            toOrgIds: form.allTowns == "on" ? towns : (form.toOrgIds ?? []),
                                            itemCodes: form.itemCodes ?? [], canAccept: form.canAccept == "on",
                                            canDecide: form.canDecide == "on", validFrom: form.validFrom, validTo: form.validTo)
        do {
            _ = try await DelegationService(req: req).create(draft, by: staff)
        } catch let e as APIError {
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
            _ = try await DelegationService(req: req).revoke(id: req.parameters.get("id") ?? "", wholeDocument: form.wholeDocument == "on",
                                                              reason: form.reason, by: staff)
        } catch let e as APIError {
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
            _ = try await DelegationService(req: req).extend(id: req.parameters.get("id") ?? "",
                                                              until: try req.content.decode(ExtendForm.self).validTo, by: staff)
        } catch let e as APIError {
            return try await renderDelegations(req, error: e.message, status: e.status)
        }
        return req.redirect(to: "/admin/delegations?done=delegation")
    }

    // MARK: seals

    struct SealRow: Encodable {
        var id: String
        var number: String
        var name: String
        var owner: String
        var holder: String
        var active: Bool
    }

    struct SealsPage: Encodable {
        var layout: LayoutContext
        var rows: [SealRow]
        var owners: [WindowPages.Option]
        var holders: [WindowPages.Option]
        var error: String?
    }

    func seals(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await renderSeals(req, error: nil, status: .ok)
    }

    func renderSeals(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let d = req.jiujin.directory
        let rows = try await SealModel.query(on: req.db).filter(\.$holderOrgId !~ "village-").sort(\.$number).all().map {
            SealRow(id: $0.id!, number: $0.number, name: $0.name, owner: d.organizations[$0.ownerOrgId]?.name ?? $0.ownerOrgId,
                    holder: d.organizations[$0.holderOrgId]?.name ?? $0.holderOrgId, active: $0.active)
        }
        let owners = d.organizations.values.filter { $0.kind == .department }.sorted { $0.id < $1.id }
            .map { WindowPages.Option(value: $0.id, label: $0.name, selected: false) }
        let holders = d.organizations.values.filter { $0.kind != .village }.sorted { $0.id < $1.id }
            .map { WindowPages.Option(value: $0.id, label: $0.name, selected: false) }
        return try await req.render("admin-seals", SealsPage(layout: .make(req, title: "印章管理", section: "seals"), rows: rows,
                                                              owners: owners, holders: holders, error: error), status: status)
    }

    struct SealForm: Content {
        var number: String
        var name: String
        var ownerOrgId: String
        var holderOrgId: String
    }

    func createSeal(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        let form = try req.content.decode(SealForm.self)
        let d = req.jiujin.directory
        let number = form.number.trimmed
        let name = form.name.trimmed
        guard !number.isEmpty, number.count <= 40, !name.isEmpty, name.count <= 100 else {
            return try await renderSeals(req, error: "请填写印章编号（40字以内）和名称", status: .unprocessableEntity)
        }
        guard d.organizations[form.ownerOrgId]?.kind == .department, d.organizations[form.holderOrgId] != nil else {
            return try await renderSeals(req, error: "请选择发章部门和持章机构", status: .unprocessableEntity)
        }
        guard try await SealModel.query(on: req.db).filter(\.$number == number).count() == 0 else {
            return try await renderSeals(req, error: "印章编号「\(number)」已存在", status: .conflict)
        }
        let seal = SealModel(id: "seal-\(UUID().uuidString.prefix(8).lowercased())", number: number, name: name,
                             ownerOrgId: form.ownerOrgId, holderOrgId: form.holderOrgId, at: req.jiujin.now())
        try await req.jiujin.gate.run { try await seal.create(on: req.db) }
        return req.redirect(to: "/admin/seals?done=seal")
    }

    func retireSeal(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        guard let seal = try await SealModel.find(req.parameters.get("id"), on: req.db) else { throw APIError.notFound("印章") }
        seal.active = false
        seal.retiredAt = req.jiujin.now()
        try await req.jiujin.gate.run { try await seal.save(on: req.db) }
        return req.redirect(to: "/admin/seals?done=seal")
    }
}
