import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

@Suite struct RatingAPITests {
    /// A closed 居住证明 case of 张珊 (phone ending 5678), with its query code.
    func closedCase(_ c: TestClient) async throws -> (number: String, id: String) {
        let agent = try await c.login("dl-100201")
        let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊", id: "440524188001010014"))
        let id = try #require(r.string("id"))
        _ = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: agent, json: ["action": "deliver", "delivery": ["method": "electronic"]])
        return (try #require(r.string("number")), id)
    }

    @Test func oneRatingPerRoundAndTheResidentMustKnowThePhone() async throws {
        try await withJiujin { app, c in
            let (number, _) = try await closedCase(c)
            let code = try await queryCode(c.app, number)
            let wrongPhone = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": "AAAA-AAAA", "level": 5, "channel": "web"])
            #expect(wrongPhone.status == .notFound)
            let bad = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 9, "channel": "web"])
            #expect(bad.status == .unprocessableEntity && bad.string("field") == "level")
            let first = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 5, "channel": "qr_receipt",
                                                                          "indicators": ["一次办好", "服务态度好"], "text": "村里就办好了"])
            #expect(first.status == .created && first.int("round") == 1 && first["followUpId"] == nil)
            let again = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 1, "channel": "web"])
            #expect(again.status == .conflict && again.errorCode == "rating_refused")
            #expect(try await RatingModel.query(on: app.db).count() == 1)
        }
    }

    @Test func unfinishedCasesCannotBeRated() async throws {
        try await withJiujin { _, c in
            let agent = try await c.login("dl-100201")
            let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            let code = try await queryCode(c.app, r.string("number")!)
            let early = try await c.send(.POST, "/api/v1/ratings", json: ["number": r.string("number")!, "queryCode": code, "level": 3, "channel": "web"])
            #expect(early.status == .unprocessableEntity && early.string("message")?.contains("尚未办结") == true)
        }
    }

    @Test func aBadRatingOpensAFollowUpThatTurnsOverdueAndAllowsASecondRound() async throws {
        try await withJiujin { app, c in
            let (number, _) = try await closedCase(c)
            let code = try await queryCode(c.app, number)
            let bad = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 2, "channel": "sms", "text": "等太久"])
            #expect(bad.status == .created)
            // Rated Friday 2026-11-20: five working days → Friday 2026-11-27.
            #expect(bad.string("followUpDue") == "2026-11-27")
            let fid = try #require(bad.string("followUpId"))
            let village = try await c.login("dl-100201")
            let listed = try await c.send(.GET, "/api/v1/follow-ups", token: village)
            #expect(listed.array.count == 1 && (listed.array[0]["overdue"] as? Bool) == false)
            #expect(try await c.send(.GET, "/api/v1/follow-ups", token: try await c.login("sp-100")).array.isEmpty)
            // A week later nothing has been done: overdue, on the fixed clock.
            app.jiujin.setClock(testNow.addingTimeInterval(8 * 86_400))
            let late = try await c.send(.GET, "/api/v1/follow-ups", token: try await c.login("dl-100201"))
            #expect((late.array[0]["overdue"] as? Bool) == true)
            let agent = try await c.login("dl-100201")
            let tooEarly = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 4, "channel": "web"])
            #expect(tooEarly.status == .conflict && tooEarly.string("message")?.contains("回访") == true)
            let resolveFirst = try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: agent, json: ["action": "resolve", "outcome": "explained", "note": "x"])
            #expect(resolveFirst.status == .unprocessableEntity)
            #expect(try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: agent, json: ["action": "verify", "note": "已电话联系申请人"]).string("status") == "verified")
            let stale = try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: agent,
                                         json: ["action": "resolve", "outcome": "explained", "note": "x", "expectedVersion": 1])
            #expect(stale.status == .conflict)
            let resolved = try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: agent,
                                            json: ["action": "resolve", "outcome": "fixed_at_once", "note": "已优化站点排队"])
            #expect(resolved.string("status") == "resolved" && (resolved["overdue"] as? Bool) == false)
            let second = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 4, "channel": "web"])
            #expect(second.status == .created && second.int("round") == 2)
            #expect(try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 4, "channel": "web"]).status == .conflict)
        }
    }

    @Test func onlyASupervisorJudgesARatingInvalid() async throws {
        try await withJiujin { _, c in
            let (number, _) = try await closedCase(c)
            let code = try await queryCode(c.app, number)
            let bad = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 1, "channel": "web", "text": "广告"])
            let fid = try #require(bad.string("followUpId"))
            let agent = try await c.login("dl-100201")
            // A role the rule does not allow is refused as forbidden, as for cases (one error mapping).
            #expect(try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: agent, json: ["action": "judge_invalid", "note": "恶意"]).status == .forbidden)
            #expect(try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: try await c.login("dl-100202"), json: ["action": "verify", "note": "x"]).status == .notFound)
            let judged = try await c.send(.POST, "/api/v1/follow-ups/\(fid)/actions", token: try await c.login("jiandu"),
                                          json: ["action": "judge_invalid", "note": "内容与办件无关，属恶意差评"])
            #expect(judged.string("status") == "judged_invalid")
        }
    }

    @Test func theWindowDeviceAndTheReceiptQRPagesRate() async throws {
        try await withJiujin { app, c in
            let (number, id) = try await closedCase(c)
            let code = try await queryCode(c.app, number)
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            // The agent's own browser cannot rate: the old form now only offers to send the case to a device.
            let push = try await web.get("/window/rate/\(id)")
            #expect(push.status == .ok && push.html.contains("尚未配对评价器"))
            #expect(try await web.post("/window/rate/\(id)", [("level", "5"), ("indicators[]", "一次办好")]).status != .ok)
            #expect(try await RatingModel.query(on: app.db).count() == 0)
            let resident = WebClient(app: app)
            let page = try await resident.get("/r?n=\(number)&c=qr")
            #expect(page.status == .ok)
            let once = try await resident.post("/r", [("number", number), ("queryCode", code), ("level", "5"), ("channel", "qr_receipt")])
            #expect(once.status == .ok && once.html.contains("感谢您的评价"))
            #expect(try await RatingModel.query(on: app.db).first()?.channel == "qr_receipt")
            _ = try await resident.get("/r?n=\(number)&c=qr")
            let twice = try await resident.post("/r", [("number", number), ("queryCode", code), ("level", "5"), ("channel", "qr_receipt")])
            #expect(twice.status == .conflict && twice.html.contains("已评价"))
            let forged = try await WebClient(app: app).post("/r", [("number", number), ("queryCode", code), ("level", "1")], withCSRF: false)
            #expect(forged.status == .forbidden)
            let receipt = try await web.get("/cases/\(id)/receipt")
            #expect(receipt.html.contains("id=\"receipt-qr\"") && receipt.html.contains("<svg"))
        }
    }

    @Test func theQueryCodeCannotBeGuessedAndEveryFailureAnswersAlike() async throws {
        try await withJiujin { app, c in
            let (number, id) = try await closedCase(c)
            let code = try await queryCode(app, number)
            #expect(QueryCode.normalize(code) != nil && code.count == 9)
            // An invalid rating is refused before the code is looked at: right and wrong codes answer the same.
            let zeroRight = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 0, "channel": "web"])
            let zeroWrong = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": "AAAA-AAAA", "level": 0, "channel": "web"])
            #expect(zeroRight.status == zeroWrong.status && zeroRight.text == zeroWrong.text)
            // A wrong code, a malformed one and a number nobody has: one answer.
            let other = "990101-20261120-999999"
            var answers: [String] = []
            for (n, q) in [(number, "AAAA-AAAA"), (number, "1234"), (other, code)] {
                let r = try await c.send(.POST, "/api/v1/ratings", json: ["number": n, "queryCode": q, "level": 5, "channel": "web"])
                #expect(r.status == .notFound)
                answers.append(r.text)
            }
            #expect(Set(answers).count == 1)
            // Five wrong codes rest the case number: then even the right code answers the same refusal.
            for _ in 0..<3 { _ = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": "BBBB-BBBB", "level": 5, "channel": "web"]) }
            let resting = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": code, "level": 5, "channel": "web"])
            #expect(resting.status == .notFound && resting.text == answers[0])
            #expect(try await RatingModel.query(on: app.db).count() == 0)
            #expect(app.jiujin.queryCodes.wait(number: number) ?? 0 > 800)
            // The receipt prints the code and its QR carries it; the page opened from the QR is filled in.
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            let receipt = try await web.get("/cases/\(id)/receipt")
            #expect(receipt.html.contains(code))
            let plain = code.replacingOccurrences(of: "-", with: "")
            let page = try await WebClient(app: app).get("/r?n=\(number)&c=qr&q=\(plain)")
            #expect(page.html.contains("value=\"\(plain)\""))
            // Lower case with spaces is the same code, once the case number has rested.
            app.jiujin.queryCodes.succeeded(number: number)
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let rated = try await c.send(.POST, "/api/v1/ratings", json: ["number": number, "queryCode": typed, "level": 5, "channel": "web"])
            #expect(rated.status == .created, "\(rated.text)")
        }
    }

    @Test func anOnlineApplicantGetsTheQueryCode() async throws {
        try await withJiujin { app, c in
            let body: [String: Any] = ["itemCode": "SCJ0701", "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X",
                                                                             "phone": "13812345678"], "regionCode": "990101100201"]
            let r = try await c.send(.POST, "/api/v1/applications", token: try await c.resident(), json: body)
            guard r.status == .created else { Issue.record("\(r.text)"); return }
            let code = try #require(r.string("queryCode"))
            #expect(try await queryCode(app, try #require(r.string("number"))) == code)
        }
    }

    @Test func onlyAPairedDeviceAtTheWindowRecordsAWindowRating() async throws {
        try await withJiujin { app, c in
            let (number, id) = try await closedCase(c)
            // The administrator registers a device at the village station and gets a one-time pairing code.
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/devices")
            let registered = try await admin.post("/admin/devices", [("pointId", "sp-100201"), ("name", "王官庄评价器")])
            let code = try #require(registered.html.range(of: #"class="code-big">([A-Z0-9-]+)<"#, options: .regularExpression)
                .map { String(registered.html[$0]).replacingOccurrences(of: "class=\"code-big\">", with: "").dropLast() }.map(String.init))
            // A supervisor cannot register devices; a wrong code pairs nothing; a signed-in browser cannot pair.
            let supervisor = WebClient(app: app)
            _ = try await supervisor.signIn("jiandu")
            #expect(try await supervisor.get("/admin/devices").status == .forbidden)
            let tablet = WebClient(app: app)
            _ = try await tablet.get("/device")
            #expect(try await tablet.post("/device/pair", [("code", "AAAA-AAAA")]).status == .unauthorized)
            _ = try await tablet.get("/device")
            #expect(try await tablet.post("/device/pair", [("code", code.lowercased())]).location == "/device")
            #expect(try await tablet.get("/device").html.contains("id=\"device-waiting\""))
            let second = WebClient(app: app)
            _ = try await second.get("/device")
            #expect(try await second.post("/device/pair", [("code", code)]).status == .unauthorized) // used once
            // The agent sends the case to the device; only the device rates it.
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            let push = try await agent.get("/window/rate/\(id)")
            #expect(push.status == .ok)
            let deviceId = try #require(try await RatingDeviceModel.query(on: app.db).first()?.id)
            #expect(push.html.contains(deviceId))
            // An agent of another village cannot push to it, nor see the case.
            let stranger = WebClient(app: app)
            _ = try await stranger.signIn("dl-107201")
            _ = try await stranger.get("/")
            #expect(try await stranger.post("/window/rate/\(id)", [("deviceId", deviceId)]).status == .notFound)
            let sent = try await agent.post("/window/rate/\(id)", [("deviceId", deviceId)])
            #expect(sent.status == .seeOther && sent.location?.contains("done=device") == true)
            let form = try await tablet.get("/device")
            #expect(form.html.contains("id=\"device-rate\"") && form.html.contains(number))
            // The agent's browser posting to the device route is refused, even with the device's cookie.
            agent.cookies[RatingDeviceRoutes.cookie] = tablet.cookies[RatingDeviceRoutes.cookie]
            _ = try await agent.get("/")
            #expect(try await agent.post("/device/rate", [("caseId", id), ("level", "5")]).status == .forbidden)
            #expect(try await RatingModel.query(on: app.db).count() == 0)
            let rated = try await tablet.post("/device/rate", [("caseId", id), ("level", "5"), ("indicators[]", "服务态度好")])
            #expect(rated.status == .ok && rated.html.contains("感谢您的评价"))
            #expect(try await RatingModel.query(on: app.db).first()?.channel == "window_device")
            #expect(try await tablet.get("/device").html.contains("id=\"device-waiting\""))
            // A revoked device rates nothing more.
            _ = try await admin.get("/admin/devices")
            _ = try await admin.post("/admin/devices/\(deviceId)/revoke", [])
            _ = try await tablet.get("/device")
            #expect(try await tablet.post("/device/rate", [("caseId", id), ("level", "1")]).status == .unauthorized)
        }
    }
}
