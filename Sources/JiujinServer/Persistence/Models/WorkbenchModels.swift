import Fluent
import Foundation

/// A signed-in browser; the cookie holds a random token, the table its SHA-256.
final class WebSessionModel: Model, @unchecked Sendable {
    static let schema = "web_sessions"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "staff_id") var staffId: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

/// A numbered approval seal (审批专用章) owned by a bureau and entrusted to one organisation.
final class SealModel: Model, @unchecked Sendable {
    static let schema = "seals"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "number") var number: String
    @Field(key: "name") var name: String
    @Field(key: "owner_org_id") var ownerOrgId: String
    @Field(key: "holder_org_id") var holderOrgId: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "retired_at") var retiredAt: Date?

    init() {}

    init(id: String, number: String, name: String, ownerOrgId: String, holderOrgId: String, at: Date) {
        self.id = id
        self.number = number
        self.name = name
        self.ownerOrgId = ownerOrgId
        self.holderOrgId = holderOrgId
        active = true
        createdAt = at
    }
}

/// One message to an applicant in the outbox (通知), delivered by a sender with retries.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "phone") var phone: String
    @Field(key: "text") var text: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}

/// What an agent told the resident, and when (跟踪反馈记录).
final class CaseFeedbackModel: Model, @unchecked Sendable {
    static let schema = "case_feedback"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "staff_id") var staffId: String
    @Field(key: "channel") var channel: String
    @Field(key: "text") var text: String
    @Field(key: "at") var at: Date

    init() {}
}
