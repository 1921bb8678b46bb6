import Fluent
import JiujinCore
import SQLKit
import Vapor

/// Complaints and suggestions (投诉建议): filed by anyone with a phone (signed in or not), about a point, a member of
/// staff, a case or anything else; assigned by a supervisor, answered by the one assigned (or a supervisor) within
/// `JIUJIN_COMPLAINT_DAYS` working days; every step is an append-only event; the answer goes to the complainant by SMS.
/// The rules are `Complaint.applying`'s; this loads, calls it and saves.
struct ComplaintService {
    let req: Request

    var ctx: JiujinContext { req.jiujin }

    /// One complaint as the desk and the complainant read it.
    struct Record: Content {
        var id: UUID
        var number: String
        var kind: String
        var kindLabel: String
        var subject: String
        var subjectLabel: String
        var text: String
        /// Masked in every list; whole only to the desk's detail.
        var name: String?
        var phone: String
        var status: String
        var statusLabel: String
        var assigneeId: String?
        var assigneeName: String?
        var orgId: String?
        var filedOn: String
        var dueOn: String
        var overdue: Bool
        var answer: String?
        var answeredAt: String?
        var version: Int
    }

    /// What a resident types.
    struct Filing: Content {
        var kind: String?
        var subject: String?
        /// The point's id, the case's number or a description of the member of staff (name or window number).
        var subjectRef: String?
        var text: String?
        var name: String?
        var phone: String?
        /// The page's point list, used when `subjectRef` is left empty.
        var pointPick: String?
    }

    struct Filed: Content {
        var number: String
        /// 查询码: with the number it shows the answer; shown this once.
        var queryCode: String
        var dueOn: String
        var message: String
    }

    static let maxText = 1000
    /// Complaints one phone number may file an hour.
    static let perNumberPerHour = 5

    static var tooMany: APIError {
        var e = APIError(.tooManyRequests, "too_many_complaints", "该手机号一小时内提交次数过多，请稍后再试或拨打 12345")
        e.retryAfter = 600
        return e
    }

