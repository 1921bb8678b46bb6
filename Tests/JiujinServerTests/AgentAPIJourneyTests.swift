import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// The village agent's whole journey through the JSON API alone: what the pages can do, the API can.
@Suite struct AgentAPIJourneyTests {
    func act(_ c: TestClient, _ id: String, _ token: String, _ action: String, _ extra: [String: Any] = [:]) async throws -> Reply {
        var body: [String: Any] = ["action": action]
        for (k, v) in extra { body[k] = v }
        return try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: token, json: body)
    }

    func step(_ detail: Reply, _ name: String) -> [String: Any]? {
        ((detail["proxy"] as? [String: Any])?["steps"] as? [[String: Any]])?.first { $0["step"] as? String == name }
    }

    @Test func anAgentFilesFollowsUpAndClosesThroughTheAPI() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            // The colours of the station (红黄绿) come with the search and the guide.
            let search = try await c.send(.GET, "/api/v1/items?limit=500", token: agent)
            let colours = Dictionary(search.list("items").map { ($0["code"] as? String ?? "", $0["agentColour"] as? String ?? "none") },
                                     uniquingKeysWith: { a, _ in a })
            #expect(colours["SCJ0701"] == "yellow" && colours["MZJ0508"] == "green")
            #expect(Set(colours.values) == ["green", "yellow", "red"])
            let guide = try await c.send(.GET, "/api/v1/items/SCJ0701", token: agent)
            #expect(guide.string("agentColour") == "yellow" && guide.string("agentColourLabel")?.contains("黄色") == true)
            // Nobody else gets colours unasked; staff may ask for a station's; the public may not.
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701")["agentColour"] == nil)
            let supervisor = try await c.login("jiandu")
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701?station=village-100201", token: supervisor).string("agentColour") == "yellow")
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701?station=village-100201").status == .unauthorized)
            #expect(try await c.send(.GET, "/api/v1/items?station=town-100", token: supervisor).errorCode == "invalid_field")

            // Filing with the resident's written authorization starts the proxy record.
            let body = TestClient.intake("SCJ0701", extra: [
                "regionCode": "990101100201",
                "authorization": ["scope": "代为申请、补正材料、领取结果", "signedOn": "2026-11-20", "validUntil": "2027-02-20"],
            ])
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: body)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.string("id"))
            let authorization = (created["proxy"] as? [String: Any])?["authorization"] as? [String: Any]
            #expect(authorization?["scope"] as? String == "代为申请、补正材料、领取结果" && authorization?["agentId"] as? String == "u-dl-100201")
            for name in ["inform", "authorize", "file"] { #expect(step(created, name)?["done"] as? Bool == true, "\(name)") }
            #expect(step(created, "coordinate")?["done"] as? Bool == false && step(created, "coordinate")?["manual"] as? Bool == true)
            #expect(created["decisionSealNumber"] == nil && created.string("delegationSealNumber") == "审批专用章(03)")

            // 协调办理: the agent marks chasing the town; only the manual steps, only the authorized agent.
            let coordinated = try await act(c, id, agent, "record_proxy_step", ["step": "coordinate"])
            #expect(coordinated.status == .ok, "\(coordinated.text)")
            #expect(step(coordinated, "coordinate")?["done"] as? Bool == true && step(coordinated, "coordinate")?["doneAt"] is String)
            #expect(try await act(c, id, agent, "record_proxy_step", ["step": "file"]).errorCode == "invalid_field")
            #expect(try await act(c, id, agent, "record_proxy_step").field == "step")
            let clerk = try await c.login("ck-100")
            #expect(try await act(c, id, clerk, "record_proxy_step", ["step": "follow_up"]).status.code >= 400)

            // The town decides under its seal; the API names the seal that signed.
            let approver = try await c.login("sp-100")
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            #expect(try await act(c, id, approver, "pass_stage").status == .ok)
            let approved = try await act(c, id, approver, "approve")
            #expect(approved.string("decisionSealNumber") == "审批专用章(03)" && approved.string("sealNumber") == "审批专用章(03)")
            #expect(approved.string("decidedAt") != nil)

            // 跟踪反馈: what the resident was told; the agent's first entry marks the step.
            let told = try await c.send(.POST, "/api/v1/cases/\(id)/feedback", token: agent,
                                        json: ["channel": "电话", "text": "已电话告知刘坤营业执照已办好，明日送达"])
            #expect(told.status == .created, "\(told.text)")
            #expect(told.list("feedback").first?["text"] as? String == "已电话告知刘坤营业执照已办好，明日送达")
            #expect(told.list("feedback").first?["staffName"] as? String != nil)
            #expect(step(told, "follow_up")?["done"] as? Bool == true)
            for (bad, field) in [(["channel": "飞鸽", "text": "x"], "channel"), (["channel": "电话", "text": " "], "text"),
                                 (["channel": "电话", "text": String(repeating: "字", count: 501)], "text")] {
                let r = try await c.send(.POST, "/api/v1/cases/\(id)/feedback", token: agent, json: bad)
                #expect(r.status == .unprocessableEntity && r.field == field, "\(bad)")
                #expect(!r.text.contains(String(repeating: "字", count: 100)))
            }
            #expect(try await c.send(.POST, "/api/v1/cases/\(id)/feedback", token: approver, json: ["channel": "电话", "text": "x"]).status == .forbidden)
            #expect(try await c.send(.POST, "/api/v1/cases/\(id)/feedback", token: try await c.login("dl-100202"),
                                     json: ["channel": "电话", "text": "x"]).status == .notFound)

            // Delivery closes the case and the record reads complete in the API.
            let closed = try await act(c, id, agent, "deliver", ["delivery": ["method": "agent", "collectorName": "刘坤"]])
            #expect(closed.string("status") == "closed")
            let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            let done = ((detail["proxy"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []).filter { $0["done"] as? Bool == true }
            #expect(done.compactMap { $0["step"] as? String } == ["inform", "authorize", "file", "coordinate", "follow_up", "rate_and_archive"])
            #expect(detail.list("feedback").count == 1)
        }
    }

    /// When the bureau decides itself (no delegation), the seal that signed is still named.
    @Test func theBureausOwnSealIsNamedWhenItDecides() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-county-1")
            let created = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("GAJ0707"))
            let id = try #require(created.string("id"))
            #expect(created["delegationSealNumber"] == nil && created["decisionSealNumber"] == nil)
            let approver = try await c.login("sp-gaj")
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            var last = try await act(c, id, approver, "approve")
            while last.errorCode == "stages_pending" {
                #expect(try await act(c, id, approver, "pass_stage").status == .ok)
                last = try await act(c, id, approver, "approve")
            }
            #expect(last.string("status") == "approved", "\(last.text)")
            let seal = try #require(last.string("decisionSealNumber"))
            #expect(last.string("sealNumber") == seal && last["delegationSealNumber"] == nil)
            #expect((last.list("events").last?["details"] as? [String: String])?["seal"] == seal)
        }
    }
}
