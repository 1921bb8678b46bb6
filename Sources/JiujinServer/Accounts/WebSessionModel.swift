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
