import Fluent
import Foundation

/// One message to an applicant in the outbox (通知), delivered by a sender with retries.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "case_id") var caseId: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "phone") var phone: String
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @Field(key: "text") var text: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}
