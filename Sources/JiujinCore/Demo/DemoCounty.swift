import Foundation

/// The fictional demo county (演示数据) jiujin loads on first start: 青禾县,
/// division code 990101 (province 99 does not exist, so no code can collide
/// with a real one), with its towns, villages, service points, catalog,
/// delegations and staff of every role.
public struct DemoCounty: Sendable {
    public var regions: [Region]
    public var organizations: [Organization]
    public var servicePoints: [ServicePoint]
    public var items: [ServiceItem]
    public var delegations: [Delegation]
    public var staff: [StaffMember]
    public var seals: [Seal]

    /// The password every demo account starts with.
    public static let demoPassword = "jiujin2026"
    public static let countyCode = DivisionCode("990101000000")!
    public static let countyName = "青禾县（演示）"

    static let departments: [(short: String, name: String)] = [
        ("xzsp", "青禾县行政审批服务局"), ("scjg", "青禾县市场监督管理局"), ("rsj", "青禾县人力资源和社会保障局"),
        ("ybj", "青禾县医疗保障局"), ("mzj", "青禾县民政局"), ("gaj", "青禾县公安局"), ("clj", "青禾县残疾人联合会"),
        ("nync", "青禾县农业农村局"), ("zjj", "青禾县住房和城乡建设局"), ("wjw", "青禾县卫生健康委员会"),
        ("swj", "国家税务总局青禾县税务局"), ("tyj", "青禾县退役军人事务局"), ("jyj", "青禾县教育和体育局"),
        ("zrzy", "青禾县自然资源局"), ("sfj", "青禾县司法局"), ("ycj", "青禾县烟草专卖局"),
    ]

    static let towns: [(code: String, name: String, street: Bool)] = [
        ("001", "城关街道", true), ("002", "东城街道", true), ("100", "青石镇", false), ("101", "柳泉镇", false),
        ("102", "河口镇", false), ("103", "杏林镇", false), ("104", "白杨镇", false), ("105", "龙湾镇", false),
        ("106", "石门镇", false), ("107", "金沙镇", false),
    ]

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许")
    static let placeSuffixes = ["家庄", "官庄", "家峪", "家河", "家楼"]
    static let communities = ["文昌", "永安", "兴华", "新华", "育才", "翠园", "龙泉", "锦绣", "和平", "光明", "幸福", "朝阳", "滨河",
                              "金桥", "嘉禾", "春晖", "东关", "西关", "南关", "北关", "学府", "建设", "人民", "迎宾", "花园", "振兴"]
    static let givenNames = ["建国", "秀英", "志强", "桂兰", "海燕", "国庆", "丽娟", "文博", "晓东", "春梅", "立新", "玉珍",
                             "振华", "红霞", "德明", "凤英", "子涵", "雨欣", "明轩", "思远"]

