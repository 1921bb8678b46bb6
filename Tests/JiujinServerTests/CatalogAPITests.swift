import Foundation
import JiujinCore
import Testing
@testable import JiujinServer
import VaporTesting

@Suite struct CatalogAPITests {
    func names(_ r: Reply) -> [String] { r.list("items").compactMap { $0["name"] as? String } }

    @Test func searchFindsLicenceItemsByInitialsAndAgreesAcrossSpellings() async throws {
        try await withJiujin { _, c in
            let initials = try await c.send(.GET, "/api/v1/items?q=yyzz")
            #expect(initials.status == .ok)
            let first = names(initials)
            #expect(first.count >= 2)
            #expect(first.prefix(2).allSatisfy { $0.contains("营业执照") }, "\(first)")
            let chinese = try await c.send(.GET, "/api/v1/items?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7")
            let pinyin = try await c.send(.GET, "/api/v1/items?q=yingye")
            #expect(names(chinese) == names(pinyin))
            #expect(names(chinese).prefix(2).allSatisfy { $0.contains("营业执照") })
            let geti = try await c.send(.GET, "/api/v1/items?q=geti&limit=3")
            #expect(names(geti).allSatisfy { $0.hasPrefix("个体工商户") })
        }
    }

    @Test func filtersAndTheirBadValues() async throws {
        try await withJiujin { _, c in
            let village = try await c.send(.GET, "/api/v1/items?level=village&limit=500")
            #expect((village.int("count") ?? 0) >= 30)
            let instant = try await c.send(.GET, "/api/v1/items?instant=true&zeroTrip=true&limit=500")
            #expect(instant.list("items").allSatisfy { ($0["isInstant"] as? Bool) == true && ($0["siteVisits"] as? Int) == 0 })
            let dept = try await c.send(.GET, "/api/v1/items?department=dept-gaj&limit=500")
            #expect(dept.int("count") == 8)
            for bad in ["level=city", "instant=maybe", "department=dept-none", "limit=0", "limit=abc", "type=99"] {
                let r = try await c.send(.GET, "/api/v1/items?\(bad)")
                #expect(r.status == .unprocessableEntity, "\(bad)")
                #expect(r.errorCode != nil && r.string("message") != nil, "\(bad): \(r.text)")
            }
        }
    }

    @Test func guidesAndUnknownItems() async throws {
        try await withJiujin { _, c in
            let g = try await c.send(.GET, "/api/v1/items/SCJ0701")
            #expect(g.status == .ok)
            let item = try #require(g["item"] as? [String: Any])
            #expect(item["legalBasis"] as? String != nil)
            #expect((item["materials"] as? [Any])?.isEmpty == false)
            #expect(g.list("delegations").count == 10, "\(g.text.suffix(600))") // one per town
            let missing = try await c.send(.GET, "/api/v1/items/NOPE")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
        }
    }

    @Test func keptAnswersFollowTheDirectoryAndNeverMixAskers() async throws {
        try await withJiujin { app, c in
            let before = try await c.send(.GET, "/api/v1/items/SCJ0701")
            let again = try await c.send(.GET, "/api/v1/items/SCJ0701")
            #expect(before.text == again.text)
            #expect(again.list("delegations").count == 10)
            #expect(app.jiujin.answers.count >= 1)
            // Revoking a delegation moves the directory on: the next guide and search are answered afresh.
            let revoked = try #require(before.list("delegations").first?["id"] as? String)
            let admin = try await c.login("jiandu")
            let r = try await c.send(.POST, "/api/v1/delegations/\(revoked)/revoke", token: admin, json: ["reason": "调整委托范围"])
            #expect(r.status == .ok, "\(r.text)")
            let after = try await c.send(.GET, "/api/v1/items/SCJ0701")
            #expect(after.list("delegations").count == 9)
            #expect(!after.list("delegations").contains { $0["id"] as? String == revoked })
            // An agent's coloured answer is never kept for anyone else, nor the public's for the agent.
            let agent = try await c.login("dl-100201")
            #expect(try await c.send(.GET, "/api/v1/items?q=yyzz", token: agent).list("items").first?["agentColour"] as? String != nil)
            #expect(try await c.send(.GET, "/api/v1/items?q=yyzz").list("items").allSatisfy { $0["agentColour"] == nil })
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701", token: agent).string("agentColour") == "yellow")
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701")["agentColour"] == nil)
            // Each filter is part of what is kept: a different filter is a different answer.
            let all = try await c.send(.GET, "/api/v1/items?limit=500")
            let instant = try await c.send(.GET, "/api/v1/items?limit=500&instant=true")
            #expect((instant.int("count") ?? 0) < (all.int("count") ?? 0))
            #expect(try await c.send(.GET, "/api/v1/items?limit=500").int("count") == all.int("count"))
        }
    }

