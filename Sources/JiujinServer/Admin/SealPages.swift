import Fluent
import JiujinCore
import Vapor

/// The seals page (`admin/seals.leaf`): numbered approval seals of bureaus and towns, and the form for a new one.
struct SealsPage: PageContext {
    static let template = "admin/seals"

    struct Row: Encodable, Sendable {
        var id: String
        var number: String
        var name: String
        var owner: String
        var holder: String
        var active: Bool
    }

    var layout: LayoutContext
    var rows: [Row]
    var owners: [Option]
    var holders: [Option]
    var error: String?

    init(layout: LayoutContext, seals: [SealModel], directory d: Directory, error: String?) {
        rows = seals.map {
            Row(id: $0.id ?? "", number: $0.number, name: $0.name, owner: d.name(ofOrg: $0.ownerOrgId), holder: d.name(ofOrg: $0.holderOrgId),
                active: $0.active)
        }
        owners = d.organizations.values.filter { $0.kind == .department }.sorted { $0.id < $1.id }
            .map { Option(value: $0.id, label: $0.name, selected: false) }
        holders = d.organizations.values.filter { $0.kind != .village }.sorted { $0.id < $1.id }
            .map { Option(value: $0.id, label: $0.name, selected: false) }
        self.layout = layout
        self.error = error
    }
}

/// Seals (印章管理), kept by administrators and supervisors. A change reloads the directory at once:
/// decisions sign with the holder's active seal.
struct SealPages: RouteCollection {
    static let roles = DelegationPages.roles

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "seals", use: seals)
        routes.post("admin", "seals", use: createSeal)
        routes.post("admin", "seals", ":id", "retire", use: retireSeal)
    }


    func seals(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await renderSeals(req, error: nil, status: .ok)
    }

    func renderSeals(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let seals = try await SealModel.query(on: req.db).filter(\.$holderOrgId !~ "village-").sort(\.$number).all()
        return try await req.render(SealsPage(layout: req.layout(title: "印章管理", section: "seals"), seals: seals,
                                              directory: req.jiujin.directory, error: error), status: status)
    }

    struct SealForm: Content {
        var number: String
        var name: String
        var ownerOrgId: String
        var holderOrgId: String
    }

    func createSeal(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
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
            return try await renderSeals(req, error: "印章编号「\(TextLimit.echo(number))」已存在", status: .conflict)
        }
        let seal = SealModel(id: "seal-\(UUID().uuidString.prefix(8).lowercased())", number: number, name: name,
                             ownerOrgId: form.ownerOrgId, holderOrgId: form.holderOrgId, at: req.jiujin.now())
        let now = req.jiujin.now()
        try await req.jiujin.write(req.db) { tx in
            try await seal.create(on: tx)
            try await AdminChangeModel(.seal, seal.id ?? "", action: "created", by: staff.staff, reason: "\(number) \(name)", at: now).create(on: tx)
        }
        try await req.jiujin.reloadDirectory(req.db)
        return req.redirect(to: "/admin/seals?done=seal")
    }

    struct RetireForm: Content {
        var reason: String?
    }

    /// Retiring a seal retires its signing keys with it: nothing can be signed with them afterwards, and a
    /// certificate claiming a later issue day fails verification.
    func retireSeal(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        guard let seal = try await SealModel.find(String((req.parameters.get("id") ?? "").prefix(60)), on: req.db) else {
            throw APIError.notFound("印章")
        }
        let form = try req.content.decode(RetireForm.self)
        guard let reason = form.reason?.trimmed.nonEmpty, reason.count <= 300 else {
            return try await renderSeals(req, error: "请填写停用原因（300字以内）", status: .unprocessableEntity)
        }
        guard seal.active else { return try await renderSeals(req, error: "该印章已停用", status: .conflict) }
        let now = req.jiujin.now()
        seal.active = false
        seal.retiredAt = now
        try await req.jiujin.write(req.db) { tx in
            try await seal.save(on: tx)
            try await SealKeys.retireAll(sealId: seal.id ?? "", at: now, on: tx)
            try await AdminChangeModel(.seal, seal.id ?? "", action: "retired", by: staff.staff, reason: reason, at: now).create(on: tx)
        }
        try await req.jiujin.reloadDirectory(req.db)
        return req.redirect(to: "/admin/seals?done=seal")
    }
}
