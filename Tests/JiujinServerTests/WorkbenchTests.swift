import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

@Suite struct WorkbenchTests {
    func intakeForm(_ extra: [(String, String)] = []) -> [(String, String)] {
        [("kind", "person"), ("name", "刘坤"), ("phone", "13812345678"), ("idNumber", "11010519491231002X"),
         ("regionCode", "990101100201"), ("provided[]", "个体工商户登记（备案）申请书"), ("provided[]", "经营场所使用证明"),
         ("authScope", "代为申请、补正材料、领取结果"), ("authSignedOn", "2026-11-20"), ("authValidUntil", "2027-02-20"),
         ("decision", "accept"), ("reason", "")] + extra
    }

    func caseId(_ location: String?) -> String? {
        location?.components(separatedBy: "/cases/").last?.components(separatedBy: "/").first
    }

    @Test func signInRequiresTheFormTokenAndSlowsAfterFailures() async throws {
        try await withJiujin { app, _ in
            let web = WebClient(app: app)
            #expect(try await web.get("/").location?.hasPrefix("/login") == true)
            _ = try await web.get("/login")
            let forged = try await web.post("/login", [("username", "ck-100"), ("password", DemoCounty.demoPassword)], withCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(web.cookies[WebSessions.cookie] == nil)
            for _ in 0..<5 {
                _ = try await web.get("/login")
                let wrong = try await web.post("/login", [("username", "ck-100"), ("password", "nope")])
                #expect(wrong.status == .unauthorized && wrong.html.contains("用户名或密码错误"))
            }
            let locked = try await web.signIn("ck-100")
            #expect(locked.status == .tooManyRequests && locked.html.contains("登录失败次数过多"))
            #expect(locked.html.contains("秒后再试"))
            let ok = try await web.signIn("ck-101")
            #expect(ok.status == .seeOther && ok.location == "/")
            #expect(try await web.get("/").html.contains("工作台"))
            #expect(try await WebSessionModel.query(on: app.db).count() == 1)
            _ = try await web.post("/logout", [])
            #expect(try await web.get("/").location?.hasPrefix("/login") == true)
            #expect(try await WebSessionModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anAgentFilesAtTheStationAndTheTownApprovesUnderItsSeal() async throws {
        try await withJiujin { app, _ in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            let search = try await agent.get("/window?q=geti")
            #expect(search.html.contains("个体工商户设立登记") && search.html.contains("colour yellow"))
            _ = try await agent.get("/window/items/SCJ0701")
            let filed = try await agent.post("/window/items/SCJ0701", intakeForm())
            #expect(filed.status == .seeOther, "\(filed.html.prefix(2000))")
            let id = try #require(caseId(filed.location))
            let receipt = try await agent.get("/cases/\(id)/receipt")
            #expect(receipt.status == .ok && receipt.html.contains("受理回执") && receipt.html.contains("青禾县（演示）"))
            #expect(try await agent.get("/cases/\(id)/authorization").html.contains("代为申请、补正材料、领取结果"))
            let approver = WebClient(app: app)
            _ = try await approver.signIn("sp-100")
            #expect(try await approver.get("/inbox").html.contains(id))
            let page = try await approver.get("/cases/\(id)")
            #expect(page.html.contains("data-action=\"start_review\""))
            for action in ["start_review", "pass_stage", "approve"] {
                _ = try await approver.get("/cases/\(id)")
                let version = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db)?.version)
                let r = try await approver.post("/cases/\(id)/action", [("action", action), ("expectedVersion", "\(version)")])
                #expect(r.status == .seeOther, "\(action): \(r.html.prefix(1500))")
            }
            let decided = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db))
            #expect(decided.status == "approved" && decided.sealNumber == "审批专用章(03)")
            let decision = try await agent.get("/cases/\(id)/decision")
            #expect(decision.html.contains("准予") && decision.html.contains("审批专用章(03)") && decision.html.contains("青禾市监发〔2026〕2号"))
            _ = try await agent.get("/cases/\(id)")
            let handed = try await agent.post("/cases/\(id)/action", [("action", "deliver"), ("expectedVersion", "\(decided.version)"),
                                                                      ("method", "agent"), ("collectorName", "刘坤")])
            #expect(handed.status == .seeOther)
            _ = try await agent.get("/cases/\(id)")
            let fb = try await agent.post("/cases/\(id)/feedback", [("channel", "电话"), ("text", "已电话告知刘坤营业执照已办好")])
            #expect(fb.status == .seeOther)
            let after = try await agent.get("/cases/\(id)")
            #expect(after.html.contains("已电话告知刘坤营业执照已办好"))
            let proxy = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db)?.proxyJSON)
            let record = try JSONCoding.decode(ProxyRecord.self, proxy)
            #expect(Set(record.stepsDone.keys) == [.inform, .authorize, .file, .followUp, .rateAndArchive])
            #expect(try await CaseModel.find(UUID(uuidString: id), on: app.db)?.status == "closed")
        }
    }

    @Test func formPostsWithoutTheTokenChangeNothing() async throws {
        try await withJiujin { app, _ in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            _ = try await agent.get("/window/items/SCJ0701")
            let noToken = try await agent.post("/window/items/SCJ0701", intakeForm(), withCSRF: false)
            #expect(noToken.status == .forbidden && noToken.html.contains("页面已过期"))
            let wrongToken = try await agent.post("/window/items/SCJ0701", intakeForm(), csrf: "x" + (agent.csrf ?? ""))
            #expect(wrongToken.status == .forbidden)
            #expect(try await CaseModel.query(on: app.db).count() == 0)
        }
    }

    @Test func inlineErrorsKeepWhatWasTyped() async throws {
        try await withJiujin { app, _ in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            _ = try await agent.get("/window/items/SCJ0701")
            let bad = try await agent.post("/window/items/SCJ0701", intakeForm().map { $0.0 == "idNumber" ? ("idNumber", "110105194912310021") : $0 })
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.html.contains("身份证号码校验位错误") && bad.html.contains("value=\"刘坤\""))
            let missing = try await agent.post("/window/items/SCJ0701", intakeForm().filter { $0.1 != "经营场所使用证明" })
            #expect(missing.status == .unprocessableEntity && missing.html.contains("一次性告知"))
            #expect(try await CaseModel.query(on: app.db).count() == 0)
            // The one-time notice lists everything missing at once.
            let notice = try await agent.post("/window/items/SCJ0701",
                                               intakeForm().filter { $0.0 != "provided[]" && $0.0 != "decision" } + [("decision", "request_supplement")])
            let id = try #require(caseId(notice.location))
            let doc = try await agent.get("/cases/\(id)/notice")
            #expect(doc.html.contains("个体工商户登记（备案）申请书") && doc.html.contains("经营场所使用证明"))
        }
    }

    @Test func deniedPagesForOtherVillagesAndUndelegatedDecisions() async throws {
        try await withJiujin { app, _ in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            _ = try await agent.get("/window/items/SCJ0701")
            let id = try #require(caseId(try await agent.post("/window/items/SCJ0701", intakeForm()).location))
            let neighbour = WebClient(app: app)
            _ = try await neighbour.signIn("dl-100202")
            #expect(try await neighbour.get("/cases/\(id)").status == .notFound)
            #expect(try await neighbour.get("/cases/\(id)/receipt").status == .notFound)
            _ = try await neighbour.get("/window")
            #expect(try await neighbour.post("/cases/\(id)/action", [("action", "withdraw"), ("reason", "x")]).status == .notFound)
            // Another town's approver cannot decide it.
            let otherTown = WebClient(app: app)
            _ = try await otherTown.signIn("sp-101")
            #expect(try await otherTown.get("/cases/\(id)").status == .notFound)
            // An agent cannot open the administration pages.
            #expect(try await agent.get("/admin/delegations").status == .forbidden)
            let model = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db))
            #expect(model.version == 1 && model.status == "accepted")
        }
    }

    @Test func revokingTheDelegationStopsTheTownApproverAtOnce() async throws {
        try await withJiujin { app, _ in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            _ = try await agent.get("/window/items/SCJ0701")
            let id = try #require(caseId(try await agent.post("/window/items/SCJ0701", intakeForm()).location))
            let admin = WebClient(app: app)
            _ = try await admin.signIn("jiandu")
            _ = try await admin.get("/admin/delegations")
            let revoked = try await admin.post("/admin/delegations/del-scjg-100/revoke", [("reason", "整改期间收回"), ("wholeDocument", "off")])
            #expect(revoked.status == .seeOther)
            let approver = WebClient(app: app)
            _ = try await approver.signIn("sp-100")
            let page = try await approver.get("/cases/\(id)")
            #expect(!page.html.contains("data-action=\"start_review\""))
            let current = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db)?.version)
            let refused = try await approver.post("/cases/\(id)/action", [("action", "start_review"), ("expectedVersion", "\(current)")])
            #expect(refused.status == .forbidden && refused.html.contains("无权"))
            #expect(try await CaseModel.find(UUID(uuidString: id), on: app.db)?.status == "accepted")
            let changes = try await DelegationChangeModel.query(on: app.db).filter(\.$delegationId == "del-scjg-100").all().map(\.change)
            #expect(changes == ["created", "revoked"])
            // The open case went back to the county bureau, recorded in its history, and the bureau can take it up.
            let returned = try #require(try await CaseModel.find(UUID(uuidString: id), on: app.db))
            #expect(returned.decidingOrgId == "dept-scjg" && returned.delegationId == nil)
            let bureau = WebClient(app: app)
            _ = try await bureau.signIn("sp-scjg")
            #expect(try await bureau.get("/inbox").html.contains(id))
            let taken = try await bureau.post("/cases/\(id)/action", [("action", "start_review"), ("expectedVersion", "\(returned.version)")])
            #expect(taken.status == .seeOther)
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
        }
    }

    @Test func demoPasswordsMustBeChangedWhenRunningForReal() async throws {
        try await withJiujin { app, c in
            // An account that must choose a new password (after an administrator's reset and activation, or by hand).
            try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").set(\.$mustChangePassword, to: true).update()
            let web = WebClient(app: app)
            let signed = try await web.signIn("ck-100")
            #expect(signed.location == "/account/password")
            #expect(try await web.get("/window").location == "/account/password")
            let token = try await c.login("ck-100")
            #expect(try await c.send(.GET, "/api/v1/cases", token: token).errorCode == "password_change_required")
            _ = try await web.get("/account/password")
            let weak = try await web.post("/account/password", [("currentPassword", DemoCounty.demoPassword), ("newPassword", "short"),
                                                                ("confirmPassword", "short")])
            #expect(weak.status == .unprocessableEntity)
            let ok = try await web.post("/account/password", [("currentPassword", DemoCounty.demoPassword),
                                                              ("newPassword", "Qinghe2026window"), ("confirmPassword", "Qinghe2026window")])
            #expect(ok.status == .seeOther)
            #expect(try await web.get("/window").status == .ok)
        }
    }

    @Test func pagesRenderForEveryRole() async throws {
        try await withJiujin { app, _ in
            let pages: [(String, [String])] = [
                ("ck-county-1", ["/", "/window", "/window?q=yyzz", "/window/items/GAJ0707", "/cases"]),
                ("dl-100201", ["/", "/window?q=juzhu", "/window/items/MZJ0508", "/cases"]),
                ("sp-100", ["/", "/inbox", "/cases"]),
                ("jiandu", ["/", "/supervision", "/admin/delegations", "/admin/seals", "/cases"]),
            ]
            for (user, paths) in pages {
                let web = WebClient(app: app)
                _ = try await web.signIn(user)
                for path in paths {
                    let page = try await web.get(path)
                    #expect(page.status == .ok, "\(user) \(path): \(page.html.prefix(300))")
                    #expect(page.html.contains("<html lang=\"zh-CN\">"))
                }
            }
        }
    }

    @Test func theWindowChecklistShowsWhatTheLicenceLibraryHolds() async throws {
        try await withJiujin { app, _ in
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-county-1")
            _ = try await clerk.get("/window/items/RSJ0501")
            let held = try await clerk.post("/window/items/RSJ0501", [("kind", "person"), ("name", "刘坤"), ("idNumber", "11010519491231002X"),
                                                                       ("phone", "13812345678"), ("decision", "lookup")])
            #expect(held.status == .ok)
            #expect(held.html.components(separatedBy: "class=\"waived\">免提交").count - 1 == 2)
            #expect(held.html.contains("value=\"刘坤\""))
            let none = try await clerk.post("/window/items/RSJ0501", [("kind", "person"), ("name", "王五"), ("idNumber", "440524188001010014".replacingOccurrences(of: "440524", with: "110105")),
                                                                       ("phone", "13812345678"), ("decision", "lookup")])
            #expect(none.html.contains("证照库暂无居民身份证"))
            #expect(try await CaseModel.query(on: app.db).count() == 0)
        }
    }

    @Test func aLicenceLookupRevealsOnlyWhatTheItemCanUseAndIsLogged() async throws {
        try await withJiujin { app, c in
            // 刘坤 gets a 居住证明 too; a lookup for 就业登记 must not reveal it, only what that item's materials can use.
            let agent = try await c.login("dl-100201")
            #expect(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508")).status == .created)
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-county-1")
            _ = try await clerk.get("/window/items/RSJ0501")
            let held = try await clerk.post("/window/items/RSJ0501", [("kind", "person"), ("name", "刘坤"), ("idNumber", "11010519491231002X"),
                                                                       ("phone", "13812345678"), ("decision", "lookup")])
            #expect(held.status == .ok && !held.html.contains("居住证明"))
            try await app.jiujin.records.flush(app.db)
            let lookups = try await LicenceLookupModel.query(on: app.db).sort(\.$at).all()
            let before = try #require(lookups.first { $0.purpose == "受理前查询" })
            #expect(before.itemCode == "RSJ0501" && before.caseId == nil && !before.revealed.contains("居住证明")
                    && before.revealed.contains("居民身份证"))
            #expect(!before.holderKey.contains("11010519491231002X"))
            // The intake's own lookup names the case it filed.
            let filed = try #require(lookups.first { $0.purpose == "受理登记" })
            #expect(filed.itemCode == "MZJ0508" && filed.caseId != nil)
            #expect(try await CaseModel.find(filed.caseId, on: app.db) != nil)
        }
    }
}
