import Fluent
import JiujinCore
import QRCode
import Vapor

/// What every printed document of a case carries (`shared/print.leaf` and
/// the head and foot of each document): the county, the case, the
/// applicant (masked), the accepting point, clerk and seal.
struct DocumentHeader: Encodable, Sendable {
    var title: String
    var caseId: String
    var county: String
    var number: String
    var itemName: String
    var applicantName: String
    var applicantId: String?
    var applicantPhone: String
    var date: String
    var staffName: String?
    var acceptingOrgName: String?
    var acceptingSeal: String?
    var pointName: String?
    var pointPhone: String?
    var pointAddress: String?

    init(title: String, view v: CaseView, date: LocalDate) {
        let c = v.c
        self.title = title
        caseId = c.id.uuidString
        county = v.directory.countyName
        number = c.number
        itemName = c.itemName
        applicantName = c.applicant.name
        applicantId = c.applicant.idNumber.map(Masking.residentID) ?? c.applicant.creditCode
        applicantPhone = Masking.phone(c.applicant.phone)
        self.date = Printed.date(date)
        staffName = v.name(of: c.acceptedBy)
        acceptingOrgName = c.acceptingOrgId.flatMap { v.directory.organizations[$0]?.name }
        acceptingSeal = c.acceptingOrgId.flatMap { v.directory.sealNumber(heldBy: $0) }
        pointName = v.point?.name
        pointPhone = v.point?.phone
        pointAddress = v.point?.address
    }
}

/// 受理回执 (`cases/receipt.leaf`), with the QR to follow and rate the case.
struct ReceiptPage: PageContext {
    static let template = "cases/receipt"
    var header: DocumentHeader
    var acceptedOn: String?
    var deadline: String?
    var promisedDays: Int
    /// Received materials; those the library supplied say so.
    var received: [String]
    var followQR: String
    var followURL: String
    /// 查询密码: with the case number it rates and follows the case; the QR carries it.
    var queryCode: String
    /// The page the QR opens, printed for those who type it in.
    var followPage: String

    init(view v: CaseView, today: LocalDate, queryCode: String, followURL: String) throws {
        self.queryCode = queryCode
        let c = v.c
        header = DocumentHeader(title: "受理回执", view: v, date: today)
        acceptedOn = c.acceptedOn.map(Printed.date)
        deadline = c.deadline.map(Printed.date)
        promisedDays = c.limitDays
        received = c.materials.filter { $0.provided || $0.waivable }
            .map { $0.waivable && !$0.provided ? "\($0.name)（证照库调取，免提交）" : $0.name }
        self.followURL = followURL
        followPage = String(followURL.prefix { $0 != "?" })
        followQR = try QRCode.encode(followURL, level: .medium).svg()
    }
}

/// 一次性告知书 (`cases/notice.leaf`): everything missing, at once, with the guide's requirements.
struct NoticePage: PageContext {
    static let template = "cases/notice"

    struct MissingLine: Encodable, Sendable {
        var name: String
        var requirement: String
    }

    var header: DocumentHeader
    var missing: [MissingLine]
    var reason: String?
    var legalBasis: String

    init(view v: CaseView, today: LocalDate) {
        header = DocumentHeader(title: "一次性告知书", view: v, date: today)
        let names = (v.events.last { $0.action == .requestSupplement }?.details["missing"] ?? "").split(separator: "、").map(String.init)
        missing = names.map { name in
            let m = v.item?.materials.first { $0.name == name }
            return MissingLine(name: name, requirement: m.map { "\($0.formLabel) \($0.copies) 份\($0.note.map { "；\($0)" } ?? "")" } ?? "")
        }
        reason = v.c.reason
        legalBasis = v.item?.legalBasis ?? ""
    }
}

/// 不予受理决定书 (`cases/refusal.leaf`).
struct RefusalPage: PageContext {
    static let template = "cases/refusal"
    var header: DocumentHeader
    var reason: String?

