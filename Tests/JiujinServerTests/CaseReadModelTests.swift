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
        ids.append(try #require(try await c.send(.POST, "/api/v1/applications", token: try await c.resident(), json: [
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

@Suite struct ServerOptionsTests {
    @Test func everySettingIsReadOnceFromTheEnvironment() {
        let o = ServerOptions.fromEnvironment([
            "JIUJIN_DATA_DIR": "/srv/jiujin", "JIUJIN_PUBLIC_URL": "https://jiujin.example.gov.cn//", "JIUJIN_FOLLOWUP_DAYS": "7",
            "JIUJIN_SECURE_COOKIES": "1", "JIUJIN_NOTIFY_WEBHOOK": "http://127.0.0.1:9/hook", "JIUJIN_ENV": "development",
            "JIUJIN_HOME": "/opt/jiujin", "LOG_LEVEL": "debug",
        ])
        if case .sqliteFile(let dir) = o.storage { #expect(dir == "/srv/jiujin") } else { Issue.record("not SQLite") }
        #expect(o.publicURL == "https://jiujin.example.gov.cn" && o.followUpDays == 7 && o.secureCookies)
        #expect(o.notifyWebhook == "http://127.0.0.1:9/hook" && o.environmentName == "development" && o.home == "/opt/jiujin")
        #expect(o.logLevel == "debug" && o.sealKey == nil)
        let defaults = ServerOptions.fromEnvironment(["JIUJIN_FOLLOWUP_DAYS": "90", "JIUJIN_SECURE_COOKIES": "yes", "DATABASE_URL": "postgres://x@db/j"])
        #expect(defaults.followUpDays == 5 && !defaults.secureCookies && defaults.environmentName == "production")
        if case .postgres(let url, _) = defaults.storage { #expect(url == "postgres://x@db/j") } else { Issue.record("not PostgreSQL") }
        #expect(Set(ServerOptions.variables.map(\.name)).isSuperset(of: ["JIUJIN_DATA_DIR", "JIUJIN_SEAL_KEY", "JIUJIN_ENV", "DATABASE_URL"]))
    }
}

@Suite struct TextLimitTests {
    @Test func overlongCommentsAndReasonsAreRefusedAndChangeNothing() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let long = String(repeating: "长", count: 501)
            let intake = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701", extra: ["comment": long]))
            #expect(intake.status == .unprocessableEntity && intake.string("field") == "comment")
            #expect(try await c.counts().cases == 0)
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let withdraw = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: agent, json: ["action": "withdraw", "reason": long])
            #expect(withdraw.status == .unprocessableEntity && withdraw.string("field") == "reason")
            let after = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            #expect(after.string("status") == "accepted" && after.list("events").count == 1)
        }
    }
}

@Suite struct ProxyRecordTests {
    @Test func everyFeedbackIsKeptAndTheStepIsOneEventOfTheChain() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let body = TestClient.intake("SCJ0701", extra: ["authorization": ["scope": "代为申请、补正材料", "signedOn": "2026-11-20",
                                                                              "validUntil": "2027-01-20"]])
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: body).string("id"))
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            for text in ["已电话告知材料已受理", "已告知审批进度"] {
                _ = try await web.get("/cases/\(id)")
                #expect(try await web.post("/cases/\(id)/feedback", [("channel", "电话"), ("text", text)]).status == .seeOther)
            }
            _ = try await web.get("/cases/\(id)")
            #expect(try await web.post("/cases/\(id)/proxy-step", [("step", "coordinate")]).status == .seeOther)
            #expect(try await CaseFeedbackModel.query(on: app.db).count() == 2)
            let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            let steps = detail.list("events").filter { $0["action"] as? String == "record_proxy_step" }
            #expect(steps.compactMap { ($0["details"] as? [String: String])?["step"] } == ["follow_up", "coordinate"])
            #expect(detail.int("version") == 3)
            // Another village's agent may not write in this record.
            let other = WebClient(app: app)
            _ = try await other.signIn("dl-100202")
            _ = try await other.get("/window")
            #expect(try await other.post("/cases/\(id)/proxy-step", [("step", "coordinate")]).status == .notFound)
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
        }
    }
}
