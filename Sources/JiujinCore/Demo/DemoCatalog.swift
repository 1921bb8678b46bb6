import Foundation

/// Parses the demo catalog lines into service items.
enum DemoCatalog {
    static func items() -> [ServiceItem] {
        DemoCatalogData.lines.split(separator: "\n").map { parse(String($0)) }
    }

    static func parse(_ line: String) -> ServiceItem {
        let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        precondition(f.count == 18, "demo catalog line has \(f.count) fields: \(line)")
        func levels(_ s: String) -> Set<RegionLevel> {
            Set(s.map { $0 == "C" ? .county : $0 == "T" ? .town : .village })
        }
        let depth: OnlineDepth = ["C": .consultation, "P": .preReview, "A": .onlineAcceptance, "F": .fullyOnline][f[7]]!
        let flags = Set(f[10])
        let fee: Fee
        if f[11] == "0" {
            fee = .free
        } else {
            let parts = f[11].split(separator: ":", maxSplits: 1).map(String.init)
            fee = Fee(amountFen: Int(parts[0])!, basis: parts[1])
        }
        var result: ResultDocument?
        if f[12] != "-" {
            let parts = f[12].split(separator: "@").map(String.init)
            result = ResultDocument(name: parts[0], licenceType: parts.count > 1 ? parts[1] : nil)
        }
        let materials = f[16].split(separator: ";").map { raw -> Material in
            var s = String(raw)
            let optional = s.hasPrefix("?")
            if optional { s.removeFirst() }
            var licence: String?
            if let at = s.firstIndex(of: "@") {
                licence = String(s[s.index(after: at)...])
                s = String(s[..<at])
            }
            let isCopy = s.hasSuffix("#c")
            if isCopy { s.removeLast(2) }
            return Material(name: s, required: !optional, form: isCopy ? .copy : .original, copies: 1,
                            licenceSource: licence)
        }
        return ServiceItem(
            code: f[0], name: f[1], type: ItemType(rawValue: f[2])!, departmentId: "dept-\(f[3])", legalBasis: f[14],
            conditions: f[15], materials: materials, legalLimitDays: Int(f[4])!, promisedLimitDays: Int(f[5])!,
            isInstant: flags.contains("I"), fee: fee, siteVisits: Int(f[6])!, onlineDepth: depth,
            offersAppointment: flags.contains("A"), offersExpress: flags.contains("E"),
            offersOnlinePayment: flags.contains("P"), stages: f[17].split(separator: ">").map(String.init), result: result,
            isHighFrequency: flags.contains("H"), acceptLevels: levels(f[8]), decisionLevel: levels(f[9]).first!,
            keywords: f[13].split(separator: ",").map(String.init))
    }
}
