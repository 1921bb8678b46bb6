import Foundation

/// A command on an existing case (办件操作), with its typed payload. Payloads
/// that need checking against the case (the delivery, the missing materials,
/// the colleague) are checked only after the lifecycle and authority allow
/// the command, so a refused command reports why it is refused first.
public enum CaseCommand: Hashable, Sendable {
    /// 受理 an online submission, at the named point or the member's own.
    case accept(pointId: String?)
    case rejectAtIntake(reason: String?)
    case requestSupplement(missing: [String], reason: String?)
    case supplement
    case startReview
    case passStage
    case startSpecialProcedure(procedure: String?)
    case endSpecialProcedure
    case approve
    case refuse(reason: String?)
    case deliver(DeliveryDraft?)
    case close
    case withdraw(reason: String?)
    /// 转交 to a colleague of the deciding organisation (AB角).
    case reassign(assigneeId: String?)
    /// The agent records one of the steps they take by hand (协调办理, 跟踪反馈).
    case recordProxyStep(ProxyStep)

    public var action: CaseAction {
        switch self {
        case .accept: return .accept
        case .rejectAtIntake: return .rejectAtIntake
        case .requestSupplement: return .requestSupplement
        case .supplement: return .supplement
        case .startReview: return .startReview
        case .passStage: return .passStage
        case .startSpecialProcedure: return .startSpecialProcedure
        case .endSpecialProcedure: return .endSpecialProcedure
        case .approve: return .approve
        case .refuse: return .refuse
        case .deliver: return .deliver
        case .close: return .close
        case .withdraw: return .withdraw
        case .reassign: return .reassign
        case .recordProxyStep: return .recordProxyStep
        }
    }

    /// The reason the lifecycle asks of some actions.
    public var reason: String? {
        switch self {
        case .rejectAtIntake(let r), .requestSupplement(_, let r), .refuse(let r), .withdraw(let r): return r
        case .startSpecialProcedure(let p): return p
        default: return nil
        }
    }
}
