import Foundation

/// A case as its applicant follows it (办件进度), in plain words: each step of the history without staff names or
/// internal codes, the deadline, and what the applicant should do next.
public struct CaseProgress: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        public var at: Date
        public var text: String
    }

    public var status: CaseStatus
    public var steps: [Step]
    /// 承诺办结日期, once the case is accepted.
    public var deadline: LocalDate?
    public var next: String

    public init(of c: Case, events: [CaseEvent], directory: Directory) {
        status = c.status
        deadline = c.status.isRunning ? c.deadline : nil
        steps = events.compactMap { e in
            guard let text = Self.describe(e, directory: directory) else { return nil }
            return Step(at: Date(timeIntervalSince1970: Double(e.atMillis) / 1000), text: text)
        }
        next = Self.nextStep(c)
    }

    static func describe(_ e: CaseEvent, directory: Directory) -> String? {
        let place = e.pointId.flatMap { directory.pointsById[$0]?.name } ?? directory.name(ofOrg: e.orgId)
        switch e.action {
        case .submit: return "您已在网上提交申请，等待工作人员预审"
        case .accept: return "\(place)已受理您的申请"
        case .rejectAtIntake: return "\(place)决定不予受理：\(e.comment ?? "")"
        case .requestSupplement: return "需要补正材料：\(e.details["missing"] ?? e.comment ?? "")"
        case .supplement: return e.toStatus == .submitted ? "补正材料已提交，等待重新预审" : "补正材料已收到，继续办理"
        case .startReview: return "\(directory.name(ofOrg: e.orgId))开始审查"
        case .passStage: return "「\(e.details["passed"] ?? "审查")」环节已完成"
        case .startSpecialProcedure: return "进入特别程序（\(e.details["procedure"] ?? "")），期间不计入办理时限"
        case .endSpecialProcedure: return "特别程序结束，继续审查"
        case .approve: return "已准予办理"
        case .refuse: return "已作出不予许可决定：\(e.comment ?? "")"
        case .deliver: return "办理结果已送达（\(e.details["delivery"].flatMap(DeliveryMethod.init(rawValue:))?.label ?? "")）"
        case .close: return "办件已办结归档"
        case .withdraw: return "申请已撤回"
        case .attachMaterial: return "材料「\(e.details["material"] ?? "")」已上传"
        case .reassign, .recordProxyStep: return nil
        }
    }

    static func nextStep(_ c: Case) -> String {
        switch c.status {
        case .submitted: return "请等待预审，结果将以短信通知您。"
        case .needsSupplement:
            return c.acceptedOn == nil && c.channel == .online
                ? "请按一次性告知书准备材料，登录后在「我的办件」中上传补正材料。"
                : "请按一次性告知书携带补正材料到受理点，补正期间办理时限暂停。"
        case .accepted, .underReview, .specialProcedure:
            return c.deadline.map { "正在办理，承诺于\($0)前办结，无需您再做什么。" } ?? "正在办理，无需您再做什么。"
        case .approved: return "已办结，请按您选择的方式领取结果。"
        case .refused: return "如有异议，可依法申请行政复议或提起行政诉讼。"
        case .rejectedAtIntake: return "如需继续办理，请按告知的理由准备后重新申请。"
        case .delivered, .closed: return "已办结。欢迎对本次服务进行评价。"
        case .withdrawn: return "申请已撤回。"
        }
    }
}
