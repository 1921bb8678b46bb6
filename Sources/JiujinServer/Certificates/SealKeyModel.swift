import Fluent
import Foundation

/// A seal's Ed25519 signing key; the private half is stored sealed with the master key (AES-GCM).
final class SealKeyModel: Model, @unchecked Sendable {
    static let schema = "seal_keys"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "seal_id") var sealId: String
    @Field(key: "public_key") var publicKey: String
    @Field(key: "private_key_sealed") var privateKeySealed: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "retired_at") var retiredAt: Date?
    init() {}
}