    public static func build() -> DemoCounty {
        let county = countyCode
        let centre = GeoPoint(lat: 36.4000, lon: 118.2000)
        var rng = SplitMix(seed: 20_260_101)
        var regions = [Region(code: county, name: countyName, kind: .county, location: centre)]
        var orgs = departments.map { Organization(id: "dept-\($0.short)", name: $0.name, kind: .department, region: county) }
        orgs.append(Organization(id: "county-centre", name: "青禾县政务服务中心", kind: .countyCentre, region: county))
        var points = [ServicePoint(id: "sp-county", name: "青禾县政务服务中心", kind: .countyCentre, region: county,
                                   orgId: "county-centre", address: "青禾县城关街道人民路1号", location: centre,
                                   hours: "周一至周五 8:30-12:00 13:30-17:30；周六上午 9:00-12:00（延时服务）",
                                   windows: 36, staffCount: 72, phone: "0999-12345")]
        var staff: [StaffMember] = []
        var nameIndex = 0
        func person() -> String {
            defer { nameIndex += 1 }
            return "\(surnames[(nameIndex * 7) % surnames.count])\(givenNames[nameIndex % givenNames.count])"
        }
        staff.append(StaffMember(id: "u-admin", username: "admin", name: "系统管理员", role: .administrator, orgId: "dept-xzsp"))
        staff.append(StaffMember(id: "u-jiandu", username: "jiandu", name: person(), role: .supervisor, orgId: "dept-xzsp"))
        for n in 1...2 {
            staff.append(StaffMember(id: "u-ck-county-\(n)", username: "ck-county-\(n)", name: person(), role: .windowClerk,
                                     orgId: "county-centre"))
        }
        for d in departments {
            staff.append(StaffMember(id: "u-sp-\(d.short)", username: "sp-\(d.short)", name: person(), role: .approver,
                                     orgId: "dept-\(d.short)"))
            staff.append(StaffMember(id: "u-sp-\(d.short)-b", username: "sp-\(d.short)-b", name: person(), role: .approver,
                                     orgId: "dept-\(d.short)"))
        }
        var villageIndex = 0
        for (ti, t) in towns.enumerated() {
            let townCode = DivisionCode("990101\(t.code)000")!
            let angle = Double(ti) / Double(towns.count) * 2 * .pi
            let radius = t.street ? 0.015 : 0.07 + 0.06 * rng.unit()
            let townPos = GeoPoint(lat: centre.lat + radius * sin(angle), lon: centre.lon + radius * 1.2 * cos(angle))
            regions.append(Region(code: townCode, name: t.name, kind: t.street ? .street : .town, location: townPos))
            let townOrg = "town-\(t.code)"
            orgs.append(Organization(id: townOrg, name: "\(t.name)便民服务中心", kind: .town, region: townCode))
            points.append(ServicePoint(id: "sp-town-\(t.code)", name: "\(t.name)便民服务中心", kind: .townCentre, region: townCode,
                                       orgId: townOrg, address: "青禾县\(t.name)政府驻地", location: townPos,
                                       hours: "周一至周五 8:30-12:00 13:30-17:30", windows: 6 + ti % 5, staffCount: 12 + ti,
                                       phone: "0999-\(String(80001 + ti))"))
            staff.append(StaffMember(id: "u-ck-\(t.code)", username: "ck-\(t.code)", name: person(), role: .windowClerk, orgId: townOrg))
            staff.append(StaffMember(id: "u-sp-\(t.code)", username: "sp-\(t.code)", name: person(), role: .approver, orgId: townOrg))
            staff.append(StaffMember(id: "u-sp-\(t.code)-b", username: "sp-\(t.code)-b", name: person(), role: .approver, orgId: townOrg))
            for j in 0..<13 {
                let k = villageIndex
                villageIndex += 1
                let suffix = t.street ? String(format: "%03d", j + 1) : String(format: "%03d", 201 + j)
                let code = DivisionCode("990101\(t.code)\(suffix)")!
                let name = t.street ? "\(communities[(ti * 13 + j) % communities.count])社区"
                    : "\(surnames[k % surnames.count])\(placeSuffixes[(k / surnames.count) % placeSuffixes.count])村"
                let a = rng.unit() * 2 * .pi, r = (t.street ? 0.004 : 0.01) + 0.025 * rng.unit()
                let pos = GeoPoint(lat: townPos.lat + r * sin(a), lon: townPos.lon + r * 1.2 * cos(a))
                regions.append(Region(code: code, name: name, kind: t.street ? .community : .village, location: pos))
                let orgId = "village-\(t.code)\(suffix)"
                orgs.append(Organization(id: orgId, name: "\(name)便民服务站", kind: .village, region: code))
                var checklist = StationChecklist.complete
                if k % 7 == 3 { checklist.hasFunding = false }
                if k % 11 == 5 { checklist.hasEquipment = false }
                if k % 29 == 13 { checklist.hasNetwork = false; checklist.hasRules = false }
                let benchmark = k % 5 == 0
                points.append(ServicePoint(id: "sp-\(t.code)\(suffix)", name: "\(name)便民服务站", kind: .villageStation,
                                           region: code, orgId: orgId, address: "\(t.name)\(name)党群服务中心一楼",
                                           location: pos, hours: "周一至周六 8:00-11:30 14:00-17:30",
                                           windows: benchmark ? 2 : 1, staffCount: benchmark ? 3 : 1 + k % 2,
                                           checklist: checklist))
                if j < 2 {
                    staff.append(StaffMember(id: "u-dl-\(t.code)\(suffix)", username: "dl-\(t.code)\(suffix)", name: person(),
                                             role: .villageAgent, orgId: orgId, phone: "1390999\(String(format: "%04d", k))"))
                }
            }
        }
        points += partnerPoints(regions: regions, rng: &rng)
        // Partner institutions run the bank and post-office points; one teller each at 青石镇's bank and post office.
        orgs.append(Organization(id: "partner-nsh", name: "青禾农商银行", kind: .partner, region: county))
        orgs.append(Organization(id: "partner-post", name: "中国邮政集团有限公司青禾县分公司", kind: .partner, region: county))
        for i in points.indices where points[i].kind == .partnerBank || points[i].kind == .partnerPost {
            points[i].operatorOrgId = points[i].kind == .partnerBank ? "partner-nsh" : "partner-post"
        }
        staff.append(StaffMember(id: "u-gy-bank-100", username: "gy-bank-100", name: person(), role: .partnerTeller, orgId: "partner-nsh",
                                 pointId: "sp-bank-100"))
        // Approvers stand in for each other (AB角): sp-x and sp-x-b.
        let ids = Set(staff.map(\.id))
        for i in staff.indices where staff[i].role == .approver {
            let id = staff[i].id
            let partner = id.hasSuffix("-b") ? String(id.dropLast(2)) : id + "-b"
            if ids.contains(partner) { staff[i].backupId = partner }
        }
        // Positions as a workbook keeps them (six decimals, about 0.1 m), and hours as structured slots.
        func rounded(_ p: GeoPoint) -> GeoPoint { GeoPoint(lat: (p.lat * 1e6).rounded() / 1e6, lon: (p.lon * 1e6).rounded() / 1e6) }
        for i in regions.indices { regions[i].location = regions[i].location.map(rounded) }
        for i in points.indices {
            points[i].location = rounded(points[i].location)
            points[i].openingHours = structuredHours(points[i].hours)
        }
        let items = DemoCatalog.items()
        return DemoCounty(regions: regions, organizations: orgs, servicePoints: points, items: items,
                          delegations: delegations(), staff: staff, seals: seals(orgs))
    }

