import Fluent
import Foundation
import JiujinCore

/// A case (办件) as stored. `version` guards every change (optimistic locking);
/// `lastHash` and `eventCount` are the head of its event chain. The lists filter and sort through this model;
/// cases are read and written as a whole by `CaseRows`, the one mapping between a `Case` and its row.
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
