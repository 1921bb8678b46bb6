import Fluent
import SQLKit
import Foundation
import JiujinCore

/// The outbox (通知发件箱): messages a change owes the applicant are written
/// in the same transaction as the change; the dispatcher delivers them later,
/// so a slow or broken sender never slows or fails a case action.
enum Outbox {
    /// The phone is stored sealed (`FieldCipher`) with its keyed hash (the portal inbox lists a resident's messages by
    /// it); the dispatcher opens it to send. `caseId` is nil for a message about no case (a sign-in code), and
    /// `sealText` keeps a secret text (the code) sealed too until it is sent.
    static func queue(_ messages: [ApplicantMessage], caseId: UUID?, at now: Date, cipher: FieldCipher, sealText: Bool = false,
                      on db: Database) async throws {
        guard !messages.isEmpty else { return }
        var query: SQLQueryString = """
            INSERT INTO notifications (id, case_id, kind, phone, phone_hash, text, status, attempts, next_attempt_at, created_at) VALUES\u{20}
            """
        for (i, m) in messages.enumerated() {
            let text = sealText ? try cipher.seal(m.text, column: "notifications.text") ?? "" : m.text
            let row: [any Encodable & Sendable] = [UUID(), caseId, m.kind, try cipher.seal(m.phone, column: "notifications.phone"),
                                                   cipher.lookupHash(m.phone), text, NotificationStatus.pending.rawValue, 0, now, now]
            query += i == 0 ? "(\(binds: row))" : ", (\(binds: row))"
        }
        try await sqlDatabase(db).raw(query).run()
    }
}

enum NotificationStatus: String {
    case pending, sent, failed
}
