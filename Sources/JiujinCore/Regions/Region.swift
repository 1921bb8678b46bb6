import Foundation

/// A geographic position in WGS-84 degrees.
public struct GeoPoint: Codable, Hashable, Sendable {
    public var lat: Double
    public var lon: Double

    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    public var isValid: Bool { (-90...90).contains(lat) && (-180...180).contains(lon) }

    /// Great-circle distance in metres (haversine).
    public func distance(to other: GeoPoint) -> Double {
        let r = 6_371_000.0
        let p1 = lat * .pi / 180, p2 = other.lat * .pi / 180
        let dp = (other.lat - lat) * .pi / 180, dl = (other.lon - lon) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}

/// One node of the administrative region tree (行政区划): a county, a town or
/// street (镇/街道), or a village or community (村/社区).
public struct Region: Codable, Hashable, Sendable, Identifiable {
    /// Whether a town-level region is a rural town or an urban street, and a
    /// village-level one a village or a community.
    public enum Kind: String, Codable, Sendable {
        case county, town, street, village, community
    }

    public var code: DivisionCode
    public var name: String
    public var kind: Kind
    public var location: GeoPoint?

    public var id: DivisionCode { code }
    public var level: RegionLevel { code.level }
    public var parent: DivisionCode? { code.parent }

    public init(code: DivisionCode, name: String, kind: Kind, location: GeoPoint? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// The region tree: lookups, children and ancestry.
public struct RegionTree: Sendable {
    public private(set) var byCode: [DivisionCode: Region] = [:]
    private var children: [DivisionCode: [DivisionCode]] = [:]
    /// The regions without a parent (the county), found once: messages and headers ask for it on every write.
    public private(set) var roots: [Region] = []

    public init(_ regions: [Region]) throws(RegionTreeError) {
        for r in regions.sorted(by: { $0.code < $1.code }) {
            guard byCode[r.code] == nil else { throw .duplicate(r.code) }
            if let p = r.parent {
                guard byCode[p] != nil else { throw .orphan(r.code) }
                children[p, default: []].append(r.code)
            }
            byCode[r.code] = r
            if r.parent == nil { roots.append(r) }
        }
    }

    public subscript(code: DivisionCode) -> Region? { byCode[code] }


    public func children(of code: DivisionCode) -> [Region] {
        (children[code] ?? []).compactMap { byCode[$0] }
    }

    /// The region and every region above it, nearest first.
    public func ancestry(of code: DivisionCode) -> [Region] {
        var out: [Region] = []
        var next: DivisionCode? = code
        while let c = next, let r = byCode[c] {
            out.append(r)
            next = r.parent
        }
        return out
    }

    /// "某县 / 某镇 / 某村", top down.
    public func path(of code: DivisionCode) -> String {
        ancestry(of: code).reversed().map(\.name).joined(separator: " / ")
    }

    public var count: Int { byCode.count }
}

public enum RegionTreeError: Error, Equatable, Sendable {
    case duplicate(DivisionCode)
    case orphan(DivisionCode)
}
