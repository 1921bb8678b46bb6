import Foundation

/// A lifecycle action on a case (办件操作).
public enum CaseAction: String, Codable, Sendable, CaseIterable {
    /// Online filing by the applicant (网上申请).
    case submit
    /// 受理 (at the window, or of an online submission after pre-review).
    case accept
    /// 不予受理.
    case rejectAtIntake = "reject_at_intake"
    /// 一次性告知: ask for everything missing at once; the clock stops.
    case requestSupplement = "request_supplement"
    /// 补正材料已收: the clock resumes.
    case supplement
    /// 开始审查.
    case startReview = "start_review"
    /// 通过当前审查环节.
    case passStage = "pass_stage"
    /// 启动特别程序.
    case startSpecialProcedure = "start_special_procedure"
    /// 结束特别程序.
    case endSpecialProcedure = "end_special_procedure"
    /// 准予 / 办结.
    case approve
    /// 不予许可.
    case refuse
    /// 出件/送达.
    case deliver
    /// 归档.
    case close
    /// 撤回申请.
    case withdraw
    /// 转交: hand the case to a colleague (AB角) without changing its status.
    case reassign
    /// 代办步骤: the agent records a proxy step; a note in the history, not a move of the lifecycle.
    case recordProxyStep = "record_proxy_step"
    /// 上传材料: the files (scans, photos, PDFs) of one material; the status does not change.
    case attachMaterial = "attach_material"

    public var label: String {
        switch self {
        case .submit: return "网上申请"
        case .accept: return "受理"
        case .rejectAtIntake: return "不予受理"
        case .requestSupplement: return "一次性告知补正"
        case .supplement: return "补正材料"
        case .startReview: return "开始审查"
        case .passStage: return "审查环节通过"
        case .startSpecialProcedure: return "启动特别程序"
        case .endSpecialProcedure: return "结束特别程序"
        case .approve: return "准予办理"
        case .refuse: return "不予许可"
        case .deliver: return "出件送达"
        case .close: return "办结归档"
        case .withdraw: return "撤回"
        case .reassign: return "转交（AB角）"
        case .recordProxyStep: return "记录代办步骤"
        case .attachMaterial: return "上传材料"
        }
    }

    /// Actions that must say why.
    public var needsReason: Bool { [.rejectAtIntake, .requestSupplement, .refuse, .withdraw, .startSpecialProcedure].contains(self) }
}

/// One allowed move of the lifecycle: from which statuses, to which, and who may make it.
public struct CaseTransition: Sendable, Hashable {
    /// Where a transition leads.
    public enum Target: Sendable, Hashable {
        case status(CaseStatus)
        /// Back to where the case was before the pause (补正 returns to accepted or under_review).
        case resume
        /// The status does not change (a hand-over).
        case same
    }

    public var action: CaseAction
    public var from: Set<CaseStatus?>
    public var to: Target
    public var roles: Set<ActorRole>

    init(action: CaseAction, from: Set<CaseStatus?>, to: CaseStatus, roles: Set<ActorRole>) {
        self.init(action: action, from: from, target: .status(to), roles: roles)
    }

    init(action: CaseAction, from: Set<CaseStatus?>, target: Target, roles: Set<ActorRole>) {
        self.action = action
        self.from = from
        self.to = target
        self.roles = roles
    }
}

/// The case lifecycle (办件生命周期) as data: every allowed transition and the
/// roles that may take it. Anything else is a typed error.
public enum CaseLifecycle {
    static let intake: Set<ActorRole> = ActorRole.frontDesk
    static let front: Set<ActorRole> = [.windowClerk, .villageAgent, .approver]

