import Foundation

/// The status of a case (办件状态) in its lifecycle.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    /// Filed online, waiting for pre-review (待预审).
    case submitted
    /// 已受理.
    case accepted
    /// 不予受理.
    case rejectedAtIntake = "rejected_at_intake"
    /// 补正: waiting for the materials listed in a one-time notice; the clock stops.
    case needsSupplement = "needs_supplement"
    /// 审查中.
    case underReview = "under_review"
    /// 特别程序: inspection, public notice, expert review; the clock stops.
    case specialProcedure = "special_procedure"
    /// 准予许可 / 办结.
    case approved
    /// 不予许可.
    case refused
    /// 已送达 / 已出件.
    case delivered
    /// 已归档.
    case closed
    /// 已撤回.
    case withdrawn

    public var label: String {
        switch self {
        case .submitted: return "待预审"
        case .accepted: return "已受理"
        case .rejectedAtIntake: return "不予受理"
        case .needsSupplement: return "待补正"
        case .underReview: return "审查中"
        case .specialProcedure: return "特别程序"
        case .approved: return "准予办理"
        case .refused: return "不予许可"
        case .delivered: return "已送达"
        case .closed: return "已办结归档"
        case .withdrawn: return "已撤回"
        }
    }

    /// Whether the promised-time clock applies (the case is accepted and not yet decided).
    public var isRunning: Bool { [.accepted, .underReview, .needsSupplement, .specialProcedure].contains(self) }

    /// Not yet handed over or ended: what lists of work in hand show.
    public var isOpen: Bool { !isTerminal && self != .delivered }

    /// No further transition is possible.
    public var isTerminal: Bool { [.rejectedAtIntake, .closed, .withdrawn].contains(self) }
}

/// Who takes a lifecycle action. Staff roles plus the applicant and the system itself.
public enum ActorRole: String, Codable, Sendable, CaseIterable {
    /// 综合受理窗口人员.
    case windowClerk = "window_clerk"
    /// 帮办代办员.
    case villageAgent = "village_agent"
    /// 合作网点柜员: a bank, post-office or shop teller who accepts the items their partner point offers.
    case partnerTeller = "partner_teller"
    /// 审批人员.
    case approver
    /// 监督/管理人员.
    case supervisor
    /// 系统管理员.
    case administrator
    /// 申请人 (resident or enterprise).
    case applicant
    /// jiujin itself (automatic closing, timers).
    case system

    public var label: String {
        switch self {
        case .windowClerk: return "综合受理窗口人员"
        case .villageAgent: return "帮办代办员"
        case .partnerTeller: return "合作网点柜员"
        case .approver: return "审批人员"
        case .supervisor: return "监督管理人员"
        case .administrator: return "系统管理员"
        case .applicant: return "申请人"
        case .system: return "系统"
        }
    }

    public static let staffRoles: [ActorRole] = [.windowClerk, .villageAgent, .partnerTeller, .approver, .supervisor, .administrator]

    /// The roles that take cases in from residents (前台): window clerks, agents and partner-point tellers.
    public static let frontDesk: Set<ActorRole> = [.windowClerk, .villageAgent, .partnerTeller]
}
