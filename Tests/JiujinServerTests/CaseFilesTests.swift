import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import Vapor

/// A real 1×1 PNG and a minimal PDF.
let samplePNG = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
let samplePDF = Data("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".utf8)

/// A valid PDF of about `n` more bytes (a comment line inside it).
func padded(_ n: Int) -> Data { Data("%PDF-1.4\n%".utf8) + Data(repeating: 0x78, count: n) + Data("\n".utf8) + samplePDF.dropFirst(9) }

@Suite struct CaseFilesTests {
    func upload(_ c: TestClient, _ id: String, token: String, material: String, _ files: [(String, Data)]) async throws -> Reply {
        let (body, type) = multipart(files: files.map { (field: "files[]", name: $0.0, data: $0.1) }, fields: [("material", material)])
        var headers = HTTPHeaders([("Content-Type", type)])
        headers.bearerAuthorization = BearerAuthorization(token: token)
        let res = try await c.app.testing().sendRequest(.POST, "/api/v1/cases/\(id)/materials", headers: headers, body: ByteBuffer(data: body))
        let text = String(buffer: res.body)
        return Reply(status: res.status, text: text, json: try? JSONSerialization.jsonObject(with: Data(text.utf8)), headers: res.headers)
    }

    @Test func theAgentAddsScansTheApproverSeesThemAndNobodyElse() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            let id = try #require(made.string("id"))
            let material = try #require(app.jiujin.directory.items["SCJ0701"]?.materials.first?.name)
            let done = try await upload(c, id, token: agent, material: material, [("page1.png", samplePNG), ("page2.pdf", samplePDF)])
            #expect(done.status == .created, "\(done.text)")
            let stored = try #require(try await CaseRows.find(UUID(uuidString: id)!, cipher: app.jiujin.cipher, on: try sqlDatabase(app.db)))
            let files = try #require(stored.materials.first?.files)
            #expect(files.map(\.kind) == [.png, .pdf] && stored.materials.first?.provided == true)
            let events = try await CaseRows.events(of: stored.id, on: try sqlDatabase(app.db))
            let attach = try #require(events.last)
            #expect(attach.action == .attachMaterial && attach.attachments == files.map(\.sha256) && attach.details["material"] == material)
            #expect(app.jiujin.files.holds(files[0].sha256) && app.jiujin.files.holds(files[1].sha256))

