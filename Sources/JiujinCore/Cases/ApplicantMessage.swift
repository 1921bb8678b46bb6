import Foundation

/// A message a case change owes its applicant (办件通知), e.g. an SMS on
/// acceptance, a supplement request, a decision or an express dispatch.
public struct ApplicantMessage: Hashable, Sendable {
    /// accepted, decided, supplement, rejected or delivered.
    public var kind: String
    public var phone: String
    public var text: String

    public init(kind: String, phone: String, text: String) {
        self.kind = kind
        self.phone = phone
        self.text = text
    }

    /// The messages owed after `events`: the last event that owes one wins, so one change sends one message.
    public static func owed(by c: Case, after events: [CaseEvent], county: String) -> [ApplicantMessage] {
        for event in events.reversed() {
            if let m = message(for: c, after: event, county: county) { return [m] }
        }
        return []
    }

    static func message(for c: Case, after event: CaseEvent, county: String) -> ApplicantMessage? {
        let greeting = "【\(county)政务服务】\(Masking.name(c.applicant.name))您好，您申请的「\(c.itemName)」"
        let text: String
        let kind: String
        switch (event.action, event.toStatus) {
        case (.accept, .accepted), (.supplement, .accepted):
            kind = "accepted"
            text = "\(greeting)已受理，办件编号\(c.number)，承诺于\(c.deadline?.description ?? "")前办结。"
        case (.approve, .approved) where event.fromStatus == .accepted:
            kind = "decided"
            text = "\(greeting)已当场办结，办件编号\(c.number)。"
        case (.requestSupplement, .needsSupplement):
            kind = "supplement"
            let missing = event.details["missing"].flatMap { $0.isEmpty ? nil : $0 } ?? (c.reason ?? "")
            text = c.resumeStatus == .submitted && c.channel == .online
                ? "\(greeting)预审需补正材料：\(missing)。请登录网上办事大厅，在「我的办件」中上传补正材料。办件编号\(c.number)。"
                : "\(greeting)需补正材料：\(missing)。请携带材料到原受理点办理，补正期间办理时限暂停。办件编号\(c.number)。"
        case (.rejectAtIntake, .rejectedAtIntake):
            kind = "rejected"
            text = "\(greeting)不予受理，理由：\(c.reason ?? "")。办件编号\(c.number)。"
        case (.approve, .approved):
            kind = "decided"
            text = "\(greeting)已办结（准予办理），办件编号\(c.number)，结果可领取或按您选择的方式送达。"
        case (.refuse, .refused):
            kind = "decided"
            text = "\(greeting)已作出不予许可决定，理由：\(c.reason ?? "")。如有异议，可依法申请行政复议或提起行政诉讼。"
        case (.deliver, .delivered) where event.details["delivery"] == DeliveryMethod.express.rawValue:
            kind = "delivered"
            text = "\(greeting)办理结果已由\(event.details["carrier"] ?? "快递")寄出，单号\(event.details["trackingNumber"] ?? "")。"
        default:
            return nil
        }
        return ApplicantMessage(kind: kind, phone: c.applicant.phone, text: text)
    }
}
