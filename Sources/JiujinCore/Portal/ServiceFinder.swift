import Foundation

/// "Where can I do this" (就近办理): the service points that can take an item in today — village stations, town and
/// county centres by their own right or a delegation, partner points, buses and terminals by the items they offer —
/// nearest first from where the resident is (a village they pick, or the browser's location).
public enum ServiceFinder {
    /// One point that can take the item in.
    public struct Choice: Hashable, Sendable {
        public var point: ServicePoint
        /// Straight-line distance in metres; nil when either end has no location.
        public var distance: Double?
        /// 依清单 / 委托书号 / 网点代办事项.
        public var basis: String
        /// The resident's own village station: its agent can come to the resident's home (帮办代办上门).
        public var agentComes: Bool

        /// "1.2 公里" or "800 米".
        public var distanceText: String? {
            guard let d = distance else { return nil }
            return d < 1000 ? "\(Int((d / 10).rounded()) * 10) 米" : String(format: "%.1f 公里", d / 1000)
        }
    }

    /// Every open point that can accept `item` on `today`, nearest to `origin` first; `village` marks the resident's
    /// own station. Without an origin the order is village, town, county, then partner points.
    public static func points(for item: ServiceItem, in directory: Directory, on today: LocalDate, from origin: GeoPoint?,
                              village: DivisionCode? = nil) -> [Choice] {
        guard item.isInUse else { return [] }
        var out: [Choice] = []
        for point in directory.points where point.isOpen {
            guard let basis = basis(point, item: item, directory: directory, today: today) else { continue }
            let distance = origin.flatMap { o in point.location.isValid ? o.distance(to: point.location) : nil }
            out.append(Choice(point: point, distance: distance, basis: basis,
                              agentComes: point.kind == .villageStation && village != nil && point.region == village))
        }
        return out.sorted { a, b in
            if a.agentComes != b.agentComes { return a.agentComes }
            switch (a.distance, b.distance) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            if rank(a.point) != rank(b.point) { return rank(a.point) < rank(b.point) }
            return a.point.id < b.point.id
        }
    }

    /// Where a resident stands: a village's (or its town's, or the county's) location.
    public static func origin(of code: DivisionCode, in tree: RegionTree) -> GeoPoint? {
        tree.ancestry(of: code).lazy.compactMap(\.location).first { $0.isValid }
    }

    static func rank(_ p: ServicePoint) -> Int {
        switch p.kind {
        case .villageStation: return 0
        case .townCentre: return 1
        case .countyCentre: return 2
        default: return 3
        }
    }

    /// Why `point` can take `item` in, or nil when it cannot.
    public static func basis(_ point: ServicePoint, item: ServiceItem, directory: Directory, today: LocalDate) -> String? {
        if let offered = point.offeredItems { return offered.contains(item.code) ? "网点可办事项" : nil }
        if point.kind.isPartner || point.kind == .selfService { return nil }
        guard let org = directory.organizations[point.orgId] else { return nil }
        switch Authority.check(org: org, item: item, action: .accept, on: today, delegations: directory.delegations) {
        case .success(.ownRight): return "依实施清单"
        case .success(.delegated(let d)): return "依委托书 \(d.documentNumber)"
        case .failure: return nil
        }
    }
}
