import Fluent
import Foundation
import JiujinCore

final class OrganizationModel: Model, @unchecked Sendable {
    static let schema = "organizations"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "region_code") var regionCode: String
    @OptionalField(key: "credit_code") var creditCode: String?

    init() {}

    init(_ o: Organization) {
        id = o.id
        name = o.name
        kind = o.kind.rawValue
        regionCode = o.region.rawValue
        creditCode = o.creditCode
    }

    var domain: Organization? {
        guard let id, let kind = Organization.Kind(rawValue: kind), let region = DivisionCode(regionCode) else { return nil }
        return Organization(id: id, name: name, kind: kind, region: region, creditCode: creditCode)
    }
}
