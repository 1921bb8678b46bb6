import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// The read model is the one answer to "what does this member see of this case": the API, the case page and
/// the lists agree with each other and with the core's rules.
@Suite struct CaseReadModelTests {
    func act(_ c: TestClient, _ id: String, _ token: String, _ action: String, _ extra: [String: Any] = [:]) async throws -> Reply {
        var body: [String: Any] = ["action": action]
        for (k, v) in extra { body[k] = v }
        return try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: token, json: body)
    }

    /// Cases in several states and places: a village case under review, an accepted one, an online submission,
    /// a county bureau's case, another town's case, and a closed instant certificate.
    func cases(_ c: TestClient) async throws -> [String] {
        let agent = try await c.login("dl-100201")
        let approver = try await c.login("sp-100")
        var ids: [String] = []
        let review = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
        #expect(try await act(c, review, approver, "start_review").status == .ok)
        ids.append(review)
        ids.append(try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701", name: "张三")).string("id")))
        ids.append(try #require(try await c.send(.POST, "/api/v1/applications", json: [
            "itemCode": "SCJ0701", "regionCode": "990101100202",
            "applicant": ["kind": "person", "name": "王五", "idNumber": "11010519491231002X", "phone": "13812345678"],
        ]).string("id")))
        ids.append(try #require(try await c.send(.POST, "/api/v1/cases", token: try await c.login("ck-county-1"),
                                                 json: TestClient.intake("YBJ0503", extra: ["regionCode": "990101100203"])).string("id")))
        // 青林镇's clerk takes in a case for a resident of 青石镇's 王官庄村 (decided by 青石镇).
        ids.append(try #require(try await c.send(.POST, "/api/v1/cases", token: try await c.login("ck-101"),
                                                 json: TestClient.intake("SCJ0701", extra: ["regionCode": "990101100201"])).string("id")))
        let instant = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊")).string("id"))
        #expect(try await act(c, instant, agent, "deliver", ["delivery": ["method": "electronic"]]).string("status") == "closed")
        ids.append(instant)
        return ids
    }

    static let members = ["dl-100201", "dl-100202", "ck-100", "ck-101", "ck-county-1", "sp-100", "sp-100-b", "sp-101", "sp-ybj", "sp-scjg",
                          "sp-gaj", "jiandu"]

    @Test func theButtonsAPageShowsAreTheActionsTheAPIOffers() async throws {
        try await withJiujin { app, c in
            let ids = try await cases(c)
            var offered = 0
            for username in Self.members {
                let token = try await c.login(username)
                let web = WebClient(app: app)
                _ = try await web.signIn(username)
                for id in ids {
                    let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: token)
                    let page = try await web.get("/cases/\(id)")
                    #expect(detail.status == page.status, "\(username) \(id)")
                    guard detail.status == .ok else { continue }
                    let api = Set(detail["availableActions"] as? [String] ?? [])
                    let buttons = Set(page.html.components(separatedBy: "data-action=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
                    #expect(api == buttons, "\(username) on \(detail.string("status") ?? ""): API \(api.sorted()) page \(buttons.sorted())")
                    offered += api.count
                }
            }
            #expect(offered > 10)
        }
    }

    @Test func everyListShowsExactlyTheCasesItsMemberMayOpen() async throws {
        try await withJiujin { _, c in
            let ids = try await cases(c)
            for username in Self.members {
                let token = try await c.login(username)
                let listed = Set(try await c.send(.GET, "/api/v1/cases", token: token).list("cases").compactMap { $0["id"] as? String })
                var openable: Set<String> = []
                for id in ids where try await c.send(.GET, "/api/v1/cases/\(id)", token: token).status == .ok { openable.insert(id) }
                #expect(listed == openable, "\(username): listed \(listed.count), may open \(openable.count)")
            }
            // The accepting organisation sees its case even when it serves another region (the list once forgot it).
            let otherTown = try await c.login("ck-101")
            #expect(try await c.send(.GET, "/api/v1/cases/\(ids[4])", token: otherTown).status == .ok)
        }
    }
}
