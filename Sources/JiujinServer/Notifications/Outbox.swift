import Foundation
import JiujinCore

/// Writes the messages a case change owes the applicant (办件通知) into the
/// outbox, in the same transaction as the change; senders deliver them later.
enum Outbox {
    static func messages(for model: CaseModel, after event: CaseEvent, county: String, now: Date) -> [NotificationModel] {
        let greeting = "【\(county)政务服务】\(Masking.name(model.applicantName))您好，您申请的「\(model.itemName)」"
        let text: String
        let kind: String
        switch (event.action, event.toStatus) {
        case (.accept, .accepted), (.supplement, .accepted):
            kind = "accepted"
            text = "\(greeting)已受理，办件编号\(model.number)，承诺于\(model.deadline ?? "")前办结。"
        case (.approve, .approved) where event.fromStatus == .accepted:
            kind = "decided"
            text = "\(greeting)已当场办结，办件编号\(model.number)。"
        case (.requestSupplement, .needsSupplement):
            kind = "supplement"
            let missing = event.details["missing"].flatMap { $0.isEmpty ? nil : $0 } ?? (model.reason ?? "")
            text = "\(greeting)需补正材料：\(missing)。请携带材料到原受理点办理，补正期间办理时限暂停。办件编号\(model.number)。"
        case (.rejectAtIntake, .rejectedAtIntake):
            kind = "rejected"
            text = "\(greeting)不予受理，理由：\(model.reason ?? "")。办件编号\(model.number)。"
        case (.approve, .approved):
            kind = "decided"
            text = "\(greeting)已办结（准予办理），办件编号\(model.number)，结果可领取或按您选择的方式送达。"
        case (.refuse, .refused):
            kind = "decided"
            text = "\(greeting)已作出不予许可决定，理由：\(model.reason ?? "")。如有异议，可依法申请行政复议或提起行政诉讼。"
        case (.deliver, .delivered) where event.details["delivery"] == "express":
            kind = "delivered"
            text = "\(greeting)办理结果已由\(event.details["carrier"] ?? "快递")寄出，单号\(event.details["trackingNumber"] ?? "")。"
        default:
            return []
        }
        let n = NotificationModel()
        n.id = UUID()
        n.caseId = model.id!
        n.kind = kind
        n.phone = model.applicantPhone
        n.text = text
        n.status = NotificationStatus.pending.rawValue
        n.attempts = 0
        n.nextAttemptAt = now
        n.createdAt = now
        return [n]
    }
}

enum NotificationStatus: String {
    case pending, sent, failed
}
