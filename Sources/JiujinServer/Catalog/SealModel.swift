import Fluent
import Foundation
import JiujinCore

/// A numbered approval seal (审批专用章) owned by a bureau and entrusted to one organisation.
final class SealModel: Model, @unchecked Sendable {
    static let schema = "seals"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "number") var number: String
    @Field(key: "name") var name: String
    @Field(key: "owner_org_id") var ownerOrgId: String
    @Field(key: "holder_org_id") var holderOrgId: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "retired_at") var retiredAt: Date?

    init() {}

    init(id: String, number: String, name: String, ownerOrgId: String, holderOrgId: String, at: Date) {
        self.id = id
        self.number = number
        self.name = name
        self.ownerOrgId = ownerOrgId
        self.holderOrgId = holderOrgId
        active = true
        createdAt = at
    }

    var domain: Seal {
        Seal(id: id ?? "", number: number, name: name, ownerOrgId: ownerOrgId, holderOrgId: holderOrgId)
    }
}
