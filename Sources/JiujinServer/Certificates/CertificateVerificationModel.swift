import Fluent
import Foundation
import SQLKit

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

extension CertificateVerificationModel {
    /// Stores the record with one plain insert (verifications are the busiest public write).
    func insert(on db: Database) async throws {
        try await sqlDatabase(db).raw("""
            INSERT INTO certificate_verifications (id, certificate_id, channel, result, at)
            VALUES (\(bind: id ?? UUID()), \(bind: certificateId), \(bind: channel), \(bind: result), \(bind: at))
            """).run()
    }
}
