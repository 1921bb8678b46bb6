import Fluent
import Foundation

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
