import Fluent
import QRCode
import JiujinCore
import Vapor

/// The printable documents of a case, on A4: 受理回执, 一次性告知书,
/// 不予受理决定书, 审批决定书 and 授权委托书. Each carries the county's name
/// and, where an organisation signs, its seal number.
struct DocumentPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        for kind in ["receipt", "notice", "refusal", "decision", "authorization"] {
            routes.get("cases", ":id", .constant(kind)) { req in try await render(req, kind: kind) }
        }
    }

    struct MissingLine: Encodable {
        var name: String
        var requirement: String
    }

    struct Document: Encodable {
        var title: String
        var caseId: String
        var county: String
        var number: String
        var itemName: String
        var applicantName: String
        var applicantId: String?
        var applicantPhone: String
        var date: String
        var acceptedOn: String?
        var deadline: String?
        var promisedDays: Int
        var pointName: String?
        var pointPhone: String?
        var pointAddress: String?
        var staffName: String?
        var acceptingOrgName: String?
        var decidingOrgName: String?
        var sealNumber: String?
        var acceptingSeal: String?
        var delegationDocument: String?
        var approved: Bool
        var resultName: String?
        var reason: String?
        var received: [String]
        var missing: [MissingLine]
        var legalBasis: String
        var agentName: String?
        var authScope: String?
        var authSignedOn: String?
        var authValidUntil: String?
        var notice: String?
        /// The QR on the receipt: follow and rate the case (/r).
        var followQR: String?
        var followURL: String?
    }

    static func chineseDate(_ d: LocalDate) -> String { "\(d.year)年\(d.month)月\(d.day)日" }

    func render(_ req: Request, kind: String) async throws -> Response {
        let staff = try req.pageStaff()
        let service = CaseService(req: req)
        let model = try await service.visibleCase(try CaseController.caseID(req), staff: staff)
        let d = req.jiujin.directory
        let item = d.items[model.itemCode]
        let events = try await service.events(of: model)
        let status = CaseStatus(rawValue: model.status) ?? .submitted
        let proxy = try model.proxyJSON.map { try JSONCoding.decode(ProxyRecord.self, $0) }
        switch kind {
        case "receipt": guard model.acceptedOn != nil else { throw APIError.notFound("受理回执") }
        case "notice": guard events.contains(where: { $0.action == .requestSupplement }) else { throw APIError.notFound("一次性告知书") }
        case "refusal": guard status == .rejectedAtIntake else { throw APIError.notFound("不予受理决定书") }
        case "decision": guard model.decidedAt != nil else { throw APIError.notFound("审批决定书") }
        default: guard proxy != nil else { throw APIError.notFound("授权委托书") }
        }
        let lastNotice = events.last { $0.action == .requestSupplement }
        let missingNames = (lastNotice?.details["missing"] ?? "").split(separator: "、").map(String.init)
        let missing = missingNames.map { name in
            let m = item?.materials.first { $0.name == name }
            return MissingLine(name: name, requirement: m.map { "\($0.formLabel) \($0.copies) 份\($0.note.map { "；\($0)" } ?? "")" } ?? "")
        }
        let point = model.pointId.flatMap { d.pointsById[$0] }
        let accepter = try await model.acceptedBy.asyncMap { try await StaffModel.find($0, on: req.db)?.name }
        let acceptingSeal = try await SealModel.query(on: req.db).filter(\.$holderOrgId == (model.acceptingOrgId ?? "")).first()?.number
        let decisionDay = model.decidedAt.map { LocalDate($0, in: .china) } ?? req.jiujin.today
        let followURL = "\(CertificateService.baseURL(req))/r?n=\(model.number)&c=qr"
        let titles = ["receipt": "受理回执", "notice": "一次性告知书", "refusal": "不予受理决定书",
                      "decision": status == .refused || events.contains { $0.action == .refuse } ? "不予许可决定书" : "准予许可（办理）决定书",
                      "authorization": "授权委托书"]
        let doc = Document(
            title: titles[kind]!, caseId: model.id!.uuidString, county: d.tree.roots.first?.name ?? "", number: model.number,
            itemName: model.itemName, applicantName: model.applicantName,
            applicantId: model.applicantIdNumber.map(Masking.residentID) ?? model.applicantCreditCode,
            applicantPhone: Masking.phone(model.applicantPhone),
            date: Self.chineseDate(kind == "decision" ? decisionDay : req.jiujin.today),
            acceptedOn: model.acceptedOn.flatMap(LocalDate.init).map(Self.chineseDate),
            deadline: model.deadline.flatMap(LocalDate.init).map(Self.chineseDate), promisedDays: model.limitDays,
            pointName: point?.name, pointPhone: point?.phone, pointAddress: point?.address, staffName: accepter,
            acceptingOrgName: model.acceptingOrgId.flatMap { d.organizations[$0]?.name },
            decidingOrgName: model.decidingOrgId.flatMap { d.organizations[$0]?.name }, sealNumber: model.sealNumber,
            acceptingSeal: acceptingSeal, delegationDocument: events.last { $0.details["delegation"] != nil }?.details["delegation"],
            approved: !(status == .refused || events.contains { $0.action == .refuse }), resultName: item?.result?.name,
            reason: model.reason, received: (try JSONCoding.decode([StoredMaterial].self, model.materialsJSON)).filter { $0.provided || $0.waivable }
                .map { $0.waivable && !$0.provided ? "\($0.name)（证照库调取，免提交）" : $0.name },
            missing: missing, legalBasis: item?.legalBasis ?? "", agentName: proxy?.authorization.agentName,
            authScope: proxy?.authorization.scope, authSignedOn: proxy.map { Self.chineseDate($0.authorization.signedOn) },
            authValidUntil: proxy.map { Self.chineseDate($0.authorization.validUntil) }, notice: lastNotice?.comment,
            followQR: kind == "receipt" ? try QRCode.encode(followURL, level: .medium).svg() : nil, followURL: followURL)
        return try await req.render("doc-\(kind)", doc)
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
