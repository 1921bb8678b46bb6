import Fluent
import JiujinCore
import Vapor

/// The case lists a member of staff may see: the same scope rules as
/// `CaseService.canSee`, expressed as database filters.
struct CaseLists {
    let req: Request
    let staff: AuthenticatedStaff

    static let openStatuses: [String] = [CaseStatus.submitted, .accepted, .needsSupplement, .underReview, .specialProcedure,
                                         .approved, .refused].map(\.rawValue)

    func scoped() -> QueryBuilder<CaseModel> {
        var query = CaseModel.query(on: req.db)
        guard !staff.seesWholeCounty else { return query }
        let org = staff.org
        switch org.kind {
        case .department:
            query = query.group(.or) { $0.filter(\.$decidingOrgId == org.id).filter(\.$acceptingOrgId == org.id) }
        case .town:
            let prefix = String(org.region.rawValue.prefix(9))
            query = query.group(.or) { $0.filter(\.$regionCode =~ prefix).filter(\.$decidingOrgId == org.id) }
        case .village:
            query = query.group(.or) { $0.filter(\.$regionCode == org.region.rawValue).filter(\.$decidingOrgId == org.id) }
        case .countyCentre:
            break
        }
        return query
    }

    /// Cases not yet delivered or closed, soonest deadline first.
    func openCases(limit: Int = 500) async throws -> [CaseModel] {
        try await scoped().filter(\.$status ~~ Self.openStatuses).sort(\.$deadline).sort(\.$createdAt).limit(limit).all()
    }

    /// An approver's inbox: open cases their organisation decides.
    func inbox(limit: Int = 500) async throws -> [CaseModel] {
        try await CaseModel.query(on: req.db).filter(\.$decidingOrgId == staff.org.id)
            .filter(\.$status ~~ [CaseStatus.accepted, .underReview, .specialProcedure, .needsSupplement].map(\.rawValue))
            .sort(\.$deadline).sort(\.$createdAt).limit(limit).all()
    }

    /// One line of a list, with its light from the stored deadline.
    struct Row: Encodable {
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

    func row(_ m: CaseModel, today: LocalDate) -> Row {
        let status = CaseStatus(rawValue: m.status)
        var light: TrafficLight?
        if let status, status.isRunning, let due = m.deadline.flatMap(LocalDate.init) {
            light = today > due ? .red : req.jiujin.calendar.workingDays(after: today, through: due).value <= 1 ? .yellow : .green
        }
        return Row(id: m.id!.uuidString, number: m.number, itemName: m.itemName, applicantName: Masking.name(m.applicantName),
                   status: m.status, statusLabel: status?.label ?? m.status,
                   channelLabel: CaseChannel(rawValue: m.channel)?.label ?? m.channel, deadline: m.deadline,
                   light: light?.rawValue, lightLabel: light?.label, overdue: light == .red, dueSoon: light == .yellow,
                   assigneeId: m.assigneeId, decidingOrgId: m.decidingOrgId, version: m.version)
    }
}
