import Foundation
import JiujinCore
@testable import JiujinServer
import SQLKit
import Testing
import VaporTesting

/// The resident portal: sign-in by code and its abuse limits, what a resident may see, applying online with files,
/// the pre-review notice answered online, following a case by number and code, complaints, the elderly mode.
@Suite struct ResidentPortalTests {
    /// Signs a browser in on the portal by the code the outbox holds.
    func signIn(_ web: WebClient, _ app: Application, phone: String = "13812345678") async throws {
        try await web.get("/portal/signin")
        let sent = try await web.post("/portal/signin/code", [("phone", phone), ("next", "/portal/mine")])
        #expect(sent.status == .ok && sent.html.contains("验证码已发送"), "\(sent.html.prefix(400))")
        let done = try await web.post("/portal/signin", [("phone", phone), ("code", try await signInCode(app, phone)), ("next", "/portal/mine")])
        #expect(done.status == .seeOther && done.location?.hasPrefix("/portal/mine") == true, "\(done.status) \(done.html.prefix(300))")
    }

    @Test func aCodeIsVoidAfterFiveWrongTriesAndAfterFiveMinutes() async throws {
        try await withJiujin { app, c in
            #expect(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000001"]).status == .accepted)
            let code = try await signInCode(app, "13800000001")
            // A county with a gateway never shows the code; the demo without one does (its tests have none).
            #expect(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000009"]).string("demoCode")?.count == 6)
            let wrong = code == "000000" ? "111111" : "000000"
            for i in 0..<5 {
                let r = try await c.send(.POST, "/api/v1/resident/token", json: ["phone": "13800000001", "code": wrong])
                #expect(r.status == .unauthorized || r.status == .unprocessableEntity, "try \(i): \(r.text)")
                #expect(r.string("message")?.isEmpty == false)
            }
            // The sixth try, now with the right code, is refused: the code is void.
            let late = try await c.send(.POST, "/api/v1/resident/token", json: ["phone": "13800000001", "code": code])
            #expect(late.status != .created, "\(late.text)")
            // A code five minutes and a second old no longer signs in.
            #expect(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000002"]).status == .accepted)
            let fresh = try await signInCode(app, "13800000002")
            app.jiujin.setClock(testNow.addingTimeInterval(301))
            let expired = try await c.send(.POST, "/api/v1/resident/token", json: ["phone": "13800000002", "code": fresh])
            #expect(expired.status != .created && expired.string("message")?.contains("过期") == true, "\(expired.text)")
            // Codes are stored as keyed hashes, never as digits.
            let stored = try await sqlDatabase(app.db).raw("SELECT code_hash FROM resident_codes").all()
                .map { try $0.decode(column: "code_hash", as: String.self) }
            #expect(!stored.isEmpty && !stored.contains(fresh) && !stored.contains(code))
        }
    }

