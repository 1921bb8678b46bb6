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
