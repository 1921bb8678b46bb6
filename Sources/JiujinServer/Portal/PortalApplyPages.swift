import Fluent
import JiujinCore
import Vapor

/// Applying online (网上申请, `portal/apply.leaf`): the item's form with what the resident gave on their last case
/// prefilled, one file field per material (opening the phone's camera), the materials the licence library holds
/// marked as waived, the delivery choice and the village, whose town's window pre-reviews it.
struct ApplyPage: PageContext {
    static let template = "portal/apply"

    struct MaterialRow: Encodable, Sendable {
        var index: Int
        var name: String
        var required: Bool
        var form: String
        var note: String?
        /// 证照库已有 (for a number the resident has confirmed): the resident need not upload it.
        var waived: Bool
        /// A licence the library may hold: it is looked up when the application is filed.
        var fromLibrary: Bool
    }

    /// What the form holds (typed, or prefilled from the resident's last case).
    struct Values: Content {
        var kind: String?
        var name: String?
        var idNumber: String?
        var creditCode: String?
        var legalRepresentative: String?
        var regionCode: String?
        var comment: String?
        var deliveryMethod: String?
        var deliveryPoint: String?
        var deliveryAddress: String?

        /// Every value cut to its field's length, so a page never echoes a flood.
        var clipped: Values {
            func cut(_ s: String?, _ n: Int) -> String? { s.map { String($0.prefix(n)) } }
            return Values(kind: cut(kind, 20), name: cut(name, 100), idNumber: cut(idNumber, 40), creditCode: cut(creditCode, 40),
                          legalRepresentative: cut(legalRepresentative, 100), regionCode: cut(regionCode, 20), comment: cut(comment, 500),
                          deliveryMethod: cut(deliveryMethod, 20), deliveryPoint: cut(deliveryPoint, 60), deliveryAddress: cut(deliveryAddress, 200))
        }
    }

    var layout: PortalLayout
    var code: String
    var itemName: String
    var phone: String
    var values: Values
    var materials: [MaterialRow]
    var places: [PlaceOption]
    var points: [Option]
    var express: Bool
    var electronic: Bool
    var maxFileMB: Int
    var error: String?
    var errorField: String?

    init(layout: PortalLayout, item: ServiceItem, phone: String, values: Values, held: Set<String>, directory: Directory, today: LocalDate,
         limits: FileLimits, error: (String, String?)?) {
        self.layout = layout
        code = item.code
        itemName = item.name
        self.phone = phone
        self.values = values.clipped
        materials = item.materials.enumerated().map { i, m in
            MaterialRow(index: i, name: m.name, required: m.required, form: m.formLabel, note: m.note,
                        waived: m.licenceSource.map(held.contains) ?? false, fromLibrary: m.licenceSource != nil)
        }
        places = PlaceOption.villages(directory.tree, selected: values.regionCode)
        let region = values.regionCode.flatMap(DivisionCode.init).flatMap { directory.tree[$0] }?.code
        let choices = ServiceFinder.points(for: item, in: directory, on: today, from: region.flatMap { ServiceFinder.origin(of: $0, in: directory.tree) },
                                           village: region)
        points = choices.prefix(40).map { c in
            Option(value: c.point.id, label: c.point.name + (c.distanceText.map { "（\($0)）" } ?? ""), selected: c.point.id == values.deliveryPoint)
        }
        express = item.offersExpress
        electronic = item.result?.licenceType != nil
        maxFileMB = max(1, limits.perFile / 1_000_000)
        self.error = error?.0
        errorField = error?.1
    }
}