    /// The demo's hours texts as slots.
    static func structuredHours(_ text: String) -> OpeningHours {
        func s(_ t: String) -> [OpeningHours.Slot] { (try? OpeningHours.slots(t).get()) ?? [] }
        if text == "24小时" { return OpeningHours(workdays: s("24小时"), weekend: s("24小时"), holidays: s("24小时")) }
        if text.hasPrefix("每天") { let d = s("08:00-20:00"); return OpeningHours(workdays: d, weekend: d, holidays: d) }
        if text.hasPrefix("周一至周日") { return OpeningHours(workdays: s("09:00-17:00"), weekend: s("09:00-17:00")) }
        if text.hasPrefix("周一至周六 8:30-17:00") { return OpeningHours(workdays: s("08:30-17:00"), weekend: s("08:30-17:00")) }
        if text.hasPrefix("周一至周六") { return OpeningHours(workdays: s("08:00-11:30 14:00-17:30"), weekend: s("08:00-11:30")) }
        if text.hasPrefix("每周二、四") { return OpeningHours(workdays: s("09:00-16:00")) }
        if text.contains("周六上午") { return OpeningHours(workdays: s("08:30-12:00 13:30-17:30"), weekend: s("09:00-12:00")) }
        return OpeningHours(workdays: s("08:30-12:00 13:30-17:30"))
    }

