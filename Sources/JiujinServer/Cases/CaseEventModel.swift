import Fluent
import Foundation
import JiujinCore

/// One stored event of a case's hash chain; rows are inserted, never updated.
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

    init(_ e: CaseEvent, caseId: UUID) throws {
        self.caseId = caseId
        sequence = e.sequence
        action = e.action.rawValue
        fromStatus = e.fromStatus?.rawValue
        toStatus = e.toStatus.rawValue
        actorId = e.actorId
        actorRole = e.actorRole.rawValue
        orgId = e.orgId
        pointId = e.pointId
        atMillis = e.atMillis
        comment = e.comment
        attachmentsJSON = try JSONCoding.string(e.attachments)
        detailsJSON = try JSONCoding.string(e.details)
        previousHash = e.previousHash
        hash = e.hash
    }

    /// The event exactly as stored, hash included, so that verification sees any tampering.
    func domain() throws -> CaseEvent {
        guard let action = CaseAction(rawValue: action), let to = CaseStatus(rawValue: toStatus),
              let role = ActorRole(rawValue: actorRole),
              fromStatus == nil || CaseStatus(rawValue: fromStatus!) != nil else {
            throw JSONCoding.Failure.corrupt("event \(caseId)#\(sequence)")
        }
        return CaseEvent(stored: caseId.uuidString, sequence: sequence, action: action,
                         fromStatus: fromStatus.flatMap(CaseStatus.init(rawValue:)), toStatus: to, actorId: actorId,
                         actorRole: role, orgId: orgId, pointId: pointId, atMillis: atMillis, comment: comment,
                         attachments: try JSONCoding.decode([String].self, attachmentsJSON),
                         details: try JSONCoding.decode([String: String].self, detailsJSON), previousHash: previousHash, hash: hash)
    }
}
