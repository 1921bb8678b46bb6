import Fluent
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

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
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
            await ctx.records.append { tx in try await log.create(on: tx) }
        }
        return try await view(of: c, for: staff, revealed: revealPurpose != nil, parts: parts)
    }

    func view(of c: Case, for staff: AuthenticatedStaff, revealed: Bool = false, parts: Parts = .all) async throws -> CaseView {
        let service = CaseService(db: db, ctx: ctx)
        let d = ctx.directory
        let item = d.items[c.itemCode]
        let events = try await CaseEventModel.query(on: db).filter(\.$caseId == c.id).sort(\.$sequence).all().map { try $0.domain() }
        var actions: [CaseAction] = []
        var colleagues: [StaffMember] = []
        if let item, parts.contains(.actions) {
            let facts = try await service.facts(for: item)
            actions = c.availableActions(for: staff.staff, facts: facts)
            if actions.contains(.reassign) { colleagues = try await service.approvers(of: c.decidingOrgId).filter { $0.id != c.assigneeId } }
        }
        var feedback: [CaseView.FeedbackEntry] = []
        if parts.contains(.feedback) {
            feedback = try await CaseFeedbackModel.query(on: db).filter(\.$caseId == c.id).sort(\.$at).all().map {
                CaseView.FeedbackEntry(at: $0.at, channel: $0.channel, text: $0.text, staffId: $0.staffId)
            }
        }
        var names: [String: String] = [:]
        if parts.contains(.names) {
            let ids = Set(events.map(\.actorId) + feedback.map(\.staffId) + [c.assigneeId, c.acceptedBy].compactMap { $0 })
            for row in try await StaffModel.query(on: db).filter(\.$id ~~ Array(ids)).all() { names[row.id ?? ""] = row.name }
        }
        var certificates: [CaseView.CertificateSummary] = []
        if parts.contains(.certificates) {
            certificates = try await CertificateModel.query(on: db).filter(\.$caseId == c.id).all().map {
                CaseView.CertificateSummary(id: $0.id ?? "", type: $0.type, issued: $0.issuedOn, orgId: $0.orgId, revoked: $0.revokedAt != nil)
            }
        }
        return CaseView(c: c, item: item, events: events, applicant: revealed ? c.applicant : c.applicant.masked, revealed: revealed,
                        actions: actions, clock: try clockState(of: c), names: names, certificates: certificates, feedback: feedback,
                        colleagues: colleagues,
                        delegationSeal: try await c.delegationId.asyncMap { try await DelegationModel.find($0, on: db)?.sealNumber },
                        directory: d)
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