    /// Banks, post offices and shops that accept a few items for their town, plus the bus and two terminals.
    static func partnerPoints(regions: [Region], rng: inout SplitMix) -> [ServicePoint] {
        let byCode = Dictionary(uniqueKeysWithValues: regions.map { ($0.code.rawValue, $0) })
        func near(_ code: String) -> GeoPoint {
            let p = byCode["990101\(code)000"]!.location!
            return GeoPoint(lat: p.lat + 0.003 * (rng.unit() - 0.5), lon: p.lon + 0.003 * (rng.unit() - 0.5))
        }
        let bankItems = ["SCJ0701", "SCJ0702", "SCJ0704", "SWJ2001", "RSJ0505", "RSJ0506", "RSJ0510"]
        let postItems = ["GAJ0702", "GAJ0707", "RSJ0505", "RSJ0506", "YBJ0501", "YBJ0502", "SWJ2001", "RSJ0501",
                         "XZS0102", "SCJ0704", "CLJ0702", "MZJ0504", "TYJ0501", "ZRJ0701", "SWJ1003", "YBJ0504",
                         "WJW2001", "SFJ2001", "SCJ0102"]
        let shopItems = ["SWJ2001", "YBJ0501", "RSJ0501", "RSJ0506"]
        var out: [ServicePoint] = []
        for (i, t) in ["100", "101", "102", "103"].enumerated() {
            let name = towns.first { $0.code == t }!.name
            out.append(ServicePoint(id: "sp-bank-\(t)", name: "青禾农商银行\(name)支行（政务服务合作网点）", kind: .partnerBank,
                                    region: DivisionCode("990101\(t)000")!, orgId: "town-\(t)", address: "\(name)商业街\(10 + i)号",
                                    location: near(t), hours: "周一至周日 9:00-17:00", windows: 1, staffCount: 2,
                                    offeredItems: bankItems))
        }
        for t in ["001", "104", "105", "106", "107"] {
            let name = towns.first { $0.code == t }!.name
            out.append(ServicePoint(id: "sp-post-\(t)", name: "中国邮政青禾县\(name)邮政支局（政务服务合作网点）", kind: .partnerPost,
                                    region: DivisionCode("990101\(t)000")!, orgId: "town-\(t)", address: "\(name)邮政路1号",
                                    location: near(t), hours: "周一至周六 8:30-17:00", windows: 1, staffCount: 2,
                                    offeredItems: postItems))
        }
        for t in ["002", "100", "104"] {
            let name = towns.first { $0.code == t }!.name
            out.append(ServicePoint(id: "sp-shop-\(t)", name: "\(name)惠民超市（政务服务代办点）", kind: .partnerShop,
                                    region: DivisionCode("990101\(t)000")!, orgId: "town-\(t)", address: "\(name)中心街",
                                    location: near(t), hours: "每天 8:00-20:00", windows: 1, staffCount: 1, offeredItems: shopItems))
        }
        out.append(ServicePoint(id: "sp-bus", name: "青禾县政务服务直通车", kind: .serviceBus, region: countyCode,
                                orgId: "county-centre", address: "流动服务（按线路停靠）", location: near("001"),
                                hours: "每周二、四 9:00-16:00 按线路停靠，可预约", windows: 2, staffCount: 3,
                                offeredItems: ["RSJ0501", "RSJ0502", "RSJ0506", "YBJ0501", "YBJ0502", "YBJ0503", "MZJ0504",
                                               "MZJ0505", "CLJ0701", "CLJ0702", "GAJ0702", "GAJ0707", "SCJ0701", "SWJ2001",
                                               "WJW2001", "SFJ2001"]))
        out.append(ServicePoint(id: "sp-self-county", name: "青禾县政务服务中心24小时自助区", kind: .selfService,
                                region: countyCode, orgId: "county-centre", address: "青禾县城关街道人民路1号一楼",
                                location: near("001"), hours: "24小时", windows: 4, staffCount: 0,
                                offeredItems: ["SWJ2001", "SWJ1003", "ZRJ0701", "RSJ0506", "YBJ0502", "GAJ0707"]))
        out.append(ServicePoint(id: "sp-self-100", name: "青石镇24小时自助服务终端", kind: .selfService,
                                region: DivisionCode("990101100000")!, orgId: "town-100", address: "青石镇便民服务中心门厅",
                                location: near("100"), hours: "24小时", windows: 1, staffCount: 0,
                                offeredItems: ["SWJ2001", "SWJ1003", "RSJ0506", "YBJ0502"]))
        return out
    }

