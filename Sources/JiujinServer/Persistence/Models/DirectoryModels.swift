import Fluent
import Foundation
import JiujinCore

/// A region of the tree, keyed by its 12-digit division code.
final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "level") var level: String
    @OptionalField(key: "parent_code") var parentCode: String?
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?

    init() {}

    init(_ r: Region) {
        id = r.code.rawValue
        name = r.name
        kind = r.kind.rawValue
        level = r.level.rawValue
        parentCode = r.parent?.rawValue
        lat = r.location?.lat
        lon = r.location?.lon
    }

    var domain: Region? {
        guard let id, let code = DivisionCode(id), let kind = Region.Kind(rawValue: kind) else { return nil }
        let location = lat.flatMap { la in lon.map { GeoPoint(lat: la, lon: $0) } }
        return Region(code: code, name: name, kind: kind, location: location)
    }
}

final class OrganizationModel: Model, @unchecked Sendable {
    static let schema = "organizations"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "region_code") var regionCode: String

    init() {}

    init(_ o: Organization) {
        id = o.id
        name = o.name
        kind = o.kind.rawValue
        regionCode = o.region.rawValue
    }

    var domain: Organization? {
        guard let id, let kind = Organization.Kind(rawValue: kind), let region = DivisionCode(regionCode) else { return nil }
        return Organization(id: id, name: name, kind: kind, region: region)
    }
}

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