struct PortalApplyPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("portal", "apply", ":code", use: form)
        routes.grouped(RateLimitMiddleware(door: .applications))
            .on(.POST, "portal", "apply", ":code", body: .collect(maxSize: CaseFileRoutes.bodyLimit), use: submit)
    }

    func item(_ req: Request) throws -> ServiceItem {
        let code = String((req.parameters.get("code") ?? "").prefix(40))
        guard let item = req.jiujin.directory.items[code], item.isInUse else { throw APIError.notFound("事项「\(TextLimit.echo(code))」") }
        return item
    }

    func form(req: Request) async throws -> Response {
        let r = try req.pageResident()
        let item = try item(req)
        let last = try await ResidentCases(req: req).cases(of: r, limit: 1).first
        var values = ApplyPage.Values(kind: last?.applicant.kind.rawValue ?? "person", name: last?.applicant.name,
                                      idNumber: last?.applicant.idNumber, creditCode: last?.applicant.creditCode,
                                      legalRepresentative: last?.applicant.legalRepresentative, regionCode: last?.region.rawValue,
                                      deliveryMethod: "pickup")
        if let place = req.queryText("village") { values.regionCode = place }
        return try await render(req, r, item: item, values: values, error: nil, status: .ok)
    }

    func render(_ req: Request, _ r: Resident, item: ServiceItem, values: ApplyPage.Values, error: (String, String?)?,
                status: HTTPStatus) async throws -> Response {
        let number = (values.kind == "organization" ? values.creditCode : values.idNumber)?.trimmed.uppercased() ?? ""
        var held = Set<String>()
        // Only for a number the resident has confirmed at a window or with an agent: the page never tells what the
        // library holds for a number merely typed (the check is made, and logged, when the application is filed).
        let confirmed = ResidentCases.confirmedNumbers(try await ResidentCases(req: req).cases(of: r))
        if confirmed.contains(number) {
            held = try await CertificateService(req).libraryTypes(holderNumber: number, for: item, by: "applicant", purpose: "网上申请",
                                                                  logged: false).held
        }
        let ctx = req.jiujin
        let page = ApplyPage(layout: req.portalLayout(title: "网上申请：\(item.name)", section: "home"), item: item, phone: r.maskedPhone,
                             values: values, held: held, directory: ctx.directory, today: ctx.today, limits: ctx.options.fileLimits,
                             error: error)
        return try await req.render(page, status: status)
    }

    func submit(req: Request) async throws -> Response {
        let r = try req.pageResident()
        let item = try item(req)
        let values = try req.content.decode(ApplyPage.Values.self)
        do {
            guard values.regionCode?.isEmpty == false else { throw ValidationError.field("regionCode", "请选择您所在的村（社区）") }
            let uploads = MaterialUploads.read(req, materials: item.materials.map(\.name))
            let number = (values.kind == "organization" ? values.creditCode : values.idNumber)?.trimmed.uppercased() ?? ""
            let held = number.isEmpty || number.count > 40 ? [] : try await CertificateService(req)
                .libraryTypes(holderNumber: number, for: item, by: "applicant", purpose: "网上申请", logged: false).held
            // Every required material needs its scans, unless the licence library holds it.
            if let m = item.materials.first(where: { m in
                m.required && (uploads[m.name] ?? []).isEmpty && !(m.licenceSource.map(held.contains) ?? false)
            }) {
                throw ValidationError.field("files", "请上传「\(m.name)」的照片或扫描件")
            }
            let applicant = ApplicantInput(kind: values.kind ?? "person", name: values.name ?? "", idNumber: values.idNumber,
                                           creditCode: values.creditCode, legalRepresentative: values.legalRepresentative, phone: r.phone)
            let application = ResidentCases.Application(
                itemCode: item.code, regionCode: values.regionCode ?? "", applicant: applicant,
                materials: item.materials.map { MaterialCheck(name: $0.name, provided: !(uploads[$0.name] ?? []).isEmpty) },
                comment: values.comment?.nonEmpty, deliveryMethod: values.deliveryMethod ?? "pickup",
                deliveryPoint: values.deliveryPoint?.nonEmpty, deliveryAddress: values.deliveryAddress?.nonEmpty)
            let c = try await ResidentCases(req: req).submit(application, uploads: uploads, by: r)
            return req.redirect(to: "/portal/cases/\(c.id.uuidString)?done=applied")
        } catch {
            let e = try RatingPages.refusal(error)
            return try await render(req, r, item: item, values: values, error: (e.message, e.field), status: e.status)
        }
    }
}
