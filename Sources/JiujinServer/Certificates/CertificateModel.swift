import Fluent
import Foundation
import SQLKit

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

extension CertificateModel {
    private static let columns = """
        id, case_id, type, holder_key, holder_name, org_id, seal_number, kid, issued_on, valid_until, payload, signature,
        revoked_at, revoke_reason, created_at
        """

    /// One certificate by id, read with one primary-key query and mapped by hand (every verification asks it).
    static func read(_ id: String, on db: Database) async throws -> CertificateModel? {
        guard let row = try await sqlDatabase(db).raw("SELECT \(unsafeRaw: columns) FROM certificates WHERE id = \(bind: id)").first() else {
            return nil
        }
        let c = CertificateModel()
        c.id = try row.decode(column: "id", as: String.self)
        c.caseId = try row.decode(column: "case_id", as: UUID?.self)
        c.type = try row.decode(column: "type", as: String.self)
        c.holderKey = try row.decode(column: "holder_key", as: String.self)
        c.holderName = try row.decode(column: "holder_name", as: String.self)
        c.orgId = try row.decode(column: "org_id", as: String.self)
        c.sealNumber = try row.decode(column: "seal_number", as: String.self)
        c.kid = try row.decode(column: "kid", as: String.self)
        c.issuedOn = try row.decode(column: "issued_on", as: String.self)
        c.validUntil = try row.decode(column: "valid_until", as: String?.self)
        c.payload = try row.decode(column: "payload", as: String.self)
        c.signature = try row.decode(column: "signature", as: String.self)
        c.revokedAt = try row.decode(column: "revoked_at", as: Date?.self)
        c.revokeReason = try row.decode(column: "revoke_reason", as: String?.self)
        c.createdAt = try row.decode(column: "created_at", as: Date.self)
        c.$id.exists = true
        return c
    }
}
