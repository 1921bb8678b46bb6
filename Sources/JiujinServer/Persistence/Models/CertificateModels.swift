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

/// An issued electronic certificate; together they form the licence library (证照库).
final class CertificateModel: Model, @unchecked Sendable {
    static let schema = "certificates"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @OptionalField(key: "case_id") var caseId: UUID?
    @Field(key: "type") var type: String
    /// Keyed hash of the holder's ID number or credit code, for library look-ups without storing it again.
    @Field(key: "holder_key") var holderKey: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "org_id") var orgId: String
    @Field(key: "seal_number") var sealNumber: String
    @Field(key: "kid") var kid: String
    @Field(key: "issued_on") var issuedOn: String
    @OptionalField(key: "valid_until") var validUntil: String?
    @Field(key: "payload") var payload: String
    @Field(key: "signature") var signature: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoke_reason") var revokeReason: String?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// One verification of a certificate (核验记录): when, how, and what it showed.
final class CertificateVerificationModel: Model, @unchecked Sendable {
    static let schema = "certificate_verifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "certificate_id") var certificateId: String
    @Field(key: "channel") var channel: String
    @Field(key: "result") var result: String
    @Field(key: "at") var at: Date
    init() {}

    init(certificateId: String, channel: String, result: String, at: Date) {
        self.certificateId = certificateId
        self.channel = channel
        self.result = result
        self.at = at
    }
}
