import Foundation

/// A complaint or suggestion from a resident (投诉建议 / 吐槽找茬) about a service point, a member of staff or a case.
/// Supervisors assign it; the one assigned (or a supervisor) answers by the deadline in working days; the resident
/// reads the answer with the complaint's number and query code, or signed in.
public struct Complaint: Hashable, Sendable {
    public enum Subject: String, Sendable, CaseIterable {
        case point, staff, `case`, other

        public var label: String {
            switch self {
            case .point: return "办事点"
            case .staff: return "工作人员"
            case .case: return "办件"
            case .other: return "其他"
            }
        }
    }

    public enum Kind: String, Sendable, CaseIterable {
        case complaint, suggestion

        public var label: String { self == .complaint ? "投诉" : "建议" }
    }

    public enum Status: String, Sendable, CaseIterable {
        case open, assigned, answered

        public var label: String {
            switch self {
            case .open: return "待分派"
            case .assigned: return "办理中"
            case .answered: return "已答复"
            }
        }
    }

    public enum Action: String, Sendable {
        case assign, answer

        public var label: String { self == .assign ? "分派" : "答复" }
    }

    public var status: Status
    public var filedOn: LocalDate
    public var dueOn: LocalDate
    public var assigneeId: String?

    public init(status: Status = .open, filedOn: LocalDate, dueOn: LocalDate, assigneeId: String? = nil) {
        self.status = status
        self.filedOn = filedOn
        self.dueOn = dueOn
        self.assigneeId = assigneeId
    }

    /// A complaint filed on `day`, due `days` working days later.
    public static func filed(on day: LocalDate, days: Int, calendar: WorkingDayCalendar) throws(CalendarError) -> Complaint {
        Complaint(filedOn: day, dueOn: try calendar.addWorkingDays(days, to: day).value)
    }

    public func isOverdue(today: LocalDate) -> Bool { status != .answered && today > dueOn }

    /// Assigning is for supervisors (again while unanswered, to move it); answering for the assignee or a supervisor,
    /// with the answer's text.
    public func applying(_ action: Action, by actorId: String, role: ActorRole, assignee: String? = nil,
                         text: String?) throws(ComplaintError) -> Complaint {
        var next = self
        let hasText = !(text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        switch action {
        case .assign:
            guard status != .answered else { throw .notAllowed(action, status) }
            guard role == .supervisor else { throw .roleNotPermitted(role, action) }
            guard let assignee, !assignee.isEmpty else { throw .assigneeRequired }
            next.status = .assigned
            next.assigneeId = assignee
        case .answer:
            guard status != .answered else { throw .notAllowed(action, status) }
            guard role == .supervisor || (status == .assigned && assigneeId == actorId) else { throw .roleNotPermitted(role, action) }
            guard hasText else { throw .answerRequired }
            next.status = .answered
        }
        return next
    }
}

public enum ComplaintError: DomainError, Hashable {
    case notAllowed(Complaint.Action, Complaint.Status)
    case roleNotPermitted(ActorRole, Complaint.Action)
    case assigneeRequired, answerRequired

    public var kind: ErrorKind {
        switch self {
        case .notAllowed: return .conflict
        case .roleNotPermitted: return .forbidden
        case .assigneeRequired, .answerRequired: return .invalid
        }
    }

    public var code: String {
        switch self {
        case .notAllowed: return "invalid_transition"
        case .roleNotPermitted: return "role_not_permitted"
        case .assigneeRequired: return "assignee_required"
        case .answerRequired: return "answer_required"
        }
    }

    public var field: String? {
        switch self {
        case .assigneeRequired: return "assignee"
        case .answerRequired: return "text"
        default: return nil
        }
    }

    public var message: String {
        switch self {
        case .notAllowed(let a, let s): return "该投诉建议当前为「\(s.label)」，不能\(a.label)"
        case .roleNotPermitted(let r, let a): return "\(r.label)无权\(a.label)此投诉建议"
        case .assigneeRequired: return "请选择承办人"
        case .answerRequired: return "请填写答复内容"
        }
    }
}
