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

    convenience init(_ c: Case) throws {
        self.init()
        id = c.id
        try apply(c)
    }

    /// Copies every field of the case onto the row (the version too: the write door has claimed it).
    func apply(_ c: Case) throws {
        number = c.number
        itemCode = c.itemCode
        itemName = c.itemName
        applicantKind = c.applicant.kind.rawValue
        applicantName = c.applicant.name
        applicantIdNumber = c.applicant.idNumber
        applicantCreditCode = c.applicant.creditCode
        applicantLegalRep = c.applicant.legalRepresentative
        applicantPhone = c.applicant.phone
        channel = c.channel.rawValue
        regionCode = c.region.rawValue
        pointId = c.pointId
        acceptedBy = c.acceptedBy
        acceptingOrgId = c.acceptingOrgId
        decidingOrgId = c.decidingOrgId
        delegationId = c.delegationId
        status = c.status.rawValue
        resumeStatus = c.resumeStatus?.rawValue
        stageIndex = c.stageIndex
        assigneeId = c.assigneeId
        limitDays = c.limitDays
        acceptedOn = c.acceptedOn?.description
        pausesJSON = try JSONCoding.string(c.pauses)
        deadline = c.deadline?.description
        materialsJSON = try JSONCoding.string(c.materials)
        reason = c.reason
        decidedAt = c.decidedAt
        sealNumber = c.sealNumber
        proxyJSON = try c.proxy.map { try JSONCoding.string($0) }
        deliveryMethod = c.deliveryMethod?.rawValue
        trackingNumber = c.trackingNumber
        version = c.version
        eventCount = c.eventCount
        lastHash = c.lastHash
        createdAt = c.createdAt
        updatedAt = c.updatedAt
    }

    /// The case the row holds; a row no rule could have written is reported, never guessed at.
    func domain() throws -> Case {
        guard let id, let kind = Applicant.Kind(rawValue: applicantKind), let channel = CaseChannel(rawValue: channel),
              let region = DivisionCode(regionCode), let status = CaseStatus(rawValue: status) else {
            throw JSONCoding.Failure.corrupt("case \(self.id?.uuidString ?? "?")")
        }
        let applicant = Applicant(kind: kind, name: applicantName, idNumber: applicantIdNumber, creditCode: applicantCreditCode,
                                  legalRepresentative: applicantLegalRep, phone: applicantPhone)
        return Case(id: id, number: number, itemCode: itemCode, itemName: itemName, applicant: applicant, channel: channel,
                    region: region, pointId: pointId, acceptedBy: acceptedBy, acceptingOrgId: acceptingOrgId,
                    decidingOrgId: decidingOrgId, delegationId: delegationId, status: status,
                    resumeStatus: resumeStatus.flatMap(CaseStatus.init(rawValue:)), stageIndex: stageIndex, assigneeId: assigneeId,
                    limitDays: limitDays, acceptedOn: acceptedOn.flatMap(LocalDate.init),
                    pauses: try JSONCoding.decode([ClockPause].self, pausesJSON), deadline: deadline.flatMap(LocalDate.init),
                    materials: try JSONCoding.decode([StoredMaterial].self, materialsJSON), reason: reason, decidedAt: decidedAt,
                    sealNumber: sealNumber, proxy: try proxyJSON.map { try JSONCoding.decode(ProxyRecord.self, $0) },
                    deliveryMethod: deliveryMethod.flatMap(DeliveryMethod.init(rawValue:)), trackingNumber: trackingNumber,
                    version: version, eventCount: eventCount, lastHash: lastHash, createdAt: createdAt, updatedAt: updatedAt)
    }
}