    /// Files a complaint; a signed-in resident's phone is theirs, anyone else gives one to be answered on.
    func file(_ f: Filing, by resident: Resident?) async throws -> Filed {
        guard let kind = Complaint.Kind(rawValue: f.kind ?? "complaint") else { throw ValidationError.field("kind", "请选择投诉或建议") }
        guard let subject = Complaint.Subject(rawValue: f.subject ?? "other") else { throw ValidationError.field("subject", "请选择投诉建议的对象") }
        guard let text = try TextLimit.optional(f.text, field: "text", max: Self.maxText, what: "内容"), text.count >= 5 else {
            throw ValidationError.field("text", "请写明具体情况（至少5个字）")
        }
        let name = try TextLimit.optional(f.name, field: "name", max: 50, what: "姓名")
        let phone = try resident?.phone ?? ResidentSignIn.phone(f.phone ?? "")
        let ref = try TextLimit.optional(f.subjectRef?.trimmed.nonEmpty ?? f.pointPick, field: "subjectRef", max: 60, what: "对象")
        let d = ctx.directory
        var label = subject.label
        var orgId: String?
        switch subject {
        case .point:
            guard let id = ref, let point = d.pointsById[id] else { throw ValidationError.field("subjectRef", "请选择被投诉的办事点") }
            label = point.name
            orgId = point.orgId
        case .case:
            guard let number = ref?.uppercased(),
                  let row = try await sqlDatabase(req.db).raw("SELECT accepting_org_id, deciding_org_id, applicant_phone_hash FROM cases WHERE number = \(bind: number)").first()
            else { throw ValidationError.field("subjectRef", "请填写正确的办件编号") }
            label = "办件 \(number)"
            orgId = try row.decode(column: "accepting_org_id", as: String?.self) ?? row.decode(column: "deciding_org_id", as: String?.self)
        case .staff:
            label = "工作人员" + (ref.map { "（\($0)）" } ?? "")
        case .other:
            break
        }
        let today = ctx.today
        let filed: Complaint
        do { filed = try Complaint.filed(on: today, days: ctx.options.complaintDays, calendar: ctx.calendar) } catch {
            throw APIError(.serviceUnavailable, "calendar_missing", "工作日历缺少\(today.year)年的数据，暂时无法受理，请联系管理员")
        }
        let code = QueryCode.generate()
        let day = today.description.replacingOccurrences(of: "-", with: "")
        let id = UUID()
        let now = ctx.now()
        let cipher = ctx.cipher
        let phoneHash = cipher.lookupHash(phone)
        let county = d.countyName
        let limit = Self.perNumberPerHour
        let (subjectLabel, subjectOrg) = (label, orgId)
        let number: String = try await ctx.write(req.db) { tx in
            let sql = try sqlDatabase(tx)
            // A number gets a few receipts an hour: the form is no way to send SMS to anyone at will.
            let recent = try await sql.raw("""
                SELECT COUNT(*) AS n FROM complaints WHERE phone_hash = \(bind: phoneHash) AND filed_at > \(bind: now.addingTimeInterval(-3600))
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard recent < limit else { throw Self.tooMany }
            // TS + day + six random digits, drawn again in the rare case the day already has it.
            var number = ""
            for _ in 0..<5 {
                number = "TS" + day + String(format: "%06d", Int.random(in: 0..<1_000_000))
                if try await sql.raw("SELECT 1 AS one FROM complaints WHERE number = \(bind: number)").first() == nil { break }
            }
            let row: [any Encodable & Sendable] = [
                id, number, kind.rawValue, subject.rawValue, ref, subjectLabel, text, try cipher.seal(name ?? "", column: "complaints.name"),
                try cipher.seal(phone, column: "complaints.phone"), phoneHash,
                cipher.lookupHash("complaint:" + number + ":" + (QueryCode.normalize(code) ?? code)),
                subjectOrg, filed.status.rawValue, filed.filedOn.description, filed.dueOn.description, now, 1,
            ]
            try await sql.raw("""
                INSERT INTO complaints (id, number, kind, subject, subject_ref, subject_label, text, name, phone, phone_hash, query_code, org_id,
                status, filed_on, due_on, filed_at, version) VALUES (\(binds: row))
                """).run()
            try await Self.event(id, .file, actor: resident == nil ? "public" : "resident", note: nil, at: now, on: tx)
            let message = ApplicantMessage(kind: "complaint_filed", phone: phone,
                                           text: "【\(county)政务服务】您的\(kind.label)已收到，编号\(number)，查询码\(code)，我们将于\(filed.dueOn)前答复。")
            try await Outbox.queue([message], caseId: nil, at: now, cipher: cipher, sealText: true, on: tx)
            return number
        }
        return Filed(number: number, queryCode: code, dueOn: filed.dueOn.description,
                     message: "已收到您的\(kind.label)，编号 \(number)，查询码 \(code)（请保存），我们将于 \(filed.dueOn) 前答复。")
    }

    enum Step: String { case file, assign, answer }

    static func event(_ id: UUID, _ step: Step, actor: String, note: String?, at: Date, on db: Database) async throws {
        let row: [any Encodable & Sendable] = [UUID(), id, step.rawValue, actor, at, note]
        try await sqlDatabase(db).raw("INSERT INTO complaint_events (id, complaint_id, action, actor_id, at, note) VALUES (\(binds: row))").run()
    }

    static let columns = """
        id, number, kind, subject, subject_label, text, name, phone, status, assignee_id, org_id, filed_on, due_on, answer, answered_at, version
        """

    func record(_ row: SQLRow, names: [String: String] = [:], whole: Bool = false) throws -> Record {
        func s(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
        func o(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
        let cipher = ctx.cipher
        let status = Complaint.Status(rawValue: try s("status")) ?? .open
        let kind = Complaint.Kind(rawValue: try s("kind")) ?? .complaint
        let due = LocalDate(try s("due_on"))
        let c = Complaint(status: status, filedOn: LocalDate(try s("filed_on")) ?? ctx.today, dueOn: due ?? ctx.today, assigneeId: try o("assignee_id"))
        let name = try cipher.open(try s("name"), column: "complaints.name").flatMap { $0.isEmpty ? nil : $0 }
        let phone = try cipher.open(try s("phone"), column: "complaints.phone") ?? ""
        return Record(id: try row.decode(column: "id", as: UUID.self), number: try s("number"), kind: kind.rawValue, kindLabel: kind.label,
                      subject: try s("subject"), subjectLabel: try s("subject_label"), text: try s("text"),
                      name: whole ? name : name.map(Masking.name), phone: whole ? phone : Masking.phone(phone),
                      status: status.rawValue, statusLabel: status.label, assigneeId: c.assigneeId,
                      assigneeName: c.assigneeId.flatMap { names[$0] }, orgId: try o("org_id"), filedOn: c.filedOn.description,
                      dueOn: c.dueOn.description, overdue: c.isOverdue(today: ctx.today), answer: try o("answer"),
                      answeredAt: try row.decode(column: "answered_at", as: Date?.self).map(Printed.time),
                      version: try row.decode(column: "version", as: Int.self))
    }

    /// A complaint by its number and query code; any failure is the same "not found".
    func lookup(number raw: String, code raw2: String) async throws -> Record {
        let number = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard number.count <= 30, let code = QueryCode.normalize(raw2),
              let row = try await sqlDatabase(req.db).raw("SELECT \(unsafeRaw: Self.columns), query_code FROM complaints WHERE number = \(bind: number)").first(),
              try row.decode(column: "query_code", as: String.self) == ctx.cipher.lookupHash("complaint:" + number + ":" + code)
        else { throw Self.unknown }
        // The complainant sees the answer, not who in the county handles it.
        var r = try record(row)
        r.assigneeId = nil
        r.orgId = nil
        return r
    }

    static let unknown = APIError(.notFound, "complaint_not_found", "编号或查询码不正确，请核对后重试")

    /// The resident's own complaints, newest first.
    func mine(_ r: Resident) async throws -> [Record] {
        try await sqlDatabase(req.db).raw("""
            SELECT \(unsafeRaw: Self.columns) FROM complaints WHERE phone_hash = \(bind: r.phoneHash) ORDER BY filed_at DESC LIMIT 100
            """).all().map { try record($0) }
    }

    /// The desk: every complaint for a supervisor (open first, then by deadline); for anyone else those assigned to them.
    func desk(for staff: AuthenticatedStaff, limit: Int = 500) async throws -> [Record] {
        var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM complaints"
        if staff.role != .supervisor { query += " WHERE assignee_id = \(bind: staff.id)" }
        query += " ORDER BY CASE WHEN status = 'answered' THEN 1 ELSE 0 END, due_on ASC, filed_at ASC LIMIT \(literal: limit)"
        let names = try await staffNames()
        return try await sqlDatabase(req.db).raw(query).all().map { try record($0, names: names) }
    }

    /// Who can be given a complaint: active staff who serve residents.
    func assignees() async throws -> [StaffModel] {
        try await StaffModel.query(on: req.db).filter(\.$active == true)
            .filter(\.$role ~~ [ActorRole.approver, .windowClerk, .villageAgent, .partnerTeller, .supervisor].map(\.rawValue))
            .sort(\.$name).all()
    }

    func staffNames() async throws -> [String: String] {
        Dictionary(try await StaffModel.query(on: req.db).all().compactMap { s in s.id.map { ($0, s.name) } }) { a, _ in a }
    }

    struct ActionInput: Content {
        var action: String
        var assignee: String?
        var text: String?
        var expectedVersion: Int?
    }

    /// Assigns or answers; the answer reaches the complainant by SMS.
    func act(on id: UUID, _ input: ActionInput, by staff: AuthenticatedStaff) async throws -> Record {
        guard let action = Complaint.Action(rawValue: input.action) else { throw ValidationError.field("action", "未知的操作") }
        let text = try TextLimit.optional(input.text, field: "text", max: Self.maxText, what: action == .answer ? "答复内容" : "说明")
        let sql = try sqlDatabase(req.db)
        guard let row = try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM complaints WHERE id = \(bind: id)").first() else {
            throw APIError.notFound("投诉建议")
        }
        let current = try record(row, whole: true)
        // Anyone but a supervisor sees only what is assigned to them: anything else is "not found".
        guard staff.role == .supervisor || current.assigneeId == staff.id else { throw APIError.notFound("投诉建议") }
        if let expected = input.expectedVersion, expected != current.version {
            throw APIError(.conflict, "version_conflict", "该投诉建议已被他人处理，请刷新后再试")
        }
        var assignee: String?
        if action == .assign {
            guard let a = input.assignee?.trimmed.nonEmpty, a.count <= 60,
                  let member = try await StaffModel.find(a, on: req.db), member.active,
                  ActorRole(rawValue: member.role).map(ComplaintPages.roles.contains) == true else {
                throw ValidationError.field("assignee", "请选择在岗的承办人")
            }
            assignee = member.id
        }
        let complaint = Complaint(status: Complaint.Status(rawValue: current.status) ?? .open, filedOn: LocalDate(current.filedOn) ?? ctx.today,
                                  dueOn: LocalDate(current.dueOn) ?? ctx.today, assigneeId: current.assigneeId)
        let next = try complaint.applying(action, by: staff.id, role: staff.role, assignee: assignee, text: text)
        let now = ctx.now()
        let version = current.version
        let note = action == .assign ? (assignee ?? "") + (text.map { "：" + $0 } ?? "") : text
        let cipher = ctx.cipher
        let messages = action == .answer ? [ApplicantMessage(kind: "complaint_answered", phone: current.phone,
                                                             text: "【\(ctx.directory.countyName)政务服务】您的\(current.kindLabel)（编号\(current.number)）已答复：\(text ?? "")")] : []
        try await ctx.write(req.db) { tx in
            let sql = try sqlDatabase(tx)
            var update: SQLQueryString = "UPDATE complaints SET status = \(bind: next.status.rawValue), version = \(bind: version + 1)"
            if action == .assign { update += ", assignee_id = \(bind: next.assigneeId)" }
            if action == .answer { update += ", answer = \(bind: text), answered_by = \(bind: staff.id), answered_at = \(bind: now)" }
            update += " WHERE id = \(bind: id) AND version = \(bind: version) RETURNING id"
            guard try await sql.raw(update).first() != nil else {
                throw APIError(.conflict, "version_conflict", "该投诉建议已被他人处理，请刷新后再试")
            }
            try await Self.event(id, action == .assign ? .assign : .answer, actor: staff.id, note: note, at: now, on: tx)
            try await Outbox.queue(messages, caseId: nil, at: now, cipher: cipher, sealText: true, on: tx)
        }
        guard let fresh = try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM complaints WHERE id = \(bind: id)").first() else {
            throw APIError.notFound("投诉建议")
        }
        return try record(fresh, names: try await staffNames())
    }
}