    public static let transitions: [CaseTransition] = [
        .init(action: .submit, from: [nil], to: .submitted, roles: [.applicant, .villageAgent, .windowClerk, .partnerTeller]),
        .init(action: .accept, from: [nil, .submitted], to: .accepted, roles: intake),
        .init(action: .rejectAtIntake, from: [nil, .submitted], to: .rejectedAtIntake, roles: intake),
        .init(action: .requestSupplement, from: [nil, .submitted], to: .needsSupplement, roles: intake),
        .init(action: .requestSupplement, from: [.accepted], to: .needsSupplement, roles: front),
        .init(action: .requestSupplement, from: [.underReview], to: .needsSupplement, roles: [.approver]),
        // The applicant answers online a notice given at pre-review (`Case.answeringNotice`).
        .init(action: .supplement, from: [.needsSupplement], target: .resume, roles: front.union([.applicant])),
        .init(action: .startReview, from: [.accepted], to: .underReview, roles: [.approver]),
        .init(action: .passStage, from: [.underReview], to: .underReview, roles: [.approver]),
        .init(action: .startSpecialProcedure, from: [.underReview], to: .specialProcedure, roles: [.approver]),
        .init(action: .endSpecialProcedure, from: [.specialProcedure], to: .underReview, roles: [.approver]),
        .init(action: .approve, from: [.underReview], to: .approved, roles: [.approver]),
        .init(action: .refuse, from: [.underReview], to: .refused, roles: [.approver]),
        .init(action: .deliver, from: [.approved, .refused], to: .delivered, roles: [.windowClerk, .villageAgent, .approver]),
        .init(action: .close, from: [.delivered], to: .closed, roles: [.windowClerk, .villageAgent, .approver, .system]),
        .init(action: .withdraw, from: [.submitted, .accepted, .needsSupplement, .underReview, .specialProcedure],
              to: .withdrawn, roles: [.applicant, .windowClerk, .villageAgent]),
        .init(action: .reassign, from: [.accepted, .needsSupplement, .underReview, .specialProcedure], target: .same,
              roles: [.approver, .supervisor]),
    ]

    /// The instant-item shortcut: a 即办件 is decided at the window by whoever accepted it.
    static let instantDecision = CaseTransition(action: .approve, from: [.accepted], to: .approved, roles: intake)
    static let instantRefusal = CaseTransition(action: .refuse, from: [.accepted], to: .refused, roles: intake)

    /// The status a case moves to when `role` takes `action` from `status`
    /// (nil = a new case). `resumeTo` answers where a 补正 returns.
    public static func next(from status: CaseStatus?, action: CaseAction, role: ActorRole, isInstant: Bool,
                            resumeTo: CaseStatus? = nil, reason: String? = nil) throws(LifecycleError) -> CaseStatus {
        var candidates = transitions.filter { $0.action == action }
        if isInstant { candidates += [instantDecision, instantRefusal].filter { $0.action == action } }
        let fitting = candidates.filter { $0.from.contains(status) }
        guard !fitting.isEmpty else { throw .notAllowed(action: action, from: status) }
        guard let move = fitting.first(where: { $0.roles.contains(role) }) else {
            throw .roleNotPermitted(role: role, action: action)
        }
        if action.needsReason, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .reasonRequired(action)
        }
        switch move.to {
        case .status(let to): return to
        case .resume: return resumeTo ?? .accepted
        case .same: return status!
        }
    }

    /// Every action `role` could take now; for offering buttons.
    public static func available(from status: CaseStatus?, role: ActorRole, isInstant: Bool) -> [CaseAction] {
        CaseAction.allCases.filter { action in
            (try? next(from: status, action: action, role: role, isInstant: isInstant, reason: "x")) != nil
        }
    }
}

/// A lifecycle move that is not allowed.
public enum LifecycleError: Error, Hashable, Sendable {
    case notAllowed(action: CaseAction, from: CaseStatus?)
    case roleNotPermitted(role: ActorRole, action: CaseAction)
    case reasonRequired(CaseAction)

    public var code: String {
        switch self {
        case .notAllowed: return "invalid_transition"
        case .roleNotPermitted: return "role_not_permitted"
        case .reasonRequired: return "reason_required"
        }
    }

    public var message: String {
        switch self {
        case .notAllowed(let action, let from):
            return "办件当前状态为「\(from?.label ?? "新建")」，不能执行「\(action.label)」"
        case .roleNotPermitted(let role, let action):
            return "\(role.label)无权执行「\(action.label)」"
        case .reasonRequired(let action):
            return "执行「\(action.label)」必须填写理由"
        }
    }
}
