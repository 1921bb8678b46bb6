import Testing
@testable import JiujinCore

@Suite struct DemoAndSearchTests {
    static let demo = DemoCounty.build()

    @Test func theDemoCountyHasWhatTheSpecAsksFor() throws {
        let d = Self.demo
        let tree = try RegionTree(d.regions)
        #expect(tree.count == d.regions.count)
        #expect(d.regions.filter { $0.level == .town }.count >= 8)
        #expect(d.regions.filter { $0.level == .village }.count >= 120)
        #expect(d.regions.allSatisfy { $0.code.countyPart == "990101" })
        #expect(Set(d.regions.map(\.name)).count == d.regions.count)
        let kinds = Dictionary(grouping: d.servicePoints, by: \.kind)
        #expect(kinds[.countyCentre]?.count == 1)
        #expect(kinds[.townCentre]?.count == d.regions.filter { $0.level == .town }.count)
        #expect((kinds[.villageStation]?.count ?? 0) >= 100)
        #expect(d.servicePoints.filter(\.kind.isPartner).count >= 10)
        #expect(kinds[.serviceBus]?.count == 1)
        let tiers = Set(d.servicePoints.compactMap(\.tier))
        #expect(tiers == Set(StationTier.allCases))
        #expect(d.items.count >= 80)
        #expect(Set(d.items.map(\.code)).count == d.items.count)
        #expect(Set(d.items.map(\.departmentId)).count >= 10)
        #expect(d.items.filter { $0.acceptLevels.contains(.town) }.count >= 60)
        #expect(d.items.filter { $0.acceptLevels.contains(.village) }.count >= 30)
        for item in d.items { #expect(item.guideProblems().isEmpty, "\(item.name): \(item.guideProblems())") }
        let orgs = Dictionary(uniqueKeysWithValues: d.organizations.map { ($0.id, $0) })
        let items = Dictionary(uniqueKeysWithValues: d.items.map { ($0.code, $0) })
        for del in d.delegations { #expect(throws: Never.self) { try del.validate(items: items, orgs: orgs) } }
        for p in d.servicePoints {
            #expect(orgs[p.orgId] != nil)
            for code in p.offeredItems ?? [] { #expect(items[code] != nil, "\(p.name) offers unknown \(code)") }
        }
        let roles = Set(d.staff.map(\.role))
        #expect(roles == Set(ActorRole.staffRoles))
        #expect(Set(d.staff.map(\.username)).count == d.staff.count)
        for s in d.staff { #expect(orgs[s.orgId] != nil) }
    }

    @Test func someItemsAreDecidedInTownsUnderADatedDelegation() throws {
        let d = Self.demo
        let town = try #require(d.organizations.first { $0.id == "town-100" })
        let item = try #require(d.items.first { $0.name == "个体工商户设立登记" })
        let grant = Authority.check(org: town, item: item, action: .decide, on: LocalDate("2026-11-21")!, delegations: d.delegations)
        guard case .success(.delegated(let del)) = grant else { Issue.record("not delegated: \(grant)"); return }
        #expect(del.sealNumber == "审批专用章(03)")
        #expect((try? Authority.check(org: town, item: item, action: .decide, on: LocalDate("2025-06-01")!,
                                      delegations: d.delegations).get()) == nil)
    }

    let index = CatalogIndex(items: demo.items,
                             departments: Dictionary(uniqueKeysWithValues: demo.organizations.map { ($0.id, $0.name) }))

    func names(_ q: String, limit: Int = 50) -> [String] {
        index.search(CatalogQuery(text: q, limit: limit)).map(\.item.name)
    }

    @Test func pinyinIsAvailableOnThisPlatform() {
        #expect(Pinyin.spelled("营业执照") == "ying ye zhi zhao")
        #expect(Pinyin.initials("个体工商户") == "gtgsh")
        #expect(Pinyin.readings(of: "旅").contains("lv"))
        #expect(Pinyin.readings(of: "a").isEmpty)
    }

    @Test func licenceItemsComeFirstForEveryWayOfTypingIt() {
        let byInitials = names("yyzz")
        #expect(byInitials.count >= 2)
        #expect(byInitials.prefix(2).allSatisfy { $0.contains("营业执照") }, "\(byInitials)")
        #expect(names("营业执照") == names("yingye"))
        #expect(names("营业执照") == names("yingyezhizhao"))
        #expect(names("营业执照").prefix(2).allSatisfy { $0.contains("营业执照") })
        #expect(names("营业执照").contains("个体工商户设立登记"))
        #expect(names("YYZZ") == byInitials)
        #expect(names("ying ye zhi zhao") == names("yingyezhizhao"))
    }

    @Test func partialPinyinAndShortChineseQueriesWork() {
        #expect(names("geti").first?.hasPrefix("个体工商户") == true)
        #expect(names("gtgsh").first?.hasPrefix("个体工商户") == true)
        #expect(names("低保").first == "最低生活保障审核确认")
        #expect(names("dibao").first == "最低生活保障审核确认")
        #expect(names("社保").contains("社会保障卡申领"))
        #expect(names("juzhuzhengming").first == "居民居住证明")
        #expect(names("cjrz").first?.hasPrefix("残疾人证") == true)
        #expect(names("SCJ0701").first == "个体工商户设立登记")
        #expect(names("zzzzqqq").isEmpty)
        #expect(names("不存在的事项").isEmpty)
    }

    @Test func filtersNarrowTheResults() {
        let instant = index.search(CatalogQuery(instantOnly: true, limit: 500))
        #expect(!instant.isEmpty && instant.allSatisfy(\.item.isInstant))
        let village = index.search(CatalogQuery(level: .village, limit: 500))
        #expect(village.count >= 30)
        #expect(village.allSatisfy { $0.item.acceptLevels.contains(.village) || $0.item.decisionLevel == .village })
        let zero = index.search(CatalogQuery(text: "yanglao", zeroTripOnly: true, limit: 500))
        #expect(!zero.isEmpty && zero.allSatisfy { $0.item.siteVisits == 0 })
        let dept = index.search(CatalogQuery(departmentId: "dept-gaj", limit: 500))
        #expect(dept.count == 8)
        let online = index.search(CatalogQuery(onlineOnly: true, limit: 500))
        #expect(online.allSatisfy { $0.item.onlineDepth == .fullyOnline || $0.item.onlineDepth == .onlineAcceptance })
        #expect(index.search(CatalogQuery(limit: 3)).count == 3)
    }
}
