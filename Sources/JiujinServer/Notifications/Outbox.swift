import Fluent
import Foundation
import JiujinCore

/// The outbox (通知发件箱): messages a change owes the applicant are written
/// in the same transaction as the change; the dispatcher delivers them later,
/// so a slow or broken sender never slows or fails a case action.
enum Outbox {
    static func queue(_ messages: [ApplicantMessage], caseId: UUID, at now: Date, on db: Database) async throws {
        for m in messages {
            let n = NotificationModel()
            n.id = UUID()
            n.caseId = caseId
            n.kind = m.kind
            n.phone = m.phone
            n.text = m.text
            n.status = NotificationStatus.pending.rawValue
            n.attempts = 0
            n.nextAttemptAt = now
            n.createdAt = now
            try await n.create(on: db)
        }
    }
}

enum NotificationStatus: String {
    case pending, sent, failed
}
