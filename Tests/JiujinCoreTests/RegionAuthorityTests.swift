import Testing
@testable import JiujinCore

@Suite struct RegionAuthorityTests {
    @Test func divisionCodes() throws {
        let v = try #require(DivisionCode("990101103201"))
        #expect(v.level == .village)
        #expect(v.parent == DivisionCode("990101103000"))
        #expect(v.town == DivisionCode("990101103000"))
        #expect(v.isWithin(DivisionCode("990101000000")!))
        #expect(v.isWithin(DivisionCode("990101103000")!))
        #expect(!v.isWithin(DivisionCode("990101104000")!))
        #expect(DivisionCode("990101000000")!.level == .county)
        for bad in ["99010100000", "99010100000a", "000101000000", "990101000201", "990000000000"] {
            #expect(DivisionCode(bad) == nil, "\(bad)")
        }
    }

    @Test func treeRejectsOrphansAndAnswersAncestry() throws {
        let c = Region(code: DivisionCode("990101000000")!, name: "县", kind: .county)
        let t = Region(code: DivisionCode("990101100000")!, name: "镇", kind: .town)
        let v = Region(code: DivisionCode("990101100201")!, name: "村", kind: .village)
        let tree = try RegionTree([v, t, c])
        #expect(tree.path(of: v.code) == "县 / 镇 / 村")
        #expect(tree.children(of: t.code).map(\.name) == ["村"])
        #expect(throws: RegionTreeError.orphan(v.code)) { try RegionTree([c, v]) }
        #expect(throws: RegionTreeError.duplicate(c.code)) { try RegionTree([c, c]) }
    }

    @Test func checklistImpliesTier() {
        var c = StationChecklist.complete
        #expect(c.tier(windows: 2, staff: 3) == .benchmark)
        #expect(c.tier(windows: 1, staff: 3) == .standard)
        c.hasFunding = false
        #expect(c.tier(windows: 3, staff: 5) == .basic)
        c.canHandleItems = false
        #expect(c.tier(windows: 3, staff: 5) == nil)
    }

    let market = Organization(id: "dept-scj", name: "县市场监督管理局", kind: .department, region: DivisionCode("990101000000")!)
    let town = Organization(id: "town-100", name: "甲镇", kind: .town, region: DivisionCode("990101100000")!)
    let village = Organization(id: "village-100201", name: "甲村", kind: .village, region: DivisionCode("990101100201")!)
    let centre = Organization(id: "county-centre", name: "县政务服务中心", kind: .countyCentre, region: DivisionCode("990101000000")!)

    func item(_ accept: Set<RegionLevel>, decide: RegionLevel = .county) -> ServiceItem {
        ServiceItem(code: "X1", name: "个体工商户登记", type: .licensing, departmentId: "dept-scj", legalBasis: "条例",
                    conditions: "条件", materials: [Material(name: "身份证")], legalLimitDays: 15, promisedLimitDays: 3,
                    isInstant: false, fee: .free, siteVisits: 1, onlineDepth: .fullyOnline, offersAppointment: true,
                    offersExpress: true, offersOnlinePayment: false, stages: ["审查", "决定"], result: nil,
                    isHighFrequency: true, acceptLevels: accept, decisionLevel: decide, keywords: [])
    }

    func d(_ s: String) -> LocalDate { LocalDate(s)! }

    @Test func ownRightsFollowTheImplementationList() {
        let i = item([.county, .town])
        #expect(Authority.hasOwnRight(org: market, item: i, action: .decide))
        #expect(Authority.hasOwnRight(org: centre, item: i, action: .accept))
        #expect(!Authority.hasOwnRight(org: centre, item: i, action: .decide))
        #expect(Authority.hasOwnRight(org: town, item: i, action: .accept))
        #expect(!Authority.hasOwnRight(org: village, item: i, action: .accept))
        #expect(Authority.hasOwnRight(org: town, item: item([.village], decide: .town), action: .decide))
    }

    @Test func delegationsGrantWithinTheirWindowUntilRevoked() {
        let i = item([.county, .town])
        var del = Delegation(id: "d1", documentNumber: "演委〔2026〕3号", fromOrgId: "dept-scj", toOrgId: "town-100",
                             itemCodes: ["X1"], canAccept: true, canDecide: true, validFrom: d("2026-01-01"),
                             validTo: d("2026-12-31"), sealNumber: "审批专用章(03)")
        #expect(Authority.check(org: town, item: i, action: .decide, on: d("2026-11-21"), delegations: [del]) == .success(.delegated(del)))
        #expect(Authority.check(org: town, item: i, action: .decide, on: d("2025-12-31"), delegations: [del])
            == .failure(.notAuthorized(org: "甲镇", item: "个体工商户登记", action: .decide)))
        #expect((try? Authority.check(org: town, item: i, action: .decide, on: d("2027-01-01"), delegations: [del]).get()) == nil)
        #expect((try? Authority.check(org: village, item: i, action: .decide, on: d("2026-11-21"), delegations: [del]).get()) == nil)
        del.revokedOn = d("2026-11-21")
        #expect((try? Authority.check(org: town, item: i, action: .decide, on: d("2026-11-21"), delegations: [del]).get()) == nil)
        #expect((try? Authority.check(org: town, item: i, action: .decide, on: d("2026-11-20"), delegations: [del]).get()) != nil)
        // Accept-only delegations do not let anyone decide.
        let acceptOnly = Delegation(id: "d2", documentNumber: "2", fromOrgId: "dept-scj", toOrgId: "village-100201",
                                    itemCodes: ["X1"], canAccept: true, canDecide: false, validFrom: d("2026-01-01"))
        #expect((try? Authority.check(org: village, item: i, action: .accept, on: d("2026-11-21"), delegations: [acceptOnly]).get()) != nil)
        #expect((try? Authority.check(org: village, item: i, action: .decide, on: d("2026-11-21"), delegations: [acceptOnly]).get()) == nil)
        #expect(Authority.agentColour(station: village, item: i, on: d("2026-11-21"), delegations: [acceptOnly]) == .yellow)
        #expect(Authority.agentColour(station: village, item: i, on: d("2026-11-21"), delegations: []) == .red)
        #expect(Authority.agentColour(station: village, item: item([.village], decide: .village), on: d("2026-11-21"), delegations: []) == .green)
    }

    @Test func delegationsAreValidated() {
        let items = ["X1": item([.county])]
        let orgs = [market.id: market, town.id: town, centre.id: centre]
        func make(from: String = "dept-scj", to: String = "town-100", items: [String] = ["X1"], accept: Bool = true) -> Delegation {
            Delegation(id: "d", documentNumber: "号", fromOrgId: from, toOrgId: to, itemCodes: items, canAccept: accept,
                       canDecide: false, validFrom: d("2026-01-01"))
        }
        #expect(throws: Never.self) { try make().validate(items: items, orgs: orgs) }
        #expect(throws: AuthorityError.self) { try make(from: "town-100").validate(items: items, orgs: orgs) }
        #expect(throws: AuthorityError.self) { try make(to: "county-centre").validate(items: items, orgs: orgs) }
        #expect(throws: AuthorityError.unknownItem("Y")) { try make(items: ["Y"]).validate(items: items, orgs: orgs) }
        #expect(throws: AuthorityError.self) { try make(accept: false).validate(items: items, orgs: orgs) }
    }
}
