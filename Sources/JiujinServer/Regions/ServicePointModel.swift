import Fluent
import Foundation
import JiujinCore

/// A service point; the whole record is kept as JSON, with the columns lists filter on.
final class ServicePointModel: Model, @unchecked Sendable {
    static let schema = "service_points"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "region_code") var regionCode: String
    @Field(key: "org_id") var orgId: String
    @OptionalField(key: "tier") var tier: String?
    @Field(key: "record_json") var recordJSON: String

    init() {}

    init(_ p: ServicePoint) throws {
        id = p.id
        name = p.name
        kind = p.kind.rawValue
        regionCode = p.region.rawValue
        orgId = p.orgId
        tier = p.tier?.rawValue
        recordJSON = try JSONCoding.string(p)
    }

    func domain() throws -> ServicePoint { try JSONCoding.decode(ServicePoint.self, recordJSON) }
}
