import Fluent
import SQLKit
import Foundation
import JiujinCore
import Vapor

/// What one case looks like to one member of staff (办件视图): the read model
/// behind the API's case detail, the case page and the printed documents.
struct CaseView: Sendable {
    var c: Case
    var item: ServiceItem?
    var events: [CaseEvent]
    /// The applicant, masked unless this view was asked for unmasked (and the read logged).
    var applicant: Applicant
    var revealed: Bool
    var actions: [CaseAction]
    var clock: ClockState
    /// Names of the staff who appear: actors, the accepting clerk, the assignee, feedback authors.
    var names: [String: String]
    var certificates: [CertificateSummary]
    var feedback: [FeedbackEntry]
    /// Approvers the case may be handed to, when a hand-over is among the actions.
    var colleagues: [StaffMember]
    /// The seal entrusted with the delegation the case is decided under, if any.
    var delegationSeal: String?
    var directory: Directory

    struct ClockState: Sendable {
        var deadline: LocalDate?
        var light: TrafficLight?
        var workingDaysLeft: Int?
        var paused: Bool
        var warnings: [CalendarWarning]
    }

    struct CertificateSummary: Sendable {
        var id: String
        var type: String
        var issued: String
        var orgId: String
        var revoked: Bool
    }

    struct FeedbackEntry: Sendable {
        var at: Date
        var channel: String
        var text: String
        var staffId: String
    }

    var point: ServicePoint? { c.pointId.flatMap { directory.pointsById[$0] } }
    var regionPath: String { directory.tree.path(of: c.region) }
    /// The delegation document the latest decision or acceptance cited.
    var delegationDocument: String? { events.last { $0.details["delegation"] != nil }?.details["delegation"] }
    func name(of staffId: String?) -> String? { staffId.flatMap { names[$0] } }
    func did(_ action: CaseAction) -> Bool { events.contains { $0.action == action } }
}

/// Builds `CaseView`s: one place decides what a member of staff sees of a case.
struct CaseReader {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    /// The parts of a view beyond the case and its events.
    struct Parts: OptionSet, Sendable {
        let rawValue: Int
        static let names = Parts(rawValue: 1)
        static let certificates = Parts(rawValue: 2)
        static let feedback = Parts(rawValue: 4)
        /// The actions the member may take (and the colleagues for a hand-over).
        static let actions = Parts(rawValue: 8)
        static let all: Parts = [.names, .certificates, .feedback, .actions]
    }

    /// The view of a case the member may see. With `revealPurpose`, the applicant is shown in full and the
    /// read is logged (个人信息查阅记录) before anything is shown.
    func view(_ id: UUID, for staff: AuthenticatedStaff, revealPurpose: String? = nil, parts: Parts = .all) async throws -> CaseView {
        let service = CaseService(db: db, ctx: ctx)
        let c = try await service.visibleCase(id, staff: staff)
        if let purpose = revealPurpose {
            let log = DataAccessLogModel(staffId: staff.id, caseId: id, purpose: String(purpose.prefix(100)), at: ctx.now())
            await ctx.records.append { tx in try await log.insert(on: tx) }
        }
        return try await view(of: c, for: staff, revealed: revealPurpose != nil, parts: parts)
    }

    func view(of c: Case, for staff: AuthenticatedStaff, revealed: Bool = false, parts: Parts = .all) async throws -> CaseView {
        let service = CaseService(db: db, ctx: ctx)
        let d = ctx.directory
        let item = try? await service.item(of: c)
        let events = try await CaseRows.events(of: c.id, on: try sqlDatabase(db))
        var actions: [CaseAction] = []
        var colleagues: [StaffMember] = []
        if let item, parts.contains(.actions) {
            let facts = try await service.facts(for: item)
            actions = c.availableActions(for: staff.staff, facts: facts)
            if actions.contains(.reassign) { colleagues = try await service.approvers(of: c.decidingOrgId).filter { $0.id != c.assigneeId } }
        }
        // The parts are read with plain SQL: every case page and detail asks for them.
        let sql = try sqlDatabase(db)
        var feedback: [CaseView.FeedbackEntry] = []
        if parts.contains(.feedback) {
            feedback = try await sql.raw("SELECT staff_id, channel, text, at FROM case_feedback WHERE case_id = \(bind: c.id) ORDER BY at")
                .all().map {
                    CaseView.FeedbackEntry(at: try $0.decode(column: "at", as: Date.self), channel: try $0.decode(column: "channel", as: String.self),
                                           text: try $0.decode(column: "text", as: String.self),
                                           staffId: try $0.decode(column: "staff_id", as: String.self))
                }
        }
        var names: [String: String] = [:]
        if parts.contains(.names) {
            let ids = Set(events.map(\.actorId) + feedback.map(\.staffId) + [c.assigneeId, c.acceptedBy].compactMap { $0 })
            if !ids.isEmpty {
                for row in try await sql.raw("SELECT id, name FROM staff WHERE id IN (\(binds: ids.sorted()))").all() {
                    names[try row.decode(column: "id", as: String.self)] = try row.decode(column: "name", as: String.self)
                }
            }
        }
        var certificates: [CaseView.CertificateSummary] = []
        if parts.contains(.certificates) {
            certificates = try await sql.raw("""
                SELECT id, type, issued_on, org_id, revoked_at FROM certificates WHERE case_id = \(bind: c.id) ORDER BY issued_on, id
                """).all().map {
                    CaseView.CertificateSummary(id: try $0.decode(column: "id", as: String.self), type: try $0.decode(column: "type", as: String.self),
                                                issued: try $0.decode(column: "issued_on", as: String.self),
                                                orgId: try $0.decode(column: "org_id", as: String.self),
                                                revoked: try $0.decode(column: "revoked_at", as: Date?.self) != nil)
                }
        }
        return CaseView(c: c, item: item, events: events, applicant: revealed ? c.applicant : c.applicant.masked, revealed: revealed,
                        actions: actions, clock: try clockState(of: c), names: names, certificates: certificates, feedback: feedback,
                        colleagues: colleagues,
                        delegationSeal: try await delegationSeal(of: c, directory: d),
                        directory: d)
    }

    /// The seal of the delegation the case runs under: from the snapshot, or for a delegation revoked since
    /// (the snapshot holds only those in force) from its row.
    private func delegationSeal(of c: Case, directory d: Directory) async throws -> String? {
        guard let id = c.delegationId else { return nil }
        if let inForce = d.delegations.first(where: { $0.id == id }) { return inForce.sealNumber }
        return try await DelegationModel.find(id, on: db)?.sealNumber
    }

    /// The clock as of today: the deadline with its warnings, and for open cases the light and the days left.
    func clockState(of c: Case) throws -> CaseView.ClockState {
        guard let clock = c.clock else {
            return .init(deadline: c.deadline, light: nil, workingDaysLeft: nil, paused: false, warnings: [])
        }
        let today = ctx.today
        let answer = try clock.deadline(calendar: ctx.calendar, today: today)
        var state = CaseView.ClockState(deadline: answer.value, light: nil, workingDaysLeft: nil, paused: clock.isPaused,
                                        warnings: answer.warnings)
        if c.status.isRunning {
            state.light = try clock.light(calendar: ctx.calendar, today: today)
            state.workingDaysLeft = try clock.workingDaysLeft(calendar: ctx.calendar, today: today)
        }
        return state
    }
}
