import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// Every free-text field has a maximum: above it the API answers 4xx naming the field, pages answer with an
/// inline message, nothing is stored, and no answer repeats the oversized text.
@Suite struct BoundedInputTests {
    let long = String(repeating: "字", count: 5000)
    var echo: String { String(repeating: "字", count: 100) }

    func setting(_ body: [String: Any], _ path: String, _ value: Any) -> [String: Any] {
        var body = body
        let parts = path.split(separator: ".").map(String.init)
        if parts.count == 1 { body[parts[0]] = value; return body }
        if let index = Int(parts[1]), var list = body[parts[0]] as? [Any] {
            if parts.count == 2 { list[index] = value } else if let inner = list[index] as? [String: Any] {
                list[index] = setting(inner, parts.dropFirst(2).joined(separator: "."), value)
            }
            body[parts[0]] = list
        } else {
            body[parts[0]] = setting(body[parts[0]] as? [String: Any] ?? [:], parts.dropFirst().joined(separator: "."), value)
        }
        return body
    }

    func expectRefused(_ r: Reply, field: String, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect((400..<500).contains(Int(r.status.code)), "\(label): \(r.status) \(r.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(r.field == field, "\(label): field \(r.field ?? "nil") \(r.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(!r.text.contains(echo), "\(label) repeats the input", sourceLocation: sourceLocation)
    }

    @Test func theCaseAPIRefusesOverlongTextNamingTheField() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let base = TestClient.intake("SCJ0701", extra: [
                "regionCode": "990101100201", "comment": "好", "materials": [["name": "经营场所使用证明", "provided": true, "note": "原件"],
                              ["name": "个体工商户登记（备案）申请书", "provided": true]],
                "authorization": ["scope": "代为申请", "signedOn": "2026-11-20", "validUntil": "2027-02-20"],
            ])
            let fields = ["applicant.name", "comment", "authorization.scope", "materials.0.note", "materials.0.name", "itemCode",
                          "pointId", "regionCode", "channel", "applicant.idNumber", "applicant.phone"]
            let before = try await c.counts()
            for field in fields {
                expectRefused(try await c.send(.POST, "/api/v1/cases", token: agent, json: setting(base, field, long)), field: field, "intake \(field)")
            }
            var refusal = setting(base, "decision", "reject_at_intake")
            refusal["reason"] = long
            expectRefused(try await c.send(.POST, "/api/v1/cases", token: agent, json: refusal), field: "reason", "intake reason")
            let online: [String: Any] = ["itemCode": "MZJ0508", "regionCode": "990101100201", "comment": "网上申请",
                                         "applicant": ["kind": "person", "name": "张珊", "idNumber": "440524188001010014", "phone": "13912345678"]]
            let resident = try await c.resident("13912345678")
            for field in ["comment", "applicant.name", "itemCode", "regionCode"] {
                expectRefused(try await c.send(.POST, "/api/v1/applications", token: resident, json: setting(online, field, long)), field: field,
                              "online \(field)")
            }
            #expect(try await c.counts() == before, "nothing refused is stored")

            // Lifecycle actions: comments, reasons, the materials asked for, the delivery.
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: base)
            let id = try #require(created.string("id"))
            let approver = try await c.login("sp-100")
            let stored = try await c.counts()
            func act(_ token: String, _ body: [String: Any]) async throws -> Reply {
                try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: token, json: body)
            }
            expectRefused(try await act(approver, ["action": "start_review", "comment": long]), field: "comment", "comment")
            expectRefused(try await act(agent, ["action": "withdraw", "reason": long]), field: "reason", "withdraw reason")
            expectRefused(try await act(approver, ["action": "request_supplement", "reason": "缺件", "missingMaterials": [long]]),
                          field: "missingMaterials.0", "missing material")
            expectRefused(try await act(agent, ["action": "record_proxy_step", "step": long]), field: "step", "proxy step")
            expectRefused(try await act(agent, ["action": long]), field: "action", "action")
            let instant = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊"))
            let instantId = try #require(instant.string("id"))
            let afterInstant = try await c.counts()
            for field in ["carrier", "trackingNumber"] {
                var delivery: [String: Any] = ["method": "express", "carrier": "中国邮政EMS", "trackingNumber": "1234567890"]
                delivery[field] = long
                let r = try await c.send(.POST, "/api/v1/cases/\(instantId)/actions", token: agent, json: ["action": "deliver", "delivery": delivery])
                expectRefused(r, field: "delivery.\(field)", "delivery \(field)")
            }
            let window = try await c.send(.POST, "/api/v1/cases/\(instantId)/actions", token: agent,
                                          json: ["action": "deliver", "delivery": ["method": "window", "collectorName": long,
                                                                                  "collectorIdNumber": "440524188001010014"]])
            expectRefused(window, field: "delivery.collectorName", "collector")
            expectRefused(try await c.send(.POST, "/api/v1/cases/\(id)/feedback", token: agent, json: ["channel": "电话", "text": long]),
                          field: "text", "feedback")
            #expect(try await c.counts() == afterInstant && afterInstant.cases == stored.cases + 1)