    @Test func queryParametersAreReadOnceAndDecoded() {
        let q = QueryValues("q=%E8%90%A5%E4%B8%9A+%E6%89%A7%E7%85%A7&limit=5&limit=9&empty=&flag&bad=%ZZ%&&=x")
        #expect(q["q"] == "营业 执照")
        #expect(q["limit"] == "5") // a name given twice keeps its first value
        #expect(q["empty"] == "" && q["flag"] == "")
        #expect(q["bad"] == "%ZZ%")
        #expect(q["missing"] == nil)
        #expect(QueryValues(nil)["q"] == nil && QueryValues("")["q"] == nil)
    }

    @Test func pointsThatCanAcceptAnItemNearestFirst() async throws {
        try await withJiujin { app, c in
            // Standing next to 王官庄村 station in 青石镇.
            let station = try #require(app.jiujin.directory.pointsById["sp-100201"])
            let r = try await c.send(.GET, "/api/v1/service-points?item=SCJ0701&lat=\(station.location.lat)&lon=\(station.location.lon)&limit=5")
            #expect(r.status == .ok)
            let points = r.list("servicePoints")
            #expect(points.first?["id"] as? String == "sp-100201")
            let distances = points.compactMap { $0["distanceMetres"] as? Int }
            #expect(distances == distances.sorted())
            // 婚姻登记 is only done at the county centre.
            let marriage = try await c.send(.GET, "/api/v1/service-points?item=MZJ0506")
            #expect(marriage.list("servicePoints").map { $0["id"] as? String } == ["sp-county"])
            for bad in ["item=NOPE", "lat=36.4", "lat=200&lon=1", "lat=abc&lon=def", "lat=nan&lon=1", "kind=castle", "region=123"] {
                let e = try await c.send(.GET, "/api/v1/service-points?\(bad)")
                #expect(e.status == .unprocessableEntity, "\(bad)")
            }
        }
    }

    @Test func regionsAndAuthority() async throws {
        try await withJiujin { _, c in
            let towns = try await c.send(.GET, "/api/v1/regions?level=town")
            #expect(towns.int("count") == 10)
            let town = try await c.send(.GET, "/api/v1/regions/990101100000")
            #expect((town["children"] as? [Any])?.count == 13)
            #expect(try await c.send(.GET, "/api/v1/regions/990101999000").status == .notFound)
            let yes = try await c.send(.GET, "/api/v1/authority?org=town-100&item=SCJ0701&action=decide&date=2026-11-20")
            #expect(yes["allowed"] as? Bool == true && yes.string("basis") == "delegation")
            let before = try await c.send(.GET, "/api/v1/authority?org=town-100&item=SCJ0701&action=decide&date=2025-12-31")
            #expect(before["allowed"] as? Bool == false)
            let expired = try await c.send(.GET, "/api/v1/authority?org=town-100&item=YCJ0101&action=decide&date=2026-11-20")
            #expect(expired["allowed"] as? Bool == false)
            let during = try await c.send(.GET, "/api/v1/authority?org=town-100&item=YCJ0101&action=decide&date=2025-06-01")
            #expect(during["allowed"] as? Bool == true)
            #expect(try await c.send(.GET, "/api/v1/authority?org=x&item=SCJ0701").status == .unprocessableEntity)
            #expect(try await c.send(.GET, "/api/v1/authority?org=town-100&item=SCJ0701&date=2026-13-01").status == .unprocessableEntity)
        }
    }
}
