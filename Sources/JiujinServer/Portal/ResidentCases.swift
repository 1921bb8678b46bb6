import Fluent
import JiujinCore
import SQLKit
import Vapor

/// What a signed-in resident has (我的办件): the cases filed with their phone, the messages sent to it, the
/// certificates of the ID numbers and credit codes on those cases; and what they do: apply online, answer a
/// one-time notice given at pre-review. The rules are the core's (`Case.submitOnline`, `Case.answeringNotice`).
struct ResidentCases {
    let req: Request

    var ctx: JiujinContext { req.jiujin }

    struct Message: Content {
        var at: String
        var kind: String
        var text: String
        var sent: Bool
    }

    struct Certificate: Content {
        var id: String
        var type: String
        var holder: String
        var issuedOn: String
        var validUntil: String?
        var revoked: Bool
    }

    func cases(of r: Resident, limit: Int = 200) async throws -> [Case] {
        try await CaseRows.filed(byPhoneHash: r.phoneHash, limit: limit, cipher: ctx.cipher, on: try sqlDatabase(req.db))
    }

    /// One of the resident's cases; any other is "not found", so ids reveal nothing.
    func own(_ id: UUID, of r: Resident) async throws -> Case {
        guard let c = try await CaseRows.find(id, cipher: ctx.cipher, on: try sqlDatabase(req.db)),
              ctx.cipher.lookupHash(c.applicant.phone) == r.phoneHash else { throw APIError.notFound("办件") }
        return c
    }

    /// Every message the outbox holds for the resident's phone, newest first (a sign-in code's text stays hidden).
    func messages(of r: Resident, limit: Int = 200) async throws -> [Message] {
        let cipher = ctx.cipher
        return try await sqlDatabase(req.db).raw("""
            SELECT kind, text, status, created_at FROM notifications WHERE phone_hash = \(bind: r.phoneHash)
            ORDER BY created_at DESC LIMIT \(bind: limit)
            """).all().map { row in
            let kind = try row.decode(column: "kind", as: String.self)
            // Texts not tied to a case are sealed at rest (a code, a complaint's receipt and answer).
            let text = kind == "sign_in_code" ? "登录验证码短信（验证码不在此显示）"
                : try cipher.open(try row.decode(column: "text", as: String.self), column: "notifications.text") ?? ""
            return Message(at: Printed.time(try row.decode(column: "created_at", as: Date.self)), kind: kind, text: text,
                           sent: try row.decode(column: "status", as: String.self) == NotificationStatus.sent.rawValue)
        }
    }

    /// The ID numbers and credit codes the resident has confirmed: those on their cases that a window or an agent
    /// accepted after checking the applicant (a number merely typed online confirms nothing).
    static func confirmedNumbers(_ cases: [Case]) -> Set<String> {
        Set(cases.filter { $0.acceptedOn != nil }.map(\.applicant.number).filter { !$0.isEmpty })
    }

    /// The licence library's entries whose holder number the resident has confirmed.
    func certificates(for cases: [Case]) async throws -> [Certificate] {
        let keys = Self.confirmedNumbers(cases).map { CertificateService.holderKey($0, master: ctx.masterKey) }
        guard !keys.isEmpty else { return [] }
        return try await sqlDatabase(req.db).raw("""
            SELECT id, type, holder_name, issued_on, valid_until, revoked_at FROM certificates WHERE holder_key IN (\(binds: keys))
            ORDER BY issued_on DESC
            """).all().map { row in
            Certificate(id: try row.decode(column: "id", as: String.self), type: try row.decode(column: "type", as: String.self),
                        holder: Masking.name(try row.decode(column: "holder_name", as: String.self)),
                        issuedOn: try row.decode(column: "issued_on", as: String.self),
                        validUntil: try row.decode(column: "valid_until", as: String?.self),
                        revoked: try row.decode(column: "revoked_at", as: Date?.self) != nil)
        }
    }

    /// What a resident types to apply online (the page's form and the API's body).
    struct Application: Sendable {
        var itemCode: String
        var regionCode: String
        var applicant: ApplicantInput
        var materials: [MaterialCheck]?
        var comment: String?
        var deliveryMethod: String
        var deliveryPoint: String?
        var deliveryAddress: String?
    }