            // Queries: a purpose, a number, a search, a status.
            expectRefused(try await c.send(.GET, "/api/v1/cases/\(id)/applicant?purpose=\(String(repeating: "a", count: 101))", token: agent),
                          field: "purpose", "purpose")
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)/applicant?purpose=\(String(repeating: "a", count: 100))", token: agent).status == .ok)
            expectRefused(try await c.send(.GET, "/api/v1/cases?number=\(String(repeating: "1", count: 41))", token: agent), field: "number", "number")
            expectRefused(try await c.send(.GET, "/api/v1/items?q=\(String(repeating: "y", count: 101))"), field: "q", "search")
            expectRefused(try await c.send(.GET, "/api/v1/cases?status=\(String(repeating: "x", count: 3000))", token: agent), field: "status", "status")
            expectRefused(try await c.send(.GET, "/api/v1/authority?org=\(String(repeating: "x", count: 3000))&item=SCJ0701"), field: "org", "authority")
            for org in ["", String(repeating: "x", count: 65)] {
                expectRefused(try await c.send(.GET, "/api/v1/delegations?org=\(org)", token: agent), field: "org", "delegations org «\(org.prefix(3))»")
            }
            _ = app
        }
    }

    @Test func adminRatingAndSignInTextsAreBounded() async throws {
        try await withJiujin { app, c in
            let admin = try await c.login("jiandu")
            let delegation: [String: Any] = ["documentNumber": "青禾政发〔2026〕99号", "toOrgIds": ["town-107"], "itemCodes": ["SCJ0701"],
                                             "canAccept": true, "canDecide": false, "validFrom": "2026-11-20"]
            for field in ["documentNumber", "toOrgIds.0", "itemCodes.0"] {
                expectRefused(try await c.send(.POST, "/api/v1/delegations", token: admin, json: setting(delegation, field, long)),
                              field: field, "delegation \(field)")
            }
            expectRefused(try await c.send(.POST, "/api/v1/delegations/del-scjg-001/revoke", token: admin, json: ["reason": long]),
                          field: "reason", "revoke reason")
            let it = try await c.login("admin") // calendars are IT's
            let year: [String: Any] = ["source": "国办发明电〔2099〕1号", "holidays": [["name": "元旦", "offFrom": "2099-01-01", "offTo": "2099-01-01", "workDays": []]]]
            expectRefused(try await c.send(.PUT, "/api/v1/calendar/years/2099", token: it, json: setting(year, "source", long)),
                          field: "source", "calendar source")
            let holiday = try await c.send(.PUT, "/api/v1/calendar/years/2099", token: it,
                                           json: setting(year, "holidays", [["name": long, "offFrom": "2099-01-01", "offTo": "2099-01-01", "workDays": []]]))
            expectRefused(holiday, field: "holidays", "holiday name")
            #expect(try await c.send(.GET, "/api/v1/calendar/years").text.contains("2099") == false)

            // A 即办 居住证明 is a case, a certificate and (once closed) a rating away.
            let agent = try await c.login("dl-100201")
            let instant = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊"))
            let certificate = try await CertificateModel.query(on: app.db).first()
            let certId = try #require(certificate?.id)
            expectRefused(try await c.send(.POST, "/api/v1/certificates/\(certId)/revoke", token: admin, json: ["reason": long]),
                          field: "reason", "certificate revoke")
            expectRefused(try await c.send(.GET, "/api/v1/certificates/\(String(repeating: "J", count: 41))"), field: "id", "certificate id")
            let number = try #require(instant.string("number"))
            let rating: [String: Any] = ["number": number, "queryCode": try await queryCode(app, number), "level": 5, "channel": "web"]
            for (field, value) in [("text", long as Any), ("number", long as Any), ("indicators", [long] as Any)] {
                expectRefused(try await c.send(.POST, "/api/v1/ratings", json: setting(rating, field, value)), field: field, "rating \(field)")
            }
            #expect(try await RatingModel.query(on: app.db).count() == 0)
            for (field, body) in [("username", ["username": long, "password": "x"]), ("password", ["username": "admin", "password": long])] {
                expectRefused(try await c.send(.POST, "/api/v1/auth/token", json: body), field: field, "sign-in \(field)")
            }
            #expect(try await StaffModel.query(on: app.db).filter(\.$username == "admin").first()?.failedLogins == 0)
        }
    }

    /// An oversized address or header block is refused before any route (414, 431) with a JSON body; a scanned
    /// payload beyond its documented length is refused naming it.
    @Test func oversizedAddressesAndHeadersAreRefusedClearly() async throws {
        try await withJiujin(demo: false) { app, c in
            let longURL = try await c.send(.GET, "/api/v1/items?q=" + String(repeating: "a", count: 17 * 1024))
            #expect(longURL.status == .uriTooLong && longURL.errorCode == "uri_too_long")
            var headers = HTTPHeaders()
            for i in 0..<20 { headers.add(name: "X-Filler-\(i)", value: String(repeating: "h", count: 1000)) }
            let res = try await app.testing().sendRequest(.GET, "/api/v1/items", headers: headers)
            #expect(res.status == .requestHeaderFieldsTooLarge && String(buffer: res.body).contains("header_too_large"))
            let p = String(repeating: "A", count: 8193)
            let scanned = try await c.send(.GET, "/api/v1/certificates/CERT1?p=\(p)&s=AAAA")
            #expect(scanned.status == .unprocessableEntity && scanned.field == "p" && !scanned.text.contains(String(repeating: "A", count: 100)))
            #expect(try await c.send(.GET, "/api/v1/certificates/CERT1?p=AAAA&s=\(String(repeating: "A", count: 201))").field == "s")
        }
    }

    /// Pages: the same limits, as inline messages; the form comes back cut to each field's length.
    @Test func pagesRefuseOverlongTextInline() async throws {
        try await withJiujin { app, c in
            let agent = WebClient(app: app)
            _ = try await agent.signIn("dl-100201")
            _ = try await agent.get("/window/items/SCJ0701")
            let form: [(String, String)] = [("kind", "person"), ("name", long), ("phone", "13812345678"), ("idNumber", "11010519491231002X"),
                                            ("regionCode", "990101100201"), ("provided[]", "个体工商户登记（备案）申请书"),
                                            ("provided[]", "经营场所使用证明"), ("authScope", "代为申请"), ("authSignedOn", "2026-11-20"),
                                            ("authValidUntil", "2027-02-20"), ("decision", "accept"), ("reason", "")]
            let refused = try await agent.post("/window/items/SCJ0701", form)
            #expect(refused.status == .unprocessableEntity && refused.html.contains("不超过100字"))
            #expect(!refused.html.contains(String(repeating: "字", count: 101)), "the form comes back cut to 100")
            let scope = try await agent.post("/window/items/SCJ0701", form.map { $0.0 == "name" ? ("name", "刘坤") : $0.0 == "authScope" ? ("authScope", long) : $0 })
            #expect(scope.status == .unprocessableEntity && !scope.html.contains(String(repeating: "字", count: 201)))
            #expect(try await c.counts().cases == 0)

            let token = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: token, json: TestClient.intake("SCJ0701")).string("id"))
            _ = try await agent.get("/cases/\(id)")
            let feedback = try await agent.post("/cases/\(id)/feedback", [("channel", "电话"), ("text", long)])
            #expect(feedback.status == .unprocessableEntity && feedback.html.contains("反馈内容不超过500字") && !feedback.html.contains(echo))
            _ = try await agent.get("/cases/\(id)")
            let withdraw = try await agent.post("/cases/\(id)/action", [("action", "withdraw"), ("reason", long)])
            #expect(withdraw.status == .unprocessableEntity && !withdraw.html.contains(echo))
            #expect(try await CaseFeedbackModel.query(on: app.db).count() == 0)
            #expect(try await c.counts().events == 1)

            let supervisor = WebClient(app: app)
            _ = try await supervisor.signIn("jiandu")
            _ = try await supervisor.get("/admin/seals")
            let seal = try await supervisor.post("/admin/seals", [("number", "审批专用章(99)"), ("name", long), ("ownerOrgId", "dept-scjg"), ("holderOrgId", "town-107")])
            #expect(seal.status == .unprocessableEntity && !seal.html.contains(echo))
        }
    }
}
