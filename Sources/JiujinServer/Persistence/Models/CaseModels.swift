import Fluent
import Foundation
import JiujinCore

/// A case (办件) as stored. `version` guards every change (optimistic locking);
/// `lastHash` and `eventCount` are the head of its event chain.
final class CaseModel: Model, @unchecked Sendable {
    static let schema = "cases"
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "item_code") var itemCode: String
    @Field(key: "item_name") var itemName: String
    @Field(key: "applicant_kind") var applicantKind: String
    @Field(key: "applicant_name") var applicantName: String
    @OptionalField(key: "applicant_id_number") var applicantIdNumber: String?
    @OptionalField(key: "applicant_credit_code") var applicantCreditCode: String?
    @OptionalField(key: "applicant_legal_rep") var applicantLegalRep: String?
    @Field(key: "applicant_phone") var applicantPhone: String
    @Field(key: "channel") var channel: String
    @Field(key: "region_code") var regionCode: String
    @OptionalField(key: "point_id") var pointId: String?
    @OptionalField(key: "accepted_by") var acceptedBy: String?
    @OptionalField(key: "accepting_org_id") var acceptingOrgId: String?
    @OptionalField(key: "deciding_org_id") var decidingOrgId: String?
    @OptionalField(key: "delegation_id") var delegationId: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "resume_status") var resumeStatus: String?
    @Field(key: "stage_index") var stageIndex: Int
    @OptionalField(key: "assignee_id") var assigneeId: String?
    @Field(key: "limit_days") var limitDays: Int
    @OptionalField(key: "accepted_on") var acceptedOn: String?
    @Field(key: "pauses_json") var pausesJSON: String
    @OptionalField(key: "deadline") var deadline: String?
    @Field(key: "materials_json") var materialsJSON: String
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "seal_number") var sealNumber: String?
    /// The agent's authorization and six-step record, for proxied cases.
    @OptionalField(key: "proxy_json") var proxyJSON: String?
    @OptionalField(key: "delivery_method") var deliveryMethod: String?
    @OptionalField(key: "tracking_number") var trackingNumber: String?
    @Field(key: "version") var version: Int
    @Field(key: "event_count") var eventCount: Int
    @Field(key: "last_hash") var lastHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

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

/// The daily case-number counter of a county (办件编号序列).
final class CaseSequenceModel: Model, @unchecked Sendable {
    static let schema = "case_sequences"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "next_value") var nextValue: Int
    init() {}
}

/// Who read whose unmasked personal data, and when (个人信息查阅记录).
final class DataAccessLogModel: Model, @unchecked Sendable {
    static let schema = "data_access_logs"
    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffId: String
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "purpose") var purpose: String
    @Field(key: "at") var at: Date

    init() {}

    init(staffId: String, caseId: UUID, purpose: String, at: Date) {
        self.staffId = staffId
        self.caseId = caseId
        self.purpose = purpose
        self.at = at
    }
}