    init(view v: CaseView, today: LocalDate) {
        header = DocumentHeader(title: "不予受理决定书", view: v, date: today)
        reason = v.c.reason
    }
}

/// 准予许可（办理）决定书 or 不予许可决定书 (`cases/decision.leaf`), under the deciding organisation's seal.
struct DecisionPage: PageContext {
    static let template = "cases/decision"
    var header: DocumentHeader
    var approved: Bool
    var resultName: String?
    var reason: String?
    var decidingOrgName: String?
    var sealNumber: String?
    var delegationDocument: String?

    init(view v: CaseView, today: LocalDate) {
        let c = v.c
        approved = !(c.status == .refused || v.did(.refuse))
        header = DocumentHeader(title: approved ? "准予许可（办理）决定书" : "不予许可决定书", view: v,
                                date: c.decidedAt.map { LocalDate($0, in: .china) } ?? today)
        resultName = v.item?.result?.name
        reason = c.reason
        decidingOrgName = c.decidingOrgId.flatMap { v.directory.organizations[$0]?.name }
        sealNumber = c.sealNumber
        delegationDocument = v.delegationDocument
    }
}

/// 授权委托书 (`cases/authorization.leaf`): the resident's authorization of the agent.
struct AuthorizationPage: PageContext {
    static let template = "cases/authorization"
    var header: DocumentHeader
    var agentName: String
    var authScope: String
    var authSignedOn: String
    var authValidUntil: String

    init(view v: CaseView, record: ProxyRecord, today: LocalDate) {
        header = DocumentHeader(title: "授权委托书", view: v, date: today)
        agentName = record.authorization.agentName
        authScope = record.authorization.scope
        authSignedOn = Printed.date(record.authorization.signedOn)
        authValidUntil = Printed.date(record.authorization.validUntil)
    }
}

/// The printable documents of a case, on A4. Each exists only once its occasion has: a receipt after
/// acceptance, a notice after a supplement request, and so on.
struct DocumentPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("cases", ":id", "receipt", use: receipt)
        routes.get("cases", ":id", "notice", use: notice)
        routes.get("cases", ":id", "refusal", use: refusal)
        routes.get("cases", ":id", "decision", use: decision)
        routes.get("cases", ":id", "authorization", use: authorization)
    }

    func view(_ req: Request) async throws -> CaseView {
        let staff = try req.pageStaff()
        return try await CaseReader(req).view(try req.caseID(), for: staff, parts: .names)
    }

    func receipt(req: Request) async throws -> Response {
        let v = try await view(req)
        guard v.c.acceptedOn != nil else { throw APIError.notFound("受理回执") }
        let code = try await CaseRows.queryCode(id: v.c.id, on: try sqlDatabase(req.db)) ?? ""
        return try await req.render(try ReceiptPage(view: v, today: req.jiujin.today, queryCode: code,
                                                    followURL: "\(req.publicBase)/portal/track?n=\(v.c.number)&q=\(code.replacingOccurrences(of: "-", with: ""))"))
    }

    func notice(req: Request) async throws -> Response {
        let v = try await view(req)
        guard v.did(.requestSupplement) else { throw APIError.notFound("一次性告知书") }
        return try await req.render(NoticePage(view: v, today: req.jiujin.today))
    }

    func refusal(req: Request) async throws -> Response {
        let v = try await view(req)
        guard v.c.status == .rejectedAtIntake else { throw APIError.notFound("不予受理决定书") }
        return try await req.render(RefusalPage(view: v, today: req.jiujin.today))
    }

    func decision(req: Request) async throws -> Response {
        let v = try await view(req)
        guard v.c.decidedAt != nil else { throw APIError.notFound("审批决定书") }
        return try await req.render(DecisionPage(view: v, today: req.jiujin.today))
    }

    func authorization(req: Request) async throws -> Response {
        let v = try await view(req)
        guard let record = v.c.proxy else { throw APIError.notFound("授权委托书") }
        return try await req.render(AuthorizationPage(view: v, record: record, today: req.jiujin.today))
    }
}