    /// Each town holds one numbered seal of the approval bureau (一枚印章); each bureau signs with its own.
    static func seals(_ orgs: [Organization]) -> [Seal] {
        var out = towns.enumerated().map { ti, t in
            Seal(id: "seal-town-\(t.code)", number: "审批专用章(\(String(format: "%02d", ti + 1)))",
                 name: "青禾县行政审批服务局审批专用章(\(String(format: "%02d", ti + 1)))", ownerOrgId: "dept-xzsp",
                 holderOrgId: "town-\(t.code)")
        }
        out += departments.map { d in
            Seal(id: "seal-\(d.short)", number: "\(d.short.uppercased())-01", name: "\(d.name)行政审批专用章",
                 ownerOrgId: "dept-\(d.short)", holderOrgId: "dept-\(d.short)")
        }
        out += [Seal(id: "seal-county-centre", number: "ZX-01", name: "青禾县政务服务中心业务专用章", ownerOrgId: "dept-xzsp",
                     holderOrgId: "county-centre")]
        // A village committee signs what it issues itself (居住证明 and the like) with its own seal.
        out += orgs.filter { $0.kind == .village }.map { o in
            let committee = o.name.replacingOccurrences(of: "便民服务站", with: "")
            let suffix = committee.hasSuffix("社区") ? "居民委员会" : "民委员会"
            return Seal(id: "seal-\(o.id)", number: "CW-\(o.region.rawValue.suffix(6))", name: "\(committee)\(suffix)",
                        ownerOrgId: o.id, holderOrgId: o.id)
        }
        return out
    }

    /// County bureaus entrust their towns with deciding high-frequency items (县镇同权),
    /// each town signing with its own numbered seal; one older delegation has expired.
    static func delegations() -> [Delegation] {
        let grants: [(dept: String, doc: String, items: [String])] = [
            ("scjg", "青禾市监发〔2026〕2号", ["SCJ0701", "SCJ0702", "SCJ0703", "SCJ0704", "SCJ0102", "SCJ0103"]),
            ("mzj", "青禾民发〔2026〕5号", ["MZJ0501", "MZJ0502", "MZJ0505"]),
            ("wjw", "青禾卫健发〔2026〕7号", ["WJW0101"]),
            ("zjj", "青禾建发〔2026〕4号", ["ZJJ0101"]),
            ("rsj", "青禾人社发〔2026〕3号", ["RSJ0507", "RSJ0502"]),
        ]
        var out: [Delegation] = []
        for (ti, t) in towns.enumerated() {
            let seal = "审批专用章(\(String(format: "%02d", ti + 1)))"
            for g in grants {
                out.append(Delegation(id: "del-\(g.dept)-\(t.code)", documentNumber: g.doc, fromOrgId: "dept-\(g.dept)",
                                      toOrgId: "town-\(t.code)", itemCodes: g.items, canAccept: true, canDecide: true,
                                      validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2027-12-31")!, sealNumber: seal))
            }
        }
        out.append(Delegation(id: "del-ycj-100-2025", documentNumber: "青禾烟专〔2025〕1号", fromOrgId: "dept-ycj",
                              toOrgId: "town-100", itemCodes: ["YCJ0101"], canAccept: true, canDecide: true,
                              validFrom: LocalDate("2025-01-01")!, validTo: LocalDate("2025-12-31")!, sealNumber: "审批专用章(03)"))
        return out
    }
}

/// A small deterministic generator so the demo county is the same on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
