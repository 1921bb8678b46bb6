import Fluent
import JiujinCore
import Vapor

/// One window (综合受理) and the village agent's proxy intake (帮办代办):
/// find any item, take the applicant and materials, then accept, issue a
/// one-time notice, or refuse at intake.
struct WindowPages: RouteCollection {
    typealias FormValues = IntakePage.FormValues

    static let roles: Set<ActorRole> = ActorRole.frontDesk

    func boot(routes: RoutesBuilder) throws {
        routes.get("window", use: search)
        routes.get("window", "items", ":code", use: form)
        routes.on(.POST, "window", "items", ":code", body: .collect(maxSize: CaseFileRoutes.bodyLimit), use: submit)
    }

    func search(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let q = String((req.queryText("q") ?? "").prefix(100))
        let d = req.jiujin.directory
        let hits = d.index.search(CatalogQuery(text: q, limit: q.isEmpty ? 30 : 50))
        let page = WindowPage(layout: req.layout(title: staff.role == .villageAgent ? "帮办代办" : "综合受理", section: "window"), q: q,
                              staff: staff.staff, hits: hits, directory: d, delegations: d.delegations, today: req.jiujin.today)
        return try await req.render(page)
    }

    func form(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let item = try req.jiujin.directory.item(String((req.parameters.get("code") ?? "").prefix(40)))
        var values = FormValues(kind: "person")
        if staff.role == .villageAgent {
            let today = req.jiujin.today
            values.authScope = "代为申请「\(item.name)」、补正材料、领取办理结果"
            values.authSignedOn = today.description
            values.authValidUntil = today.adding(days: 90).description
        }
        return try await renderForm(req, staff: staff, item: item, values: values, error: nil, status: .ok)
    }

    func renderForm(_ req: Request, staff: AuthenticatedStaff, item: ServiceItem, values: FormValues, error: APIError?,
                    status: HTTPStatus, held: Set<String>? = nil) async throws -> Response {
        let d = req.jiujin.directory
        let page = IntakePage(layout: req.layout(title: "受理：\(item.name)", section: "window"), staff: staff.staff, item: item,
                              values: values.clipped, error: error.map { ($0.message, $0.field) }, held: held, directory: d,
                              delegations: d.delegations, today: req.jiujin.today)
        return try await req.render(page, status: status)
    }

    func submit(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let item = try req.jiujin.directory.item(String((req.parameters.get("code") ?? "").prefix(40)))
        let values = try req.content.decode(FormValues.self)
        if values.decision == "lookup" {
            // 查询证照库: show which materials the library already holds for this applicant.
            let number = ((values.kind ?? "person") == "person" ? values.idNumber : values.creditCode)?.trimmed.uppercased() ?? ""
            guard !number.isEmpty else {
                return try await renderForm(req, staff: staff, item: item, values: values,
                                            error: .invalid("idNumber", "请先填写身份证号码或统一社会信用代码再查询证照库"),
                                            status: .unprocessableEntity)
            }
            let (held, _) = try await CertificateService(req).libraryTypes(holderNumber: String(number.prefix(40)), for: item, by: staff.id,
                                                                      purpose: "受理前查询")
            return try await renderForm(req, staff: staff, item: item, values: values, error: nil, status: .ok, held: held)
        }
        do {
            // Scans and photos taken at the counter, one file field per material (m0[], m1[]…), checked by content.
            let uploads = MaterialUploads.read(req, materials: item.materials.map(\.name))
            var intake = try values.intake(for: item, staff: staff, today: req.jiujin.today)
            let limits = req.jiujin.options.fileLimits
            for (name, list) in uploads { intake.files[name] = try CaseFiles.inspected(list, limits: limits) }
            let store = CaseFiles(req)
            let c = try await CaseService(req).intake(itemCode: item.code, intake, by: staff) { try store.put(uploads.values.flatMap { $0 }) }
            let id = c.id.uuidString
            switch c.status {
            case .needsSupplement: return req.redirect(to: "/cases/\(id)/notice?done=notice")
            case .rejectedAtIntake: return req.redirect(to: "/cases/\(id)/refusal?done=refused_intake")
            default: return req.redirect(to: "/cases/\(id)/receipt?done=accepted")
            }
        } catch {
            let mapped = JSONErrorMiddleware.map(error)
            guard mapped.status != .internalServerError else { throw error }
            return try await renderForm(req, staff: staff, item: item, values: values, error: mapped, status: mapped.status)
        }
    }
}
