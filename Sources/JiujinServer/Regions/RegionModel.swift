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
