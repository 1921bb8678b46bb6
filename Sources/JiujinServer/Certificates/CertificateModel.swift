import Fluent
import Foundation

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
