import Fluent
import JiujinCore
import Vapor

/// One window (综合受理) and the village agent's proxy intake (帮办代办):
/// find any item, take the applicant and materials, then accept, issue a
/// one-time notice, or refuse at intake.
struct WindowPages: RouteCollection {
    static let roles: Set<ActorRole> = [.windowClerk, .villageAgent]

    func boot(routes: RoutesBuilder) throws {
        routes.get("window", use: search)
        routes.get("window", "items", ":code", use: form)
        routes.post("window", "items", ":code", use: submit)
    }

    struct ItemRow: Encodable {
        var code: String
        var name: String
        var department: String
        var kind: String
        var promisedDays: Int
        var zeroTrip: Bool
        var colour: String
        var colourLabel: String
        var acceptable: Bool
    }

    struct SearchPage: Encodable {
        var layout: LayoutContext
        var q: String
        var isAgent: Bool
        var items: [ItemRow]
        var searched: Bool
    }

    func search(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let q = String((req.query[String.self, at: "q"] ?? "").prefix(100))
        let d = req.jiujin.directory
        let today = req.jiujin.today
        let delegations = try await CaseService(req: req).activeDelegations()
        let hits = d.index.search(CatalogQuery(text: q, limit: q.isEmpty ? 30 : 50))
        let rows = hits.map { hit -> ItemRow in
            let item = hit.item
            let colour = Authority.agentColour(station: staff.org, item: item, on: today, delegations: delegations)
            let acceptable = colour != .red
            return ItemRow(code: item.code, name: item.name, department: d.organizations[item.departmentId]?.name ?? "",
                           kind: item.isInstant ? "即办件" : "承诺件", promisedDays: item.promisedLimitDays, zeroTrip: item.isZeroTrip,
                           colour: colour.rawValue, colourLabel: colour.label, acceptable: acceptable)
        }
        let page = SearchPage(layout: .make(req, title: staff.role == .villageAgent ? "帮办代办" : "综合受理", section: "window"),
                              q: q, isAgent: staff.role == .villageAgent, items: rows, searched: !q.isEmpty)
        return try await req.render("window", page)
    }

    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct MaterialRow: Encodable {
        var name: String
        var required: Bool
        var formLabel: String
        var copies: Int
        var waivable: Bool
        var licence: String?
        var checked: Bool
    }

    struct FormValues: Content {
        var kind: String?
        var name: String?
        var idNumber: String?
        var creditCode: String?
        var legalRepresentative: String?
        var phone: String?
        var regionCode: String?
        var pointId: String?
        var provided: [String]?
        var decision: String?
        var reason: String?
        var comment: String?
        var authScope: String?
        var authSignedOn: String?
        var authValidUntil: String?
    }

    struct FormPage: Encodable {
        var layout: LayoutContext
        var item: ItemView
        var colour: String
        var colourLabel: String
        var materials: [MaterialRow]
        var points: [Option]
        var regions: [Option]
        var isAgent: Bool
        var values: FormValues
        var error: String?
        var errorField: String?
        /// The licence library was consulted for this applicant: 免提交 marks are final.
        var libraryChecked: Bool
    }

    struct ItemView: Encodable {
        var code: String
        var name: String
        var department: String
        var typeLabel: String
        var isInstant: Bool
        var promisedDays: Int
        var legalDays: Int
        var fee: String
        var conditions: String
        var legalBasis: String
        var result: String?
        var stages: String
        var siteVisits: Int
    }

