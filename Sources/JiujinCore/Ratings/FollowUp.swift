import Foundation

/// The follow-up of a bad rating (差评回访整改): verify, then fix at once, fix
/// by the deadline (an extension may be granted), or explain; a supervisor
/// may judge the rating invalid (误评/恶意差评).
public enum FollowUpStatus: String, Codable, Sendable, CaseIterable {
    case open, verified, resolved, judgedInvalid = "judged_invalid"

    public var label: String {
        switch self {
        case .open: return "待核实"
        case .verified: return "已核实，整改中"
        case .resolved: return "已办结"
        case .judgedInvalid: return "判定为无效差评"
        }
    }

    public var isConcluded: Bool { self == .resolved || self == .judgedInvalid }
}

public enum FollowUpOutcome: String, Codable, Sendable, CaseIterable {
    case fixedAtOnce = "fixed_at_once", fixedByDeadline = "fixed_by_deadline", explained

    public var label: String {
        switch self {
        case .fixedAtOnce: return "立行立改"
        case .fixedByDeadline: return "限期整改"
        case .explained: return "解释说明"
        }
    }
}

public enum FollowUpAction: String, Codable, Sendable, CaseIterable {
    case verify, resolve, extend, judgeInvalid = "judge_invalid"

    public var label: String {
        switch self {
        case .verify: return "核实"
        case .resolve: return "整改办结"
        case .extend: return "申请延期"
        case .judgeInvalid: return "判定无效差评"
        }
    }
}

/// One follow-up's state and the rules that move it.
public struct FollowUp: Equatable, Sendable {
    public var status: FollowUpStatus
    public var openedOn: LocalDate
    public var dueOn: LocalDate
    public var outcome: FollowUpOutcome?

    public init(status: FollowUpStatus = .open, openedOn: LocalDate, dueOn: LocalDate, outcome: FollowUpOutcome? = nil) {
        self.status = status
        self.openedOn = openedOn
        self.dueOn = dueOn
        self.outcome = outcome
    }

    /// Opens a follow-up due `days` working days after the rating (default 5).
    public static func open(on day: LocalDate, days: Int, calendar: WorkingDayCalendar) throws(CalendarError) -> FollowUp {
        FollowUp(openedOn: day, dueOn: try calendar.addWorkingDays(days, to: day).value)
    }

    public func isOverdue(today: LocalDate) -> Bool { !status.isConcluded && today > dueOn }

    /// Applies an action; `role` must be staff of the rated organisation, or a supervisor to judge.
    public func applying(_ action: FollowUpAction, role: ActorRole, outcome: FollowUpOutcome? = nil, newDue: LocalDate? = nil,
                         note: String?) throws(FollowUpError) -> FollowUp {
        var next = self
        let hasNote = !(note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        switch action {
        case .verify:
            guard status == .open else { throw .notAllowed(action, status) }
            guard [.approver, .windowClerk, .villageAgent, .supervisor].contains(role) else { throw .roleNotPermitted(role, action) }
            guard hasNote else { throw .noteRequired }
            next.status = .verified
        case .resolve:
            guard status == .verified else { throw .notAllowed(action, status) }
            guard [.approver, .windowClerk, .villageAgent, .supervisor].contains(role) else { throw .roleNotPermitted(role, action) }
            guard let outcome else { throw .outcomeRequired }
            guard hasNote else { throw .noteRequired }
            next.status = .resolved
            next.outcome = outcome
        case .extend:
            guard status == .verified else { throw .notAllowed(action, status) }
            guard role == .supervisor else { throw .roleNotPermitted(role, action) }
            guard let newDue, newDue > dueOn else { throw .badExtension }
            guard hasNote else { throw .noteRequired }
            next.dueOn = newDue
        case .judgeInvalid:
            guard !status.isConcluded else { throw .notAllowed(action, status) }
            guard role == .supervisor else { throw .roleNotPermitted(role, action) }
            guard hasNote else { throw .noteRequired }
            next.status = .judgedInvalid
        }
        return next
    }
}

public enum FollowUpError: Error, Equatable, Sendable {
    case notAllowed(FollowUpAction, FollowUpStatus)
    case roleNotPermitted(ActorRole, FollowUpAction)
    case noteRequired, outcomeRequired, badExtension

    public var message: String {
        switch self {
        case .notAllowed(let a, let s): return "回访当前为「\(s.label)」，不能「\(a.label)」"
        case .roleNotPermitted(let r, let a): return "\(r.label)无权「\(a.label)」"
        case .noteRequired: return "请填写核实或整改情况说明"
        case .outcomeRequired: return "请选择整改结果（立行立改、限期整改或解释说明）"
        case .badExtension: return "延期后的期限须晚于原期限"
        }
    }
}
