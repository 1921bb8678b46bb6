import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

@Suite struct CaseAPITests {
    func act(_ c: TestClient, _ id: String, _ token: String, _ action: String, _ extra: [String: Any] = [:]) async throws -> Reply {
        var body: [String: Any] = ["action": action]
        for (k, v) in extra { body[k] = v }
        return try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: token, json: body)
    }

    @Test func villageAgentFilesAndTheTownApprovesUnderItsSeal() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(created.status == .created)
            let id = try #require(created.string("id"))
            #expect(created.string("status") == "accepted")
            #expect(created.string("channel") == "village_agent")
            #expect(created.string("decidingOrgId") == "town-100")
            #expect(created.string("sealNumber") == "审批专用章(03)")
            #expect(created.string("acceptedOn") == "2026-11-20")
            #expect(created.string("deadline") == "2026-11-23") // 1 working day after a Friday
            #expect(created.string("number")?.hasPrefix("990101-20261120-") == true)
            let approver = try await c.login("sp-100")
            #expect(try await act(c, id, approver, "start_review").string("stage") == "审查")
            #expect(try await act(c, id, approver, "approve").errorCode == "stages_pending")
            #expect(try await act(c, id, approver, "pass_stage").string("stage") == "决定")
            #expect(try await act(c, id, approver, "pass_stage").errorCode == "last_stage")
            let approved = try await act(c, id, approver, "approve", ["comment": "准予登记"])
            #expect(approved.status == .ok)
            #expect(approved.string("status") == "approved")
            let decision = approved.list("events").last
            #expect((decision?["details"] as? [String: String])?["seal"] == "审批专用章(03)")
            #expect((decision?["details"] as? [String: String])?["delegation"] == "青禾市监发〔2026〕2号")
            let closed = try await act(c, id, agent, "deliver", ["delivery": ["method": "agent", "collectorName": "刘坤"]])
            #expect(closed.string("status") == "closed") // delivering closes the case
            #expect(closed.list("events").map { $0["action"] as? String } ==
                ["accept", "start_review", "pass_stage", "approve", "deliver", "close"])
            #expect(try await act(c, id, agent, "close").errorCode == "invalid_transition")
            let report = try await AuditVerifier.verify(app)
            #expect(report.firstProblem == nil && report.eventsChecked == 6)
        }
    }

    @Test func anAgentOfAnotherVillageSeesAndChangesNothing() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let other = try await c.login("dl-100202")
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)", token: other).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)/applicant", token: other).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/cases", token: other).int("count") == 0)
            #expect(try await act(c, id, other, "withdraw", ["reason": "不办了"]).status == .notFound)
            // Another town's clerk and an unrelated bureau see nothing either.
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)", token: try await c.login("ck-101")).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)", token: try await c.login("sp-gaj")).status == .notFound)
            // Its own town and the supervisor do.
            #expect(try await c.send(.GET, "/api/v1/cases", token: try await c.login("ck-100")).int("count") == 1)
            #expect(try await c.send(.GET, "/api/v1/cases", token: try await c.login("jiandu")).int("count") == 1)
            let after = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            #expect(after.int("version") == 1 && after.list("events").count == 1)
        }
    }

    @Test func aTownCannotDecideWhatIsNotDelegatedToIt() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-100")
            // 门诊慢特病待遇认定 is accepted in towns but decided by the county medical insurance bureau.
            let r = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("YBJ0503", extra: ["regionCode": "990101100203"]))
            #expect(r.string("decidingOrgId") == "dept-ybj")
            let id = try #require(r.string("id"))
            let townApprover = try await c.login("sp-100")
            let denied = try await act(c, id, townApprover, "start_review")
            #expect(denied.status == .forbidden)
            // The tobacco delegation to 青石镇 expired at the end of 2025.
            let tobacco = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("YCJ0101"))
            #expect(tobacco.string("decidingOrgId") == "dept-ycj")
            let tid = try #require(tobacco.string("id"))
            #expect(try await act(c, tid, townApprover, "start_review").status == .forbidden)
            #expect(try await act(c, tid, try await c.login("sp-ycj"), "start_review").string("status") == "under_review")
            #expect(try await act(c, id, try await c.login("sp-ybj"), "start_review").string("status") == "under_review")
        }
    }

    @Test func revokingADelegationStopsTheTownAtOnce() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let approver = try await c.login("sp-100")
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            let del = try #require(try await DelegationModel.find("del-scjg-100", on: app.db))
            del.revokedOn = "2026-11-20"
            del.revokeReason = "测试撤销"
            try await del.save(on: app.db)
            let refused = try await act(c, id, approver, "pass_stage")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "not_authorized")
            let after = try await c.send(.GET, "/api/v1/cases/\(id)", token: approver)
            #expect(after.int("stageIndex") == 0 && after.list("events").count == 2)
        }
    }

    @Test func invalidTransitionsAreRefusedAndChangeNothing() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let approver = try await c.login("sp-100")
            let attempts: [(String, String, [String: Any], HTTPStatus, String)] = [
                (agent, "approve", [:], .conflict, "invalid_transition"),
                (approver, "deliver", ["delivery": ["method": "window"]], .conflict, "invalid_transition"),
                (agent, "close", [:], .conflict, "invalid_transition"),
                (agent, "accept", [:], .conflict, "invalid_transition"),
                (approver, "end_special_procedure", [:], .conflict, "invalid_transition"),
                (agent, "fly", [:], .unprocessableEntity, "unknown_action"),
                (agent, "submit", [:], .unprocessableEntity, "unknown_action"),
                (agent, "withdraw", [:], .unprocessableEntity, "reason_required"),
                (try await c.login("jiandu"), "withdraw", ["reason": "x"], .forbidden, "role_not_permitted"),
                (agent, "withdraw", ["reason": "x", "expectedVersion": 7], .conflict, "version_conflict"),
            ]
            for (token, action, extra, status, code) in attempts {
                let r = try await act(c, id, token, action, extra)
                #expect(r.status == status, "\(action): \(r.text)")
                #expect(r.errorCode == code, "\(action): \(r.text)")
                #expect(r.string("message")?.isEmpty == false)
            }
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            let byAgent = try await act(c, id, agent, "approve")
            #expect(byAgent.status == .forbidden && byAgent.errorCode == "role_not_permitted")
            let refuse = try await act(c, id, approver, "refuse", ["reason": "  "])
            #expect(refuse.status == .unprocessableEntity && refuse.string("field") == "reason")
            let deliverBad = try await act(c, id, approver, "approve")
            #expect(deliverBad.errorCode == "stages_pending")
            let after = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            #expect(after.int("version") == 2 && after.list("events").count == 2)
            #expect(try await c.send(.POST, "/api/v1/cases/not-a-uuid/actions", token: agent, json: ["action": "close"]).status == .notFound)
            #expect(try await c.send(.POST, "/api/v1/cases/\(UUID())/actions", token: agent, json: ["action": "close"]).status == .notFound)
        }
    }

    @Test func malformedIntakesAreRefusedAndNothingIsStored() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-county-1")
            let org: [String: Any] = ["kind": "organization", "name": "青禾县某某商贸有限公司", "creditCode": "91350100M000100Y44",
                                      "legalRepresentative": "张三", "phone": "13812345678"]
            let bodies: [(Any?, String?, HTTPStatus, String, String?)] = [
                (TestClient.intake("NOPE"), nil, .unprocessableEntity, "unknown_item", "itemCode"),
                (TestClient.intake("SCJ0701", id: "110105194912310021"), nil, .unprocessableEntity, "invalid_id_number", "applicant.idNumber"),
                (TestClient.intake("SCJ0701", id: "11010519491331002X"), nil, .unprocessableEntity, "invalid_id_number", "applicant.idNumber"),
                (TestClient.intake("SCJ0701", phone: "12345"), nil, .unprocessableEntity, "invalid_phone", "applicant.phone"),
                (TestClient.intake("SCJ0701", name: " "), nil, .unprocessableEntity, "invalid_field", "applicant.name"),
                (["itemCode": "SCJ0706", "applicant": org], nil, .unprocessableEntity, "invalid_credit_code", "applicant.creditCode"),
                (TestClient.intake("SCJ0701", extra: ["pointId": "sp-nowhere"]), nil, .unprocessableEntity, "unknown_point", "pointId"),
                (TestClient.intake("SCJ0701", extra: ["pointId": "sp-100201"]), nil, .forbidden, "forbidden", nil),
                (TestClient.intake("SCJ0701", extra: ["regionCode": "990101999999"]), nil, .unprocessableEntity, "invalid_field", "regionCode"),
                (TestClient.intake("SCJ0701", extra: ["channel": "pigeon"]), nil, .unprocessableEntity, "invalid_channel", "channel"),
                (TestClient.intake("SCJ0701", extra: ["decision": "maybe"]), nil, .unprocessableEntity, "invalid_field", "decision"),
                (TestClient.intake("SCJ0701", extra: ["materials": [["name": "户口本的照片", "provided": true]]]), nil,
                 .unprocessableEntity, "unknown_material", "materials.0.name"),
                (TestClient.intake("SCJ0701", extra: ["materials": [["name": "经营场所使用证明", "provided": false]]]), nil,
                 .unprocessableEntity, "materials_missing", "materials"),
                (TestClient.intake("SCJ0701", extra: ["decision": "reject_at_intake"]), nil, .unprocessableEntity, "reason_required", "reason"),
                (nil, "{\"itemCode\": ", .badRequest, "malformed_json", nil),
                (nil, "[]", .badRequest, "invalid_field", nil),
                (["applicant": ["kind": "person"]], nil, .badRequest, "missing_field", "itemCode"),
                (["itemCode": 5, "applicant": [:]], nil, .badRequest, "invalid_field", "itemCode"),
                (["itemCode": "SCJ0701", "applicant": ["kind": "alien", "name": "x", "phone": "13812345678"]], nil,
                 .unprocessableEntity, "invalid_field", "applicant.kind"),
            ]
            for (json, raw, status, code, field) in bodies {
                let r = try await c.send(.POST, "/api/v1/cases", token: clerk, json: json, raw: raw)
                #expect(r.status == status, "\(json ?? raw ?? ""): \(r.text)")
                #expect(r.errorCode == code, "\(json ?? raw ?? ""): \(r.text)")
                if let field { #expect(r.string("field") == field, "\(r.text)") }
                #expect(r.string("message")?.isEmpty == false)
            }
            let plain = try await c.send(.POST, "/api/v1/cases", token: clerk, raw: "itemCode=SCJ0701", contentType: "text/plain")
            #expect(plain.status.code >= 400 && plain.status.code < 500 && plain.errorCode != nil)
            #expect(try await c.send(.POST, "/api/v1/cases", json: TestClient.intake("SCJ0701")).status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/cases", token: "forged", json: TestClient.intake("SCJ0701")).status == .unauthorized)
            let stored = try await c.counts()
            #expect(stored.cases == 0 && stored.events == 0)
        }
    }

    @Test func twoClerksAcceptingTheSameCaseAtOnceOneWins() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let clerk = try await c.login("ck-100")
            let resident = try await c.resident()
            for round in 0..<5 {
                let submitted = try await c.send(.POST, "/api/v1/applications", token: resident, json: [
                    "itemCode": "SCJ0701", "regionCode": "990101100201",
                    "applicant": ["kind": "person", "name": "刘坤\(round)", "idNumber": "11010519491231002X", "phone": "13812345678"],
                ])
                #expect(submitted.status == .created)
                let id = try #require(submitted.string("id"))
                async let a = act(c, id, agent, "accept", ["expectedVersion": 1])
                async let b = act(c, id, clerk, "accept", ["expectedVersion": 1])
                let statuses = [try await a.status.code, try await b.status.code].sorted()
                #expect(statuses == [200, 409], "round \(round)")
                let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: clerk)
                #expect(detail.list("events").map { $0["action"] as? String } == ["submit", "accept"])
                #expect(detail.int("version") == 2)
            }
            // Without an expected version the second accept still fails: the case is no longer waiting.
            let submitted = try await c.send(.POST, "/api/v1/applications", token: resident, json: [
                "itemCode": "SCJ0701", "regionCode": "990101100201",
                "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X", "phone": "13812345678"],
            ])
            let id = try #require(submitted.string("id"))
            async let a = act(c, id, agent, "accept")
            async let b = act(c, id, clerk, "accept")
            #expect([try await a.status.code, try await b.status.code].sorted() == [200, 409])
        }
    }

    @Test func caseNumbersStayUniqueUnderConcurrentIntake() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-county-1")
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        // A 503 is the server shedding load before anything is written (on a machine busy with the
                        // whole PostgreSQL suite a connection may not come in time); a client tries again.
                        for _ in 0..<5 {
                            let r = try await c.send(.POST, "/api/v1/cases", token: clerk,
                                                     json: TestClient.intake("GAJ0707", extra: ["comment": "并发\(i)"]))
                            if r.status != .serviceUnavailable { return r.string("number") }
                            try await Task.sleep(for: .milliseconds(200))
                        }
                        return nil
                    }
                }
                var out: [String] = []
                for try await n in group { if let n { out.append(n) } }
                return out
            }
            #expect(numbers.count == 20)
            #expect(Set(numbers).count == 20)
            #expect(Set(numbers.compactMap { CaseNumber($0)?.sequence }) == Set(1...20))
        }
    }

    @Test func aOneTimeNoticeStopsTheClockAndTheSupplementStartsIt() async throws {
        try await withJiujin { app, c in
            let clerk = try await c.login("ck-county-1")
            let body = TestClient.intake("YBJ0503", extra: [
                "decision": "request_supplement", "regionCode": "990101100201",
                "materials": [["name": "认定申请表", "provided": true], ["name": "二级以上医院诊断证明", "provided": false],
                              ["name": "病历资料", "provided": false]],
            ])
            let notice = try await c.send(.POST, "/api/v1/cases", token: clerk, json: body)
            #expect(notice.status == .created)
            #expect(notice.string("status") == "needs_supplement")
            #expect(notice.string("reason") == "请补正以下材料：二级以上医院诊断证明、病历资料")
            #expect(notice["acceptedOn"] == nil || notice["acceptedOn"] is NSNull)
            let id = try #require(notice.string("id"))
            // The resident comes back on Tuesday with the papers: the 10-day clock starts then.
            app.jiujin.setClock(testNow.addingTimeInterval(4 * 86_400))
            let expired = try await act(c, id, clerk, "supplement")
            #expect(expired.status == .unauthorized) // tokens last 12 hours
            let accepted = try await act(c, id, try await c.login("ck-county-1"), "supplement", ["comment": "材料已补齐"])
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.string("status") == "accepted")
            #expect(accepted.string("acceptedOn") == "2026-11-24")
            #expect(accepted.string("deadline") == "2026-12-08")
            let approver = try await c.login("sp-ybj")
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            #expect(try await act(c, id, approver, "start_special_procedure", ["reason": "专家认定"]).string("status") == "special_procedure")
            // Three working days of expert review push the deadline by three working days.
            app.jiujin.setClock(testNow.addingTimeInterval(7 * 86_400))
            let approver2 = try await c.login("sp-ybj")
            let paused = try await c.send(.GET, "/api/v1/cases/\(id)", token: approver2)
            #expect(paused["paused"] as? Bool == true)
            #expect(paused.string("deadline") == "2026-12-11")
            let resumed = try await act(c, id, approver2, "end_special_procedure")
            #expect(resumed.string("deadline") == "2026-12-11")
            #expect(resumed["paused"] as? Bool == false)
            app.jiujin.setClock(testNow.addingTimeInterval(22 * 86_400))
            let late = try await c.send(.GET, "/api/v1/cases/\(id)", token: try await c.login("sp-ybj"))
            #expect(late.string("light") == "red")
            #expect(late.int("workingDaysLeft") == -1) // Saturday after a Friday deadline
        }
    }

    @Test func instantItemsAreDecidedAtTheWindow() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊"))
            #expect(r.status == .created)
            #expect(r.string("status") == "approved")
            #expect(r.string("decidingOrgId") == "village-100201")
            #expect(r.list("events").map { $0["action"] as? String } == ["accept", "approve"])
            // 居住证明 is the village's own; the town clerk cannot issue it for a village.
            let town = try await c.send(.POST, "/api/v1/cases", token: try await c.login("ck-100"), json: TestClient.intake("MZJ0508"))
            #expect(town.status == .forbidden)
        }
    }

    @Test func personalDataIsMaskedAndUnmaskedReadsAreLogged() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let list = try await c.send(.GET, "/api/v1/cases", token: agent)
            #expect(list.text.contains("刘*") && !list.text.contains("刘坤"))
            let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: agent)
            #expect(!detail.text.contains("11010519491231002X") && !detail.text.contains("13812345678"))
            let full = try await c.send(.GET, "/api/v1/cases/\(id)/applicant?purpose=核对身份", token: agent)
            #expect(full.string("idNumber") == "11010519491231002X")
            // The read is buffered and written with the next batch (at most a second later; flushed here at once).
            try await app.jiujin.records.flush(app.db)
            #expect(try await DataAccessLogModel.query(on: app.db).count() == 1)
        }
    }

    @Test func loginSlowsAfterRepeatedFailures() async throws {
        try await withJiujin { _, c in
            for _ in 0..<5 {
                let r = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": "wrong"])
                #expect(r.status == .unauthorized && r.errorCode == "invalid_credentials")
            }
            let slowed = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": DemoCounty.demoPassword])
            #expect(slowed.status == .tooManyRequests && slowed.errorCode == "too_many_attempts")
            let unknown = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "x"])
            #expect(unknown.status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/auth/token", raw: "{").status == .badRequest)
            let token = try await c.login("ck-101")
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: token).string("role") == "window_clerk")
            #expect(try await c.send(.DELETE, "/api/v1/auth/token", token: token).status == .noContent)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: token).status == .unauthorized)
        }
    }

    @Test func deliveryChecksTheCollectorAndExpressNeedsATrackingNumber() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊"))
            let id = try #require(r.string("id"))
            let bad: [([String: Any], String)] = [
                (["method": "window", "collectorName": "张珊"], "delivery.collectorIdNumber"),
                (["method": "window", "collectorName": "张珊", "collectorIdNumber": "110105194912310021"], "delivery.collectorIdNumber"),
                (["method": "window", "collectorIdNumber": "11010519491231002X"], "delivery.collectorName"),
                (["method": "express", "carrier": "EMS"], "delivery.trackingNumber"),
                (["method": "express", "trackingNumber": "EM1"], "delivery.carrier"),
                (["method": "pigeon"], "delivery.method"),
            ]
            for (delivery, field) in bad {
                let e = try await act(c, id, agent, "deliver", ["delivery": delivery])
                #expect(e.status == .unprocessableEntity && e.string("field") == field, "\(delivery): \(e.text)")
            }
            let ok = try await act(c, id, agent, "deliver", ["delivery": ["method": "window", "collectorName": "张珊",
                                                                          "collectorIdNumber": "440524188001010014"]])
            #expect(ok.string("status") == "closed")
            let details = ok.list("events").first { $0["action"] as? String == "deliver" }?["details"] as? [String: String]
            #expect(details?["collectorId"] == "440***********0014")
        }
    }

    @Test func approversHandCasesToTheirBackupOnly() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let approver = try await c.login("sp-100")
            #expect(try await act(c, id, approver, "start_review").status == .ok)
            let outsider = try await act(c, id, approver, "reassign", ["assigneeId": "u-sp-101"])
            #expect(outsider.status == .unprocessableEntity && outsider.string("field") == "assigneeId")
            #expect(try await act(c, id, agent, "reassign", ["assigneeId": "u-sp-100-b"]).errorCode == "role_not_permitted")
            let handed = try await act(c, id, approver, "reassign", ["assigneeId": "u-sp-100-b"])
            #expect(handed.status == .ok && handed.string("status") == "under_review")
            #expect(handed.list("events").last?["action"] as? String == "reassign")
            let supervisor = try await c.login("jiandu")
            #expect(try await act(c, id, supervisor, "reassign", ["assigneeId": "u-sp-100"]).status == .ok)
        }
    }

    @Test func anAgentFilingThroughTheAPIMustGiveTheResidentsAuthorization() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701", extra: ["authorization": NSNull()]))
            #expect(r.status == .unprocessableEntity && r.errorCode == "authorization_required" && r.field == "authorization")
            #expect(try await c.counts().cases == 0)
            // A clerk at the window gives none; one who sends it is told it is the agent's.
            let clerk = try await c.login("ck-100")
            let wrong = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("SCJ0701", extra: ["authorization": TestClient.authorization]))
            #expect(wrong.status == .unprocessableEntity && wrong.field == "authorization")
        }
    }
}
