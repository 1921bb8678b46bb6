import Fluent
import Foundation
import JiujinCore

/// One stored event of a case's hash chain; rows are inserted, never updated. Events are read and written by
/// `CaseRows`; this model names the table for counts.
final class CaseEventModel: Model, @unchecked Sendable {
    static let schema = "case_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "action") var action: String
    @OptionalField(key: "from_status") var fromStatus: String?
    @Field(key: "to_status") var toStatus: String
    @Field(key: "actor_id") var actorId: String
    @Field(key: "actor_role") var actorRole: String
    @OptionalField(key: "org_id") var orgId: String?
    @OptionalField(key: "point_id") var pointId: String?
    @Field(key: "at_millis") var atMillis: Int64
    @OptionalField(key: "comment") var comment: String?
    @Field(key: "attachments_json") var attachmentsJSON: String
    @Field(key: "details_json") var detailsJSON: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