            // Who sees the files: the agent, the deciding town's approver, the supervisor; not the town's clerk.
            for (user, status) in [("dl-100201", HTTPStatus.ok), ("sp-100", .ok), ("jiandu", .ok), ("ck-100", .forbidden), ("sp-101", .notFound)] {
                let token = try await c.login(user)
                let r = try await c.send(.GET, "/api/v1/cases/\(id)/files/\(files[0].sha256)", token: token)
                #expect(r.status == status, "\(user): \(r.status)")
                if status == .ok { #expect(r.headers.contentType?.description == "image/png") }
            }
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)/files/\(String(repeating: "0", count: 64))", token: agent).status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/cases/\(id)/files/..%2F..%2Fetc", token: agent).status == .notFound)
            try await app.jiujin.records.flush(app.db)
            let logged = try await DataAccessLogModel.query(on: app.db).filter(\.$caseId == stored.id).all()
            #expect(logged.filter { $0.purpose.hasPrefix("查看材料文件") }.count == 3)

            // The pages: the approver sees the image inline; the town's clerk only that files exist.
            let approver = WebClient(app: app)
            _ = try await approver.signIn("sp-100")
            let page = try await approver.get("/cases/\(id)")
            #expect(page.html.contains("<img src=\"/cases/\(id)/files/\(files[0].sha256)\""))
            #expect(page.html.contains("page2.pdf（PDF）") && !page.html.contains("data-action=\"attach_material\""))
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            let seen = try await clerk.get("/cases/\(id)")
            #expect(seen.status == .ok && !seen.html.contains("/files/") && seen.html.contains("已上传 2 个文件"))

            // The audit reads every file: a swapped file is found.
            #expect(try await AuditVerifier.verify(app).filesChecked == 2)
            try Data("not the scan".utf8).write(to: URL(fileURLWithPath: app.jiujin.files.path(of: files[0].sha256)))
            let problem = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(problem.contains("材料文件"))
        }
    }

    @Test func badFilesAndWrongMembersAreRefusedAndNothingIsStored() async throws {
        try await withJiujin(tune: { $0.fileLimits = FileLimits(perFile: 2000, perCase: 3000) }) { app, c in
            let agent = try await c.login("dl-100201")
            let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            let id = try #require(made.string("id"))
            let material = try #require(app.jiujin.directory.items["SCJ0701"]?.materials.first?.name)
            let before = try await c.counts()
            let truncatedPDF = samplePDF.prefix(20)
            let cases: [(String, [(String, Data)], String)] = [
                ("a PNG renamed .pdf", [("身份证.pdf", samplePNG)], "file_name_mismatch"),
                ("HTML renamed .jpg", [("photo.jpg", Data("<html><script>alert(1)</script></html>".utf8))], "file_type_not_accepted"),
                ("over the size limit", [("big.pdf", samplePDF + Data(repeating: 0x20, count: 2500))], "file_too_large"),
                ("empty", [("empty.png", Data())], "file_empty"),
                ("a truncated PDF", [("cut.pdf", Data(truncatedPDF))], "file_damaged"),
                ("over the case's limit", [("a.pdf", padded(1500)), ("b.pdf", padded(1500))], "case_files_full"),
            ]
            for (what, files, code) in cases {
                let r = try await upload(c, id, token: agent, material: material, files)
                #expect(r.status == .unprocessableEntity && r.errorCode == code, "\(what): \(r.status) \(r.text)")
            }
            let unknown = try await upload(c, id, token: agent, material: "不存在的材料", [("a.png", samplePNG)])
            #expect(unknown.status == .unprocessableEntity)
            let none = try await upload(c, id, token: agent, material: material, [])
            #expect(none.status == .unprocessableEntity)
            // The town's clerk may see the case but did not take it in: refused, nothing stored.
            let clerk = try await c.login("ck-100")
            #expect(try await upload(c, id, token: clerk, material: material, [("a.png", samplePNG)]).status == .forbidden)
            #expect(try await upload(c, id, token: try await c.login("sp-100"), material: material, [("a.png", samplePNG)]).status == .forbidden)
            // Not multipart at all.
            #expect(try await c.send(.POST, "/api/v1/cases/\(id)/materials", token: agent, json: ["material": material]).status == .unsupportedMediaType)
            #expect(try await c.counts() == before)
            let dir = app.jiujin.options.filesDirectory
            let stored = (try? FileManager.default.subpathsOfDirectory(atPath: dir))?.filter { !$0.contains(".tmp") && $0.count > 60 } ?? []
            #expect(stored.isEmpty, "\(stored)")
        }
    }

    @Test func theCasePageUploadsFromTheWindowAndShowsTheRefusalInline() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            let id = try #require(made.string("id"))
            let material = try #require(app.jiujin.directory.items["SCJ0701"]?.materials.first?.name)
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            let page = try await web.get("/cases/\(id)")
            #expect(page.html.contains("data-action=\"attach_material\"") && page.html.contains("enctype=\"multipart/form-data\""))
            let bad = try await web.upload("/cases/\(id)/materials", files: [(field: "files[]", name: "x.jpg", data: Data("GIF89a".utf8))],
                                           fields: [("material", material)])
            #expect(bad.status == .unprocessableEntity && bad.html.contains("不是 JPEG、PNG 或 PDF"))
            let good = try await web.upload("/cases/\(id)/materials", files: [(field: "files[]", name: "scan.png", data: samplePNG)],
                                            fields: [("material", material)])
            #expect(good.status == .seeOther, "\(good.html.prefix(1500))")
            #expect(try await web.get("/cases/\(id)").html.contains("<img src=\"/cases/\(id)/files/"))
        }
    }

    @Test func theIntakeFormTakesScansPerMaterialInTheSameChange() async throws {
        try await withJiujin { app, c in
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            let form = try await web.get("/window/items/SCJ0701")
            #expect(form.html.contains("enctype=\"multipart/form-data\"") && form.html.contains("name=\"m2[]\""))
            // The ticks are the intake form's (a scan counts as handed in even unticked); an agent files with the 委托书.
            let fields = [("kind", "person"), ("name", "刘坤"), ("phone", "13812345678"), ("idNumber", "11010519491231002X"),
                          ("regionCode", "990101100201"), ("provided[]", "个体工商户登记（备案）申请书"),
                          ("authScope", "代为申请、补正材料、领取结果"), ("authSignedOn", "2026-11-20"), ("authValidUntil", "2027-02-20"),
                          ("decision", "accept"), ("reason", "")]
            let disguised = try await web.upload("/window/items/SCJ0701", files: [("m2[]", "lease.pdf", Data("GIF89a".utf8))], fields: fields)
            #expect(disguised.status == .unprocessableEntity && disguised.html.contains("class=\"error\""), "\(disguised.status)")
            #expect(try await c.counts().cases == 0)
            let filed = try await web.upload("/window/items/SCJ0701", files: [("m2[]", "lease-p1.png", samplePNG), ("m2[]", "lease-p2.pdf", samplePDF)],
                                             fields: fields)
            #expect(filed.status == .seeOther && filed.location?.contains("/receipt") == true, "\(filed.status) \(filed.html.prefix(600))")
            let id = try #require(filed.location?.components(separatedBy: "/cases/").last?.components(separatedBy: "/").first)
            let stored = try #require(try await CaseRows.find(UUID(uuidString: id)!, cipher: app.jiujin.cipher, on: try sqlDatabase(app.db)))
            let lease = try #require(stored.materials.first { $0.name == "经营场所使用证明" })
            #expect(lease.provided && lease.files?.map(\.kind) == [.png, .pdf])
            let events = try await CaseRows.events(of: stored.id, on: try sqlDatabase(app.db))
            #expect(events.map(\.action) == [.accept, .attachMaterial] && events[1].attachments.count == 2 && events[1].actorId == "u-dl-100201")
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
        }
    }
}
