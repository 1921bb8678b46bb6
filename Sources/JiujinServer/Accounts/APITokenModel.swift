import Fluent
import Foundation
import JiujinCore

/// A bearer token for the JSON API; only its SHA-256 is stored.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "staff_id") var staffId: String
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(tokenHash: String, staffId: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.staffId = staffId
        self.expiresAt = expiresAt
    }
}