    @Test func aNumberGetsFiveCodesAnHourAndAnAddressIsLimited() async throws {
        try await withJiujin { app, c in
            for i in 0..<5 {
                #expect(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000003"]).status == .accepted, "code \(i)")
            }
            let sixth = try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000003"])
            #expect(sixth.status == .tooManyRequests && sixth.string("message")?.isEmpty == false, "\(sixth.text)")
            // Only the latest code works.
            let latest = try await sqlDatabase(app.db).raw("SELECT COUNT(*) AS n FROM resident_codes WHERE used_at IS NULL").first()?
                .decode(column: "n", as: Int.self)
            #expect(latest == 1)
            // An hour later the number may have codes again.
            app.jiujin.setClock(testNow.addingTimeInterval(3601))
            #expect(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "13800000003"]).status == .accepted)
            // One address asking for codes for many numbers runs into its limit.
            var statuses: [HTTPStatus] = []
            for i in 0..<Int(RateDoor.residentSignIn.limits.burst) + 2 {
                statuses.append(try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "1390000\(String(format: "%04d", i))"]).status)
            }
            #expect(statuses.contains(.tooManyRequests))
            let bad = try await c.send(.POST, "/api/v1/resident/codes", json: ["phone": "12345"])
            #expect(bad.status.code >= 400 && bad.status.code < 500)
        }
    }

    @Test func aResidentSeesOnlyTheCasesFiledWithTheirPhone() async throws {
        try await withJiujin { app, c in
            let mine = try await c.resident("13812345678")
            let theirs = try await c.resident("13912345678")
            let body: [String: Any] = ["itemCode": "SCJ0701", "regionCode": "990101100201",
                                       "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X", "phone": "13700000000"]]
            let filed = try await c.send(.POST, "/api/v1/applications", token: mine, json: body)
            #expect(filed.status == .created, "\(filed.text)")
            let id = try #require(filed.string("id"))
            // The phone is the signed-in resident's, whatever the body says.
            let stored = try #require(try await CaseRows.find(UUID(uuidString: id)!, cipher: app.jiujin.cipher, on: try sqlDatabase(app.db)))
            #expect(stored.applicant.phone == "13812345678" && stored.status == .submitted && stored.pointId == "sp-town-100")
            #expect(try await c.send(.GET, "/api/v1/resident/cases", token: mine).int("count") == 1)
            #expect(try await c.send(.GET, "/api/v1/resident/cases", token: theirs).int("count") == 0)
            #expect(try await c.send(.GET, "/api/v1/resident/cases/\(id)", token: mine).string("statusLabel") == "待预审")
            #expect(try await c.send(.GET, "/api/v1/resident/cases/\(id)", token: theirs).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/resident/cases/\(id)").status == .unauthorized)
            #expect(try await c.send(.GET, "/api/v1/resident/cases", token: try await c.login("ck-100")).status == .unauthorized)
            // A resident's token opens no staff door.
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)", token: mine).status == .unauthorized)
            let messages = try await c.send(.GET, "/api/v1/resident/messages", token: mine)
            #expect(messages.list("messages").contains { ($0["kind"] as? String) == "sign_in_code" && !(($0["text"] as? String) ?? "").contains(where: \.isNumber) })
            #expect(try await c.send(.POST, "/api/v1/resident/logout", token: mine).status == .noContent)
            #expect(try await c.send(.GET, "/api/v1/resident/cases", token: mine).status == .unauthorized)
        }
    }

    @Test func anOnlineApplicationNeedsAResidentAndNamesItsBadField() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-county-1")
            let online: [(Any, String)] = [
                (["itemCode": "SCJ0701", "regionCode": "123", "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X", "phone": "13812345678"]], "regionCode"),
                (["itemCode": "MZJ0506", "regionCode": "990101100201", "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X", "phone": "13812345678"]], "itemCode"),
                (["itemCode": "SCJ0701", "regionCode": "990101100201", "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002", "phone": "13812345678"]], "applicant.idNumber"),
                (["itemCode": "SCJ0701", "regionCode": "990101100201", "applicant": ["kind": "person", "name": "刘坤", "idNumber": "11010519491231002X", "phone": "13812345678"],
                  "delivery": ["method": "pigeon"]], "delivery.method"),
            ]
            // Without a resident's token, or with a staff member's, nothing is filed.
            #expect(try await c.send(.POST, "/api/v1/applications", json: online[0].0).status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/applications", token: clerk, json: online[0].0).status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/applications", token: "rsd_forged", json: online[0].0).status == .unauthorized)
            let resident = try await c.resident()
            for (json, field) in online {
                let r = try await c.send(.POST, "/api/v1/applications", token: resident, json: json)
                #expect(r.status == .unprocessableEntity && r.string("field") == field, "\(r.text)")
            }
            #expect(try await c.counts().cases == 0)
        }
    }

    @Test func casesFiledBeforeThePortalAreFoundByTheirApplicantsPhone() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let filed = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", phone: "13812345670"))
            #expect(filed.status == .created)
            // As a database from before the portal holds it: no phone hash on the row, the pass not yet run.
            let sql = try sqlDatabase(app.db)
            try await sql.raw("UPDATE cases SET applicant_phone_hash = NULL").run()
            try await sql.raw("DELETE FROM data_upgrades WHERE name = 'phone-lookup-v1'").run()
            let token = try await c.resident("13812345670")
            #expect(try await c.send(.GET, "/api/v1/resident/cases", token: token).int("count") == 0)
            try await StoredDataUpgrades.run(app.db, ctx: app.jiujin)
            let listed = try await c.send(.GET, "/api/v1/resident/cases", token: token)
            #expect(listed.int("count") == 1 && listed.list("cases").first?["number"] as? String == filed.string("number"), "\(listed.text)")
            // Decided at once with a licence (居住证明): it is among the resident's certificates.
            let certificates = try await c.send(.GET, "/api/v1/resident/certificates", token: token)
            // (the demo's licence library already holds this ID number's 居民身份证 and 户口簿)
            #expect(certificates.list("certificates").contains { $0["type"] as? String == "居住证明" && $0["holder"] as? String == "刘*" },
                    "\(certificates.text)")
        }
    }

    @Test func anOnlineApplicationWithFilesGoesThroughPreReviewAndAnOnlineSupplement() async throws {
        try await withJiujin { app, c in
            let web = WebClient(app: app)
            try await signIn(web, app)
            let form = try await web.get("/portal/apply/SCJ0701")
            #expect(form.status == .ok && form.html.contains("name=\"m1[]\"") && form.html.contains("accept=\"image/jpeg,image/png,application/pdf\""))
            let fields = [("kind", "person"), ("name", "刘坤"), ("idNumber", "11010519491231002X"), ("regionCode", "990101100201"),
                          ("deliveryMethod", "pickup"), ("deliveryPoint", "")]
            // A required material without its scan is refused inline; nothing is stored.
            let missing = try await web.upload("/portal/apply/SCJ0701", files: [("m0[]", "id.png", samplePNG)], fields: fields)
            #expect(missing.status == .unprocessableEntity && missing.html.contains("请上传"), "\(missing.status)")
            // A text file named like a photo is refused by its content.
            let disguised = try await web.upload("/portal/apply/SCJ0701", files: [("m0[]", "id.png", samplePNG), ("m1[]", "form.jpg", Data("hello".utf8)),
                                                                                  ("m2[]", "lease.pdf", samplePDF)], fields: fields)
            #expect(disguised.status.code >= 400 && disguised.status.code < 500 && disguised.html.contains("class=\"error\""))
            #expect(try await c.counts().cases == 0)
            let done = try await web.upload("/portal/apply/SCJ0701", files: [("m0[]", "id.png", samplePNG), ("m1[]", "form.pdf", samplePDF),
                                                                             ("m2[]", "lease.pdf", samplePDF)], fields: fields)
            #expect(done.status == .seeOther, "\(done.status) \(done.html.prefix(500))")
            let location = try #require(done.location)
            let id = String(location.dropFirst("/portal/cases/".count).prefix(36))
            let page = try await web.get(location)
            #expect(page.html.contains("待预审") && page.html.contains("查询密码"))
            let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: try await c.login("ck-100"))
            #expect(detail.list("events").filter { ($0["action"] as? String) == "attach_material" }.count == 3, "\(detail.text.prefix(400))")
            // The town's window sees it in pre-review; another town's does not.
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            #expect(try await clerk.get("/prereview").html.contains(id))
            let other = WebClient(app: app)
            _ = try await other.signIn("ck-101")
            #expect(try await other.get("/prereview").html.contains(id) == false)
            #expect(try await WebClient(app: app).get("/prereview").status != .ok)
            // One-time notice at pre-review: the resident is asked online.
            let clerkToken = try await c.login("ck-100")
            let notice = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: clerkToken,
                                          json: ["action": "request_supplement", "reason": "经营场所使用证明不清晰", "missingMaterials": ["经营场所使用证明"]])
            #expect(notice.status == .ok, "\(notice.text)")
            let mine = try await web.get("/portal/mine")
            #expect(mine.html.contains("待您补正"))
            let asked = try await web.get("/portal/cases/\(id)")
            #expect(asked.html.contains("上传补正材料") && asked.html.contains("name=\"m2[]\""))
            // An empty answer and a disguised file are refused, and the case stays where it was.
            #expect(try await web.upload("/portal/cases/\(id)/supplement", files: [], fields: [("comment", "")]).status == .unprocessableEntity)
            let bad = try await web.upload("/portal/cases/\(id)/supplement", files: [("m2[]", "lease.pdf", Data("%PDF-1.4 truncated".utf8))])
            #expect(bad.status.code >= 400 && bad.status.code < 500)
            // Another resident cannot answer it.
            let stranger = WebClient(app: app)
            try await signIn(stranger, app, phone: "13912345678")
            #expect(try await stranger.get("/portal/cases/\(id)").status == .notFound)
            try await stranger.get("/portal/mine")
            #expect(try await stranger.upload("/portal/cases/\(id)/supplement", files: [("m2[]", "lease.pdf", samplePDF)]).status == .notFound)
            let answered = try await web.upload("/portal/cases/\(id)/supplement", files: [("m2[]", "lease2.pdf", samplePDF + Data("%x\n".utf8))])
            #expect(answered.status == .seeOther, "\(answered.status) \(answered.html.prefix(300))")
            let back = try await c.send(.GET, "/api/v1/cases/\(id)", token: clerkToken)
            #expect(back.string("status") == "submitted")
            let accepted = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: clerkToken, json: ["action": "accept"])
            #expect(accepted.status == .ok && accepted.string("status") == "accepted", "\(accepted.text)")
            // The number is now confirmed at the window: the next application waives what the library holds.
            #expect(try await web.get("/portal/apply/SCJ0701").html.contains("证照库已有，免提交"))
            // The resident's API shows the same progress.
            let token = try await c.resident("13812345678")
            let progress = try await c.send(.GET, "/api/v1/resident/cases/\(id)", token: token)
            #expect(progress.string("status") == "accepted" && progress.list("steps").count >= 5, "\(progress.text)")
            let audit = try await AuditVerifier.verify(app)
            #expect(audit.firstProblem == nil && audit.filesChecked >= 4, "\(audit.firstProblem ?? "")")
        }
    }

    @Test func followingACaseAnswersEveryFailureTheSame() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let filed = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", extra: ["decision": "accept"]))
            let number = try #require(filed.string("number"))
            let code = try await queryCode(app, number)
            let page = try await WebClient(app: app).get("/portal/track?n=\(number)&q=\(code.replacingOccurrences(of: "-", with: ""))")
            #expect(page.status == .ok && page.html.contains(number) && page.html.contains("评价本次服务"), "\(page.html.prefix(300))")
            #expect(!page.html.contains("刘坤") && !page.html.contains("13812345678"))
            let api = try await c.send(.POST, "/api/v1/track", json: ["number": number, "queryCode": code])
            #expect(api.status == .ok && (api["progress"] as? [String: Any])?["number"] as? String == number)
            let wrong = try await c.send(.POST, "/api/v1/track", json: ["number": number, "queryCode": "AAAA-AAAA"])
            let unknown = try await c.send(.POST, "/api/v1/track", json: ["number": "990101-20261120-999999", "queryCode": "AAAA-AAAA"])
            let malformed = try await c.send(.POST, "/api/v1/track", json: ["number": "x", "queryCode": "!"])
            #expect(wrong.status == unknown.status && unknown.status == malformed.status && wrong.text == unknown.text && unknown.text == malformed.text)
            let wrongPage = try await WebClient(app: app).get("/portal/track?n=\(number)&q=AAAAAAAA")
            let unknownPage = try await WebClient(app: app).get("/portal/track?n=990101-20261120-999999&q=AAAAAAAA")
            #expect(wrongPage.status == unknownPage.status && wrongPage.html.contains("class=\"error\""))
        }
    }

    @Test func aComplaintIsAssignedAnsweredAndReadBackByItsCode() async throws {
        try await withJiujin { app, c in
            let bad: [([String: Any], String)] = [
                (["kind": "complaint", "subject": "point", "subjectRef": "sp-town-100", "text": "太短", "phone": "13812345678"], "text"),
                (["kind": "complaint", "subject": "point", "subjectRef": "sp-nowhere", "text": "窗口排队太久了", "phone": "13812345678"], "subjectRef"),
                (["kind": "complaint", "subject": "point", "subjectRef": "sp-town-100", "text": "窗口排队太久了", "phone": "123"], "phone"),
                (["kind": "praise", "subject": "point", "subjectRef": "sp-town-100", "text": "窗口排队太久了", "phone": "13812345678"], "kind"),
                (["kind": "complaint", "subject": "point", "subjectRef": "sp-town-100", "text": String(repeating: "长", count: 1001), "phone": "13812345678"], "text"),
            ]
            for (body, field) in bad {
                let r = try await c.send(.POST, "/api/v1/complaints", json: body)
                #expect(r.status.code >= 400 && r.status.code < 500 && r.string("message")?.isEmpty == false, "\(field): \(r.text.prefix(200))")
            }
            let filed = try await c.send(.POST, "/api/v1/complaints", json: ["kind": "complaint", "subject": "point", "subjectRef": "sp-town-100",
                                                                            "text": "窗口排队太久了，没人引导", "name": "刘坤", "phone": "13812345678"])
            #expect(filed.status == .created, "\(filed.text)")
            let number = try #require(filed.string("number")), code = try #require(filed.string("queryCode"))
            let wrong = try await c.send(.POST, "/api/v1/complaints/lookup", json: ["number": number, "queryCode": "AAAA-AAAA"])
            let unknown = try await c.send(.POST, "/api/v1/complaints/lookup", json: ["number": "TS000", "queryCode": "AAAA-AAAA"])
            #expect(wrong.status == .notFound && wrong.text == unknown.text)
            let supervisor = try await c.login("jiandu")
            let desk = try await c.send(.GET, "/api/v1/complaints", token: supervisor)
            let row = try #require(desk.list("complaints").first)
            #expect((row["phone"] as? String) == "138****5678" && (row["name"] as? String) == "刘*")
            let id = try #require(row["id"] as? String)
            let approver = try await c.login("sp-100")
            let colleague = try await c.login("sp-101")
            // Only a supervisor assigns; nobody else even sees it before it is theirs.
            #expect(try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: approver, json: ["action": "assign", "assignee": "u-sp-100"]).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/complaints", token: approver).int("count") == 0)
            #expect(try await c.send(.GET, "/api/v1/complaints").status == .unauthorized)
            #expect(try await c.send(.GET, "/api/v1/complaints", token: try await c.login("admin")).status == .forbidden)
            let assigned = try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: supervisor, json: ["action": "assign", "assignee": "u-sp-100"])
            #expect(assigned.status == .ok && assigned.string("status") == "assigned", "\(assigned.text)")
            #expect(try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: colleague, json: ["action": "answer", "text": "已整改"]).status == .notFound)
            #expect(try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: approver, json: ["action": "answer", "text": " "]).status == .unprocessableEntity)
            let answered = try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: approver,
                                            json: ["action": "answer", "text": "已增设引导员，感谢监督", "expectedVersion": 2])
            #expect(answered.status == .ok && answered.string("status") == "answered", "\(answered.text)")
            #expect(try await c.send(.POST, "/api/v1/complaints/\(id)/actions", token: supervisor, json: ["action": "answer", "text": "再答"]).status == .conflict)
            let read = try await c.send(.POST, "/api/v1/complaints/lookup", json: ["number": number, "queryCode": code])
            #expect(read.string("answer") == "已增设引导员，感谢监督")
            let sms = try await sqlDatabase(app.db).raw("SELECT kind FROM notifications WHERE case_id IS NULL AND kind LIKE 'complaint%'").all()
                .map { try $0.decode(column: "kind", as: String.self) }
            #expect(sms.sorted() == ["complaint_answered", "complaint_filed"])
            let events = try await sqlDatabase(app.db).raw("SELECT action FROM complaint_events ORDER BY at").all()
            #expect(events.count == 3)
            // The resident signed in with that phone sees it among their own.
            let token = try await c.resident("13812345678")
            #expect(try await c.send(.GET, "/api/v1/resident/complaints", token: token).int("count") == 1)
            // The SMS of the complaint are in the resident's inbox, readable (sealed at rest, opened for them).
            let inbox = try await c.send(.GET, "/api/v1/resident/messages", token: token).list("messages").compactMap { $0["text"] as? String }
            #expect(inbox.contains { $0.contains("已答复：已增设引导员") } && inbox.contains { $0.contains(number) }, "\(inbox)")
            // A public lookup names no member of staff.
            #expect(read["assigneeId"] == nil && read.headers.first(name: .cacheControl) == "no-store")
            // One number gets a few receipts an hour, so the form sends no SMS at will.
            var statuses: [HTTPStatus] = []
            for _ in 0..<6 {
                statuses.append(try await c.send(.POST, "/api/v1/complaints", json: ["kind": "suggestion", "subject": "other",
                                                                                    "text": "希望增加夜间服务", "phone": "13700000077"]).status)
            }
            #expect(statuses == Array(repeating: .created, count: 5) + [.tooManyRequests], "\(statuses)")
            // The pages: the public form and the supervisor's desk.
            let web = WebClient(app: app)
            #expect(try await web.get("/portal/complaints/new").status == .ok)
            let page = try await web.post("/portal/complaints", [("kind", "suggestion"), ("subject", "other"), ("text", "希望周六也能办理业务"),
                                                                 ("phone", "13912345678")])
            #expect(page.status == .created && page.html.contains("查询码"), "\(page.status) \(page.html.prefix(600))")
            let staff = WebClient(app: app)
            _ = try await staff.signIn("jiandu")
            #expect(try await staff.get("/complaints").html.contains("希望周六也能办理业务"))
        }
    }

    @Test func thePortalFindsItemsGuidesAndRemembersTheElderlyMode() async throws {
        try await withJiujin { app, _ in
            let web = WebClient(app: app)
            let home = try await web.get("/portal?q=yyzz")
            #expect(home.status == .ok && home.html.contains("个体工商户设立登记") && home.html.contains("<html lang=\"zh-CN\">"))
            #expect(try await web.get("/portal?theme=start").html.contains("/portal/items/"))
            let guide = try await web.get("/portal/items/SCJ0701?village=990101100201")
            #expect(guide.status == .ok && guide.html.contains("在哪里办") && guide.html.contains("王官庄村"))
            #expect(try await web.get("/portal/items/NOPE").status == .notFound)
            #expect(!home.html.contains("class=\"portal elder\""))
            let toggled = try await web.get("/portal/mode?elder=1&back=%2Fportal%3Fq%3Dyyzz")
            #expect(toggled.status == .seeOther && toggled.location == "/portal?q=yyzz")
            #expect(try await web.get("/portal?q=yyzz").html.contains("class=\"portal elder\""))
            // Every public page keeps the mode: the rating page, the certificate check, the sign-in.
            for path in ["/login", "/r", "/v"] {
                let page = try await web.get(path)
                #expect(page.html.contains("elder\">") && page.html.contains("标准模式"), "\(path) \(page.status)")
            }
            #expect(try await web.get("/portal/mode?elder=0&back=%2F%2Fevil.example").location == "/portal")
            #expect(try await web.get("/portal/mode?elder=0&back=%2F%09%2Fevil.example").location == "/portal")
            // Pages for a signed-in resident need the sign-in; a page of someone else's is not found.
            let anonymous = try await WebClient(app: app).get("/portal/mine")
            #expect(anonymous.status == .seeOther && anonymous.location?.hasPrefix("/portal/signin") == true)
            #expect(try await WebClient(app: app).get("/portal/apply/SCJ0701").location?.hasPrefix("/portal/signin") == true)
        }
    }
}