    /// Files an online application with the resident's phone; its files are checked, then stored, then committed.
    func submit(_ a: Application, uploads: [String: [CaseFiles.Upload]], by r: Resident) async throws -> Case {
        let d = ctx.directory
        let item = try d.item(a.itemCode)
        var applicant = a.applicant
        applicant.phone = r.phone
        let limits = ctx.options.fileLimits
        var files: [String: [MaterialFile]] = [:]
        for (name, list) in uploads where !list.isEmpty { files[name] = try CaseFiles.inspected(list, limits: limits) }
        guard a.regionCode.count <= 20, let region = DivisionCode(a.regionCode).flatMap({ d.tree[$0] })?.code else {
            throw ValidationError.field("regionCode", "所在地区划代码无效")
        }
        // Pickup with no point named: the nearest point that can take the item in.
        let pickup = a.deliveryPoint ?? ServiceFinder.points(for: item, in: d, on: ctx.today, from: ServiceFinder.origin(of: region, in: d.tree),
                                                             village: region).first?.point.id
        let delivery = try RequestedDelivery.validated(method: a.deliveryMethod, pointId: pickup, address: a.deliveryAddress,
                                                       item: item, directory: d, today: ctx.today)
        let application = OnlineApplication(regionCode: a.regionCode, applicant: try applicant.validated(today: ctx.today),
                                            materials: a.materials, comment: a.comment, files: files, delivery: delivery,
                                            preReviewPoint: Self.preReviewPoint(for: region, item: item, in: d, today: ctx.today))
        let store = CaseFiles(req)
        return try await CaseService(req).submitOnline(itemCode: a.itemCode, application) {
            try store.put(uploads.values.flatMap { $0 })
        }
    }

    /// The window that pre-reviews an application from `region`: its town's centre when it can take the item in,
    /// else the county centre.
    static func preReviewPoint(for region: DivisionCode, item: ServiceItem, in d: Directory, today: LocalDate) -> String? {
        let town = d.tree.ancestry(of: region).first { $0.level == .town }?.code
        let open = d.points.filter(\.isOpen)
        let able = { (p: ServicePoint) in ServiceFinder.basis(p, item: item, directory: d, today: today) != nil }
        return (open.first { $0.kind == .townCentre && $0.region == town && able($0) } ?? open.first { $0.kind == .countyCentre })?.id
    }

    /// The resident answers a pre-review notice by uploading the materials asked for; the case returns to pre-review.
    func answerNotice(_ id: UUID, uploads: [String: [CaseFiles.Upload]], comment: String?, by r: Resident) async throws -> Case {
        let current = try await own(id, of: r)
        let limits = ctx.options.fileLimits
        var files: [String: [MaterialFile]] = [:]
        for (name, list) in uploads where !list.isEmpty { files[name] = try CaseFiles.inspected(list, limits: limits) }
        let service = CaseService(req)
        let facts = try await service.facts(for: try await service.item(of: current))
        let change = try current.answeringNotice(with: files, comment: comment, facts: facts, storedBytes: CaseFiles.storedBytes(of: current),
                                                 limits: limits)
        try CaseFiles(req).put(uploads.values.flatMap { $0 })
        return try await service.commit(change, facts: facts, isNew: false)
    }
}

/// A line of a resident's case list (the page's and the API's).
struct ResidentCaseLine: Content {
    var id: String
    var number: String
    var itemCode: String
    var itemName: String
    var status: String
    var statusLabel: String
    var filedOn: String
    var deadline: String?
    /// A one-time notice from pre-review waits for the resident's upload.
    var toAnswer: Bool

    init(_ c: Case) {
        id = c.id.uuidString
        number = c.number
        itemCode = c.itemCode
        itemName = c.itemName
        status = c.status.rawValue
        statusLabel = c.status.label
        filedOn = LocalDate(c.createdAt, in: .china).description
        deadline = c.status.isRunning ? c.deadline?.description : nil
        toAnswer = c.awaitsOnlineAnswer
    }
}

/// A case as its applicant follows it (`CaseProgress` in plain words), for the resident's pages, the tracking page
/// and the API alike; materials only for the signed-in resident.
struct ResidentCaseView: Content {
    struct Step: Content {
        var at: String
        var text: String
    }

    struct MaterialRow: Content {
        var index: Int
        var name: String
        var required: Bool
        var files: Int
        /// Asked for by the last one-time notice, or still missing.
        var missing: Bool
    }

    var id: String
    var number: String
    var itemCode: String
    var itemName: String
    var status: String
    var statusLabel: String
    var deadline: String?
    var next: String
    var steps: [Step]
    var materials: [MaterialRow]
    /// The upload form for a pre-review notice applies.
    var answer: Bool
    /// What the last one-time notice asks for.
    var missing: String?

    init(_ c: Case, events: [CaseEvent], directory: Directory, materials withMaterials: Bool = true) {
        let p = CaseProgress(of: c, events: events, directory: directory)
        id = c.id.uuidString
        number = c.number
        itemCode = c.itemCode
        itemName = c.itemName
        status = c.status.rawValue
        statusLabel = c.status.label
        deadline = p.deadline?.description
        next = p.next
        steps = p.steps.map { Step(at: Printed.time($0.at), text: $0.text) }
        let asked = Set((events.last { $0.action == .requestSupplement }?.details["missing"] ?? "").split(separator: "、").map(String.init))
        materials = withMaterials ? c.materials.enumerated().map { i, m in
            MaterialRow(index: i, name: m.name, required: m.required, files: m.files?.count ?? 0, missing: asked.contains(m.name) || m.isMissing)
        } : []
        answer = c.awaitsOnlineAnswer
        missing = c.status == .needsSupplement ? (c.reason ?? asked.sorted().joined(separator: "、")) : nil
    }
}