    func form(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let item = try req.jiujin.directory.item(req.parameters.get("code") ?? "")
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
        let delegations = try await CaseService(req: req).activeDelegations()
        let colour = Authority.agentColour(station: staff.org, item: item, on: req.jiujin.today, delegations: delegations)
        let provided = Set(values.provided ?? [])
        let submitted = values.provided != nil
        let materials = item.materials.map { m in
            MaterialRow(name: m.name, required: m.required, formLabel: m.formLabel, copies: m.copies,
                        waivable: m.licenceSource.map { held?.contains($0) ?? false } ?? false,
                        licence: m.licenceSource, checked: submitted ? provided.contains(m.name) : false)
        }
        let mobile: Set<ServicePoint.Kind> = [.serviceBus, .selfService, .partnerBank, .partnerPost, .partnerShop, .partnerOther]
        // The member's own centre or station first and chosen by default; then the bus, terminals and partner points
        // they may work at, if those offer this item.
        let usable = d.points.filter { p in
            (p.orgId == staff.org.id || (mobile.contains(p.kind) && (staff.seesWholeCounty || p.region.isWithin(staff.scope))))
                && (p.offeredItems?.contains(item.code) ?? true)
        }.sorted { a, b in
            let ownA = a.orgId == staff.org.id && !mobile.contains(a.kind), ownB = b.orgId == staff.org.id && !mobile.contains(b.kind)
            return ownA != ownB ? ownA : a.id < b.id
        }
        let chosen = values.pointId ?? usable.first?.id
        let points = usable.map { Option(value: $0.id, label: "\($0.name)（\($0.kind.label)）", selected: $0.id == chosen) }
        let regionPool = d.tree.byCode.values.filter { $0.level != .county && $0.code.isWithin(staff.scope) }.sorted { $0.code < $1.code }
        let regions = regionPool.map { r in
            Option(value: r.code.rawValue, label: d.tree.path(of: r.code).replacingOccurrences(of: "\(d.tree.roots.first?.name ?? "") / ", with: ""),
                   selected: r.code.rawValue == (values.regionCode ?? staff.org.region.rawValue))
        }
        let view = ItemView(code: item.code, name: item.name, department: d.organizations[item.departmentId]?.name ?? "",
                            typeLabel: item.type.label, isInstant: item.isInstant, promisedDays: item.promisedLimitDays,
                            legalDays: item.legalLimitDays, fee: item.fee.display, conditions: item.conditions,
                            legalBasis: item.legalBasis, result: item.result?.name, stages: item.stages.joined(separator: " → "),
                            siteVisits: item.siteVisits)
        let page = FormPage(layout: .make(req, title: "受理：\(item.name)", section: "window"), item: view, colour: colour.rawValue,
                            colourLabel: colour.label, materials: materials, points: points, regions: regions,
                            isAgent: staff.role == .villageAgent, values: values, error: error?.message, errorField: error?.field,
                            libraryChecked: held != nil)
        return try await req.render("intake", page, status: status)
    }

    func submit(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let item = try req.jiujin.directory.item(req.parameters.get("code") ?? "")
        let values = try req.content.decode(FormValues.self)
        if values.decision == "lookup" {
            // 查询证照库: show which materials the library already holds for this applicant.
            let number = ((values.kind ?? "person") == "person" ? values.idNumber : values.creditCode)?.trimmed.uppercased() ?? ""
            guard !number.isEmpty else {
                return try await renderForm(req, staff: staff, item: item, values: values,
                                            error: .invalid("idNumber", "请先填写身份证号码或统一社会信用代码再查询证照库"),
                                            status: .unprocessableEntity)
            }
            let held = try await CertificateService(req: req).libraryTypes(holderNumber: number)
            return try await renderForm(req, staff: staff, item: item, values: values, error: nil, status: .ok, held: held)
        }
        let person = (values.kind ?? "person") == "person"
        let body = IntakeRequest(
            itemCode: item.code, pointId: values.pointId?.nonEmpty, channel: nil, regionCode: values.regionCode?.nonEmpty,
            applicant: ApplicantInput(kind: values.kind ?? "person", name: values.name ?? "",
                                      idNumber: person ? values.idNumber : nil, creditCode: person ? nil : values.creditCode,
                                      legalRepresentative: person ? nil : values.legalRepresentative, phone: values.phone ?? ""),
            materials: item.materials.map { MaterialCheck(name: $0.name, provided: (values.provided ?? []).contains($0.name)) },
            decision: values.decision, reason: values.reason?.trimmed.nonEmpty,
            comment: (values.decision ?? "accept") == "accept" ? values.reason?.trimmed.nonEmpty : values.comment?.trimmed.nonEmpty,
            authorization: staff.role == .villageAgent
                ? AuthorizationInput(scope: values.authScope ?? "", signedOn: values.authSignedOn ?? "", validUntil: values.authValidUntil ?? "")
                : nil)
        do {
            let model = try await CaseService(req: req).intake(body, staff: staff)
            let id = model.id!.uuidString
            switch CaseStatus(rawValue: model.status) {
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
