import Fluent
import JiujinCore
import Vapor

/// The case lists a member of staff may see: `StaffScope` turned into one
/// database filter, so a list never shows a case the detail would refuse.
struct CaseLists {
    let db: Database
    let ctx: JiujinContext
    let staff: AuthenticatedStaff

    init(_ req: Request, staff: AuthenticatedStaff) {
        db = req.db
        ctx = req.jiujin
        self.staff = staff
    }

    static let openStatuses = CaseStatus.allCases.filter(\.isOpen).map(\.rawValue)
    static let runningStatuses = CaseStatus.allCases.filter(\.isRunning).map(\.rawValue)

    /// Every case `StaffScope.sees`: the member's organisation accepted or decides it, or it is in the region they serve.
    func scoped() -> QueryBuilder<CaseModel> {
        let scope = staff.scope
        let query = CaseModel.query(on: db)
        guard !scope.wholeCounty else { return query }
        return query.group(.or) { or in
            or.filter(\.$decidingOrgId == scope.orgId).filter(\.$acceptingOrgId == scope.orgId)
            if let prefix = scope.regionPrefix { or.filter(\.$regionCode =~ prefix) }
        }
    }

    /// Cases not yet delivered or closed, soonest deadline first.
    func openCases(limit: Int = 500) async throws -> [CaseModel] {
        try await scoped().filter(\.$status ~~ Self.openStatuses).sort(\.$deadline).sort(\.$createdAt).limit(limit).all()
    }

    /// An approver's inbox: open cases their organisation decides.
    func inbox(limit: Int = 500) async throws -> [CaseModel] {
        try await CaseModel.query(on: db).filter(\.$decidingOrgId == staff.org.id)
            .filter(\.$status ~~ Self.runningStatuses)
            .sort(\.$deadline).sort(\.$createdAt).limit(limit).all()
    }

    /// One line of a list, with its light from the stored deadline.
    struct Row: Encodable, Sendable {
        var id: String
        var number: String
        var itemName: String
        var applicantName: String
        var status: String
        var statusLabel: String
        var channelLabel: String
        var deadline: String?
        var light: String?
        var lightLabel: String?
        var overdue: Bool
        var dueSoon: Bool
        var assigneeId: String?
        var decidingOrgId: String?
        var version: Int
    }

    func row(_ m: CaseModel) -> Row {
        let status = CaseStatus(rawValue: m.status)
        let light = status.flatMap {
            TrafficLight.of(status: $0, deadline: m.deadline.flatMap(LocalDate.init), today: ctx.today, calendar: ctx.calendar)
        }
        return Row(id: m.id?.uuidString ?? "", number: m.number, itemName: m.itemName, applicantName: Masking.name(m.applicantName),
                   status: m.status, statusLabel: status?.label ?? m.status,
                   channelLabel: CaseChannel(rawValue: m.channel)?.label ?? m.channel, deadline: m.deadline,
                   light: light?.rawValue, lightLabel: light?.label, overdue: light == .red, dueSoon: light == .yellow,
                   assigneeId: m.assigneeId, decidingOrgId: m.decidingOrgId, version: m.version)
    }
}
