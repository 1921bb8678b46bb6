import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivers the outbox: claims due messages one by one (so two processes never
/// send the same one), gives each sender call a time limit, and retries
/// failures with exponential backoff. Case actions only write the outbox, so a
/// slow or broken sender never slows or fails them.
final class NotificationDispatcher: Sendable {
    static let maxAttempts = 12
    static let sendTimeout: Duration = .seconds(15)
    private let sender: LockedBox<any NotificationSender>
    private let door: WriteDoor
    private let cipher: FieldCipher

    init(sender: any NotificationSender, door: WriteDoor, cipher: FieldCipher) {
        self.sender = LockedBox(sender)
        self.door = door
        self.cipher = cipher
    }

    func use(_ sender: any NotificationSender) { self.sender.value = sender }

    /// Backoff after the Nth failed attempt: 5 s, 10 s, 20 s … at most an hour.
    static func backoff(afterAttempt n: Int) -> TimeInterval { min(3600, 5 * pow(2, Double(max(0, n - 1)))) }

    struct Round: Sendable, Equatable {
        var sent = 0
        var failed = 0
    }

    /// One pass over the due messages.
    func runOnce(db: Database, now: Date, limit: Int = 50) async throws -> Round {
        let due = try await NotificationModel.query(on: db).filter(\.$status == NotificationStatus.pending.rawValue)
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(limit).all()
        var round = Round()
        for n in due {
            guard let id = n.id else { continue }
            let attempts = n.attempts
            // Claim: bump the attempt counter only if nobody else did, and lease the message for the send's duration.
            let claimed = try await door.write(db) { tx -> Bool in
                guard let sql = tx as? SQLDatabase else { return false }
                return try await sql.update(NotificationModel.schema)
                    .set("attempts", to: SQLBind(attempts + 1))
                    .set("next_attempt_at", to: SQLBind(now.addingTimeInterval(120)))
                    .where("id", .equal, SQLBind(id)).where("attempts", .equal, SQLBind(attempts))
                    .where("status", .equal, SQLBind(NotificationStatus.pending.rawValue))
                    .returning("id").all().count == 1
            }
            guard claimed else { continue }
            n.attempts += 1
            let message = OutgoingMessage(id: n.id!, kind: n.kind, phone: (try? cipher.open(n.phone, column: "notifications.phone")) ?? "",
                                          text: (try? cipher.open(n.text, column: "notifications.text")) ?? "", attempt: n.attempts)
            do {
                try await Self.withTimeout(Self.sendTimeout) { [sender] in try await sender.value.send(message) }
                n.status = NotificationStatus.sent.rawValue
                n.sentAt = now
                n.lastError = nil
                round.sent += 1
            } catch {
                n.lastError = String(String(describing: error).prefix(300))
                n.status = n.attempts >= Self.maxAttempts ? NotificationStatus.failed.rawValue : NotificationStatus.pending.rawValue
                n.nextAttemptAt = now.addingTimeInterval(Self.backoff(afterAttempt: n.attempts))
                round.failed += 1
            }
            try await door.write(db) { tx in try await n.save(on: tx) }
        }
        return round
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "发送超时" }
    }

    /// Runs `body` but gives up after `limit`, even if the body never returns (a hung sender).
    static func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let once = LockedBox(false)
        let claim: @Sendable () -> Bool = {
            once.update { done in
                if done { return false }
                done = true
                return true
            }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let work = Task {
                do {
                    try await body()
                    if claim() { continuation.resume() }
                } catch {
                    if claim() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                if claim() {
                    work.cancel()
                    continuation.resume(throwing: TimedOut())
                }
            }
        }
    }
}
