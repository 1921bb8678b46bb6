import Fluent
import Foundation
import JiujinCore

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
