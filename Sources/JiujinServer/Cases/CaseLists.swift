import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// The case lists a member of staff may see: `StaffScope` turned into one
/// database filter, so a list never shows a case the detail would refuse.
/// Lists are opened all day (the inbox, 督办, the home page), so they read the
/// dozen columns a line shows in one SQL query, never whole case rows.
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

    /// Which cases a list holds, beyond the member's scope.
    struct Filter {
        var statuses: [String]?
        var number: String?
        var decidingOrgId: String?
        /// false for the inbox, which is the organisation's own by definition.
        var scoped = true
    }

    enum Order {
        /// Soonest deadline first (the working order).
        case deadline
        /// Newest first.
        case newest
        /// Oldest first (a queue: who waited longest comes first).
        case oldest
    }

    /// The lines of a list.
    func rows(_ filter: Filter, order: Order, limit: Int) async throws -> [Row] {
        var query: SQLQueryString = """
            SELECT id, number, item_code, item_name, applicant_name, status, channel, region_code, deciding_org_id, assignee_id,
            deadline, version FROM cases WHERE 1 = 1
            """
        let scope = staff.scope
        if filter.scoped, let point = scope.pointId {
            query += " AND point_id = \(bind: point)"
        } else if filter.scoped, !scope.wholeCounty {
            // Every case `StaffScope.sees`: the member's organisation accepted or decides it, or it is in the region they serve.
            query += " AND (deciding_org_id = \(bind: scope.orgId) OR accepting_org_id = \(bind: scope.orgId)"
            if let prefix = scope.regionPrefix { query += " OR region_code LIKE \(bind: prefix + "%")" }
            query += ")"
        }
        if let statuses = filter.statuses { query += " AND status IN (\(binds: statuses))" }
        if let number = filter.number { query += " AND number = \(bind: number)" }
        if let org = filter.decidingOrgId { query += " AND deciding_org_id = \(bind: org)" }
        switch order {
        case .deadline: query += " ORDER BY deadline ASC, created_at ASC"
        case .newest: query += " ORDER BY created_at DESC"
        case .oldest: query += " ORDER BY created_at ASC"
        }
        query += " LIMIT \(literal: limit)"
        return try await sqlDatabase(db).raw(query).all().map(row)
    }

    /// Cases not yet delivered or closed, soonest deadline first.
    func openCases(limit: Int = 500) async throws -> [Row] {
        try await rows(Filter(statuses: Self.openStatuses), order: .deadline, limit: limit)
    }

    /// An approver's inbox: open cases their organisation decides.
    func inbox(limit: Int = 500) async throws -> [Row] {
        try await rows(Filter(statuses: Self.runningStatuses, decidingOrgId: staff.org.id, scoped: false), order: .deadline, limit: limit)
    }

    /// 网上预审: online applications waiting at the member's window, who waited longest first.
    func preReview(limit: Int = 500) async throws -> [Row] {
        try await rows(Filter(statuses: [CaseStatus.submitted.rawValue]), order: .oldest, limit: limit)
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
        var itemCode = ""
        var channel = ""
        var regionCode = ""
    }

    func row(_ r: SQLRow) throws -> Row {
        func s(_ column: String) throws -> String { try r.decode(column: column, as: String.self) }
        func o(_ column: String) throws -> String? { try r.decode(column: column, as: String?.self) }
        let rawStatus = try s("status"), rawChannel = try s("channel"), deadline = try o("deadline")
        let status = CaseStatus(rawValue: rawStatus)
        let light = status.flatMap {
            TrafficLight.of(status: $0, deadline: deadline.flatMap(LocalDate.init), today: ctx.today, calendar: ctx.calendar)
        }
        return Row(id: try r.decode(column: "id", as: UUID.self).uuidString, number: try s("number"), itemName: try s("item_name"),
                   applicantName: Masking.name(try s("applicant_name")), status: rawStatus, statusLabel: status?.label ?? rawStatus,
                   channelLabel: CaseChannel(rawValue: rawChannel)?.label ?? rawChannel, deadline: deadline,
                   light: light?.rawValue, lightLabel: light?.label, overdue: light == .red, dueSoon: light == .yellow,
                   assigneeId: try o("assignee_id"), decidingOrgId: try o("deciding_org_id"),
                   version: try r.decode(column: "version", as: Int.self), itemCode: try s("item_code"), channel: rawChannel,
                   regionCode: try s("region_code"))
    }
}
