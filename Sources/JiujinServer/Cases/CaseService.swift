import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// Cases on the server: load the case, gather the facts the rules need, call
/// the core (`Case.intake`, `Case.applying`), save through the write door.
/// No case rule lives here.
struct CaseService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    var certificates: CertificateService { CertificateService(db: db, ctx: ctx) }

    // MARK: taking cases in

    /// A case taken in by staff (受理登记); `store` puts the scans taken at the counter on disk once the rules have
    /// accepted them, before the case is committed.
    func intake(itemCode: String, _ intake: Intake, by staff: AuthenticatedStaff, store: @escaping () throws -> Void = {}) async throws -> Case {
        let (held, lookup) = try await certificates.libraryTypes(holderNumber: intake.applicant.number, for: try ctx.directory.item(itemCode),
                                                                 by: staff.id, purpose: "受理登记", logged: false)
        let limits = ctx.options.fileLimits
        let c = try await takeIn(itemCode: itemCode, beforeCommit: store) { facts in
            try Case.intake(intake, id: UUID(), by: staff.staff, held: held, facts: facts, limits: limits)
        }
        lookup.caseId = c.id
        await certificates.log(lookup)
        return c
    }

    /// An online application (网上申请), waiting for pre-review; `store` puts its files on disk once the rules
    /// have accepted it and before it is committed.
    func submitOnline(itemCode: String, _ application: OnlineApplication, store: @escaping () throws -> Void = {}) async throws -> Case {
        let (held, lookup) = try await certificates.libraryTypes(holderNumber: application.applicant.number,
                                                                 for: try ctx.directory.item(itemCode), by: "applicant", purpose: "网上申请", logged: false)
        let limits = ctx.options.fileLimits
        let c = try await takeIn(itemCode: itemCode, beforeCommit: store) { facts in
            try Case.submitOnline(application, id: UUID(), held: held, facts: facts, limits: limits)
        }
        lookup.caseId = c.id
        await certificates.log(lookup)
        return c
    }

    /// Decides a new case on the snapshot and stores it. Its number is drawn inside the same write, unless the case
    /// issues a certificate at once: the certificate carries the number and is signed before the write.
    private func takeIn(itemCode: String, beforeCommit: () throws -> Void = {}, _ decide: (CaseFacts) throws -> CaseChange) async throws -> Case {
        var number: String?
        return try await onFreshDirectory {
            let facts = try await facts(for: try ctx.directory.item(itemCode))
            var change = try decide(facts)
            try beforeCommit()
            if change.certificate != nil {
                if number == nil { number = try await allocateNumber(region: change.case.region) }
                change.case.number = number ?? ""
            }
            return try await commit(change, facts: facts, isNew: true)
        }
    }

    // MARK: moving cases

    /// Applies a command of `staff` to a case they can see; `expectedVersion` refuses a stale page at once.
    func act(on id: UUID, _ command: CaseCommand, comment: String?, expectedVersion: Int?, by staff: AuthenticatedStaff) async throws -> Case {
        let current = try await visibleCase(id, staff: staff)
        if let expectedVersion, expectedVersion != current.version { throw APIError.versionConflict }
        var colleagues: [StaffMember] = []
        if case .reassign = command { colleagues = try await approvers(of: current.decidingOrgId) }
        return try await onFreshDirectory {
            let facts = try await facts(for: try await item(of: current), colleagues: colleagues)
            return try await commit(try current.applying(command, comment: comment, by: staff.staff, facts: facts), facts: facts, isNew: false)
        }
    }

    /// The agent's log of what the resident was told (跟踪反馈); the authorized agent's first entry marks that step.
    func recordFeedback(on id: UUID, _ feedback: ProxyFeedback, by staff: AuthenticatedStaff) async throws {
        let current = try await visibleCase(id, staff: staff)
        let entry = CaseFeedbackModel()
        entry.caseId = id
        entry.staffId = staff.id
        entry.channel = feedback.channel
        entry.text = feedback.text
        entry.at = ctx.now()
        guard let agentId = current.proxy?.authorization.agentId else {
            try await ctx.write(db) { tx in try await entry.create(on: tx) }
            return
        }
        guard agentId == staff.id else {
            if staff.role == .villageAgent { throw CaseError.notTheAuthorizedAgent }
            try await ctx.write(db) { tx in try await entry.create(on: tx) }
            return
        }
        try await onFreshDirectory {
            let facts = try await facts(for: try await item(of: current))
            let change = try current.applying(.recordProxyStep(.followUp), comment: nil, by: staff.staff, facts: facts)
            guard !change.events.isEmpty else {
                // The step was recorded by an earlier entry; this one is only logged.
                try await ctx.write(db) { tx in try await entry.create(on: tx) }
                return
            }
            try await commit(change, facts: facts, isNew: false) { tx in try await entry.create(on: tx) }
        }
    }

    /// Open cases decided under revoked delegations go back to the delegating bureaus, each with an event.
    func returnCases(decidedUnder revoked: [Delegation], by staff: AuthenticatedStaff) async throws {
        for delegation in revoked {
            for c in try await CaseRows.running(under: delegation.id, cipher: ctx.cipher, on: try sqlDatabase(db)) {
                guard let change = c.returned(afterRevoking: delegation, by: staff.staff, directory: ctx.directory,
                                                             now: ctx.now()) else { continue }
                try await commit(change, facts: nil, isNew: false)
            }
        }
    }

    // MARK: reading

    /// A case the member may see; any other is "not found", so ids reveal nothing.
    func visibleCase(_ id: UUID, staff: AuthenticatedStaff) async throws -> Case {
        guard let c = try await CaseRows.find(id, cipher: ctx.cipher, on: try sqlDatabase(db)), c.isVisible(to: staff.scope) else {
            throw APIError.notFound("办件")
        }
        return c
    }

    /// What the rules need for a change of a case of `item`, from the directory snapshot; the write confirms the
    /// snapshot's version, so a revocation committed before it stops a town at once (`onFreshDirectory`).
    func facts(for item: ServiceItem, colleagues: [StaffMember] = []) async throws -> CaseFacts {
        let directory = ctx.directory
        return CaseFacts(directory: directory, item: item, delegations: directory.delegations, colleagues: colleagues,
                         calendar: ctx.calendar, now: ctx.now(), certificateId: CertificateService.newId())
    }

    /// The item as the guide version the case was taken in under has it: a case keeps its version's materials and
    /// stages when the item is edited or retired later.
    func item(of c: Case) async throws -> ServiceItem {
        let current = try ctx.directory.item(c.itemCode)
        guard let version = c.guideVersion, version != ctx.directory.guideVersions[c.itemCode],
              let row = try await GuideVersionModel.query(on: db).filter(\.$itemCode == c.itemCode).filter(\.$version == version).first()
        else { return current }
        return try row.domain()
    }

    /// Runs `body` on the snapshot; when its write finds the snapshot stale, reloads it and decides once more.
    private func onFreshDirectory<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is DirectoryVersion.Changed {
            try await ctx.refreshIfStale(db)
            do { return try await body() } catch is DirectoryVersion.Changed { throw APIError.directoryChanged }
        }
    }

    /// Active approvers of an organisation (the colleagues a case may be handed to).
    func approvers(of orgId: String?) async throws -> [StaffMember] {
        guard let orgId else { return [] }
        return try await StaffModel.query(on: db).filter(\.$orgId == orgId).filter(\.$role == ActorRole.approver.rawValue)
            .filter(\.$active == true).sort(\.$id).all().compactMap(\.domain)
    }

    // MARK: saving

    /// Stores a change in one write: the case (claiming its version unless new; numbering it when new and not yet
    /// numbered), its events, the certificate it issued and the applicant's messages. The certificate is signed
    /// before the write, so the write stays short. `facts`: what the rules decided on; the write confirms the
    /// directory has not changed since.
    @discardableResult
    func commit(_ change: CaseChange, facts: CaseFacts?, isNew: Bool,
                also: @escaping @Sendable (Database) async throws -> Void = { _ in }) async throws -> Case {
        guard !change.events.isEmpty else { return change.case }
        var certificate: CertificateModel?
        if let order = change.certificate, let item = facts?.item {
            certificate = try await certificates.issue(order, for: change.case, item: item,
                                                       regionPath: ctx.directory.tree.path(of: change.case.region))
        }
        var next = change.case
        if !isNew { next.version += 1 }
        let numbering = isNew && next.number.isEmpty
        let (unnumbered, events, issued, now, today, county) = (next, change.events, certificate, ctx.now(), ctx.today, ctx.directory.countyName)
        let chainKey = ctx.audit.chainKey
        let cipher = ctx.cipher
        let claim = isNew ? nil : VersionClaim(table: CaseModel.schema, id: next.id, version: change.case.version)
        return try await ctx.write(db, claiming: claim, directoryAt: facts?.directory.version) { tx in
            let sql = try sqlDatabase(tx)
            var stored = unnumbered
            if numbering { stored.number = try await Self.nextNumber(region: stored.region, on: today, sql) }
            if isNew { try await CaseRows.insert(stored, cipher: cipher, on: sql) } else { try await CaseRows.update(stored, cipher: cipher, on: sql) }
            try await issued?.create(on: tx)
            try await CaseRows.insert(events, of: stored, key: chainKey, on: sql)
            try await Outbox.queue(ApplicantMessage.owed(by: stored, after: events, county: county), caseId: stored.id, at: now,
                                   cipher: cipher, on: tx)
            try await also(tx)
            return stored
        }
    }

    /// The next case number of today, in a write of its own (a failed intake may leave a gap in the day's sequence,
    /// as paper registers do).
    func allocateNumber(region: DivisionCode) async throws -> String {
        let today = ctx.today
        return try await ctx.write(db) { tx in try await Self.nextNumber(region: region, on: today, try sqlDatabase(tx)) }
    }

    /// Draws the day's next sequence value: one atomic upsert on both engines.
    static func nextNumber(region: DivisionCode, on date: LocalDate, _ sql: SQLDatabase) async throws -> String {
        let county = region.county
        let key = CaseNumber.sequenceKey(county: county, date: date)
        let row = try await sql.raw("""
            INSERT INTO case_sequences (key, next_value) VALUES (\(bind: key), 1)
            ON CONFLICT (key) DO UPDATE SET next_value = case_sequences.next_value + 1
            RETURNING next_value
            """).first()
        guard let value = try row?.decode(column: "next_value", as: Int.self) else {
            throw APIError(.internalServerError, "sequence_failed", "办件编号分配失败")
        }
        return CaseNumber(county: county, date: date, sequence: value).description
    }
}
