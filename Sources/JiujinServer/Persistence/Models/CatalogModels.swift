import Fluent
import Foundation
import JiujinCore

/// A service item with its whole guide as JSON, plus the columns lists filter on.
final class ServiceItemModel: Model, @unchecked Sendable {
    static let schema = "service_items"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @Field(key: "department_id") var departmentId: String
    @Field(key: "is_instant") var isInstant: Bool
    @Field(key: "site_visits") var siteVisits: Int
    @Field(key: "online_depth") var onlineDepth: String
    @Field(key: "is_high_frequency") var isHighFrequency: Bool
    @Field(key: "guide_json") var guideJSON: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(_ i: ServiceItem) throws {
        id = i.code
        name = i.name
        type = i.type.rawValue
        departmentId = i.departmentId
        isInstant = i.isInstant
        siteVisits = i.siteVisits
        onlineDepth = i.onlineDepth.rawValue
        isHighFrequency = i.isHighFrequency
        guideJSON = try JSONCoding.string(i)
    }

    func domain() throws -> ServiceItem { try JSONCoding.decode(ServiceItem.self, guideJSON) }
}

final class DelegationModel: Model, @unchecked Sendable {
    static let schema = "delegations"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "document_number") var documentNumber: String
    @Field(key: "from_org_id") var fromOrgId: String
    @Field(key: "to_org_id") var toOrgId: String
    @Field(key: "item_codes_json") var itemCodesJSON: String
    @Field(key: "can_accept") var canAccept: Bool
    @Field(key: "can_decide") var canDecide: Bool
    @Field(key: "valid_from") var validFrom: String
    @OptionalField(key: "valid_to") var validTo: String?
    @OptionalField(key: "revoked_on") var revokedOn: String?
    @OptionalField(key: "revoke_reason") var revokeReason: String?
    @OptionalField(key: "seal_number") var sealNumber: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(_ d: Delegation) throws {
        id = d.id
        apply(d)
        itemCodesJSON = try JSONCoding.string(d.itemCodes)
    }

    func apply(_ d: Delegation) {
        documentNumber = d.documentNumber
        fromOrgId = d.fromOrgId
        toOrgId = d.toOrgId
        itemCodesJSON = (try? JSONCoding.string(d.itemCodes)) ?? "[]"
        canAccept = d.canAccept
        canDecide = d.canDecide
        validFrom = d.validFrom.description
        validTo = d.validTo?.description
        revokedOn = d.revokedOn?.description
        revokeReason = d.revokeReason
        sealNumber = d.sealNumber
    }

    func domain() throws -> Delegation {
        guard let id, let from = LocalDate(validFrom) else { throw JSONCoding.Failure.corrupt("delegation \(self.id ?? "?")") }
        return Delegation(id: id, documentNumber: documentNumber, fromOrgId: fromOrgId, toOrgId: toOrgId,
                          itemCodes: try JSONCoding.decode([String].self, itemCodesJSON), canAccept: canAccept,
                          canDecide: canDecide, validFrom: from, validTo: validTo.flatMap(LocalDate.init),
                          revokedOn: revokedOn.flatMap(LocalDate.init), revokeReason: revokeReason, sealNumber: sealNumber)
    }
}

/// The append-only record of every change to a delegation (委托变更记录).
final class DelegationChangeModel: Model, @unchecked Sendable {
    static let schema = "delegation_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "delegation_id") var delegationId: String
    @Field(key: "change") var change: String
    @Field(key: "actor_id") var actorId: String
    @Field(key: "snapshot_json") var snapshotJSON: String
    @Field(key: "at") var at: Date

    init() {}

    init(delegation: Delegation, change: String, actorId: String, at: Date) throws {
        delegationId = delegation.id
        self.change = change
        self.actorId = actorId
        snapshotJSON = try JSONCoding.string(delegation)
        self.at = at
    }
}

/// One year of the official holiday notice, as loaded by an administrator or shipped built in.
final class CalendarYearModel: Model, @unchecked Sendable {
    static let schema = "calendar_years"
    @ID(custom: "year", generatedBy: .user) var id: Int?
    @Field(key: "notice_json") var noticeJSON: String
    @Field(key: "loaded_by") var loadedBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(_ y: CalendarYear, loadedBy: String) throws {
        id = y.year
        noticeJSON = try JSONCoding.string(y)
        self.loadedBy = loadedBy
    }

    func domain() throws -> CalendarYear { try JSONCoding.decode(CalendarYear.self, noticeJSON) }
}
