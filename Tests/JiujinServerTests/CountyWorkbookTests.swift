import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// The whole county workbook through the server: the demo exports as itself, uploads list every problem or import,
/// and partner-point tellers accept only their point's items and see only their point's cases.
@Suite struct CountyWorkbookServerTests {
    @Test func theDemoCountyExportsAndReimportsWithoutAnyChange() async throws {
        try await withJiujin { app, _ in
            let tables = try await CountyWorkbook.tables(db: app.db, ctx: app.jiujin)
            let again = try await CountyImporter(db: app.db, ctx: app.jiujin).run(tables, dryRun: false, actor: .commandLine)
            #expect(again.problems.isEmpty, "\(again.problems.prefix(5))")
            #expect(again.nothingChanged, "\(again.summary)")
            #expect(again.summary.first { $0.sheet == "事项" }?.unchanged == app.jiujin.directory.items.count)
            #expect(again.codes.isEmpty)
        }
    }

    @Test func anUploadWithMistakesListsThemAndImportsNothingThenTheCorrectedOneImports() async throws {
        try await withJiujin { app, _ in
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            let importPage = try await admin.get("/admin/import")
            #expect(importPage.status == .ok, "\(importPage.html.prefix(2000))")
            var tables = CountySheets.template()
            // Three kinds of mistakes: a bad division code, a promised limit above the legal one, a point of an unknown organisation.
            var bad = tables
            bad[0].rows[2].cells[0] = "99010110020"
            bad[2].rows[0].cells[7] = "30"
            bad[5].rows[0].cells[3] = "town-999"
            let before = try await RegionModel.query(on: app.db).count()
            let refused = try await admin.upload("/admin/import", file: try WorkbookWriter.xlsx(bad), name: "county.xlsx")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.html.contains("区划") && refused.html.contains("12位数字") && refused.html.contains("超过法定时限")
                    && refused.html.contains("town-999"), "\(refused.html)")
            #expect(try await RegionModel.query(on: app.db).count() == before)
            // The template's own county is another county than the demo's: corrected to the demo's codes it imports.
            for t in tables.indices {
                for r in tables[t].rows.indices {
                    tables[t].rows[r].cells = tables[t].rows[r].cells.map { $0 == "990101100201" ? "990101100213" : $0 }
                }
            }
            let done = try await admin.upload("/admin/import", file: try WorkbookWriter.xlsx(tables), name: "county.xlsx")
            #expect(done.status == .ok, "\(done.html.prefix(3000))")
            #expect(done.html.contains("导入完成") && done.html.contains("激活码") && done.html.contains("ck-100-b"))
            // Others may not upload.
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            #expect(try await clerk.upload("/admin/import", file: try WorkbookWriter.xlsx(tables), name: "county.xlsx").status == .forbidden)
            #expect(try await clerk.get("/admin/import").status == .forbidden)
        }
    }

    @Test func theAPIImportAnswersTheProblemsAsJSONAndRefusesOtherFiles() async throws {
        try await withJiujin { app, c in
            let token = try await c.login("admin")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            var bad = CountySheets.template()
            bad[8].rows[0].cells[2] = "局长"
            let res = try await app.testing().sendRequest(.POST, "/api/v1/admin/import?dryRun=true", headers: headers,
                                                          body: ByteBuffer(data: try WorkbookWriter.xlsx(bad)))
            #expect(res.status == .unprocessableEntity)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [String: Any]
            let problems = json?["problems"] as? [[String: Any]] ?? []
            #expect(problems.contains { $0["sheet"] as? String == "人员" && $0["row"] as? Int == 2 && $0["column"] as? String == "角色" })
            let junk = try await app.testing().sendRequest(.POST, "/api/v1/admin/import", headers: headers, body: ByteBuffer(string: "hello"))
            #expect(junk.status == .unprocessableEntity && String(buffer: junk.body).contains("workbook_refused"))
            let clerk = try await c.login("ck-100")
            var h2 = HTTPHeaders()
            h2.bearerAuthorization = BearerAuthorization(token: clerk)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/admin/import", headers: h2, body: ByteBuffer(string: "x")).status == .forbidden)
        }
    }

    @Test func aPartnerTellerAcceptsOnlyTheirPointsItemsAndSeesOnlyTheirPointsCases() async throws {
        try await withJiujin { app, c in
            let teller = try await c.login("gy-bank-100")
            let own = try await c.send(.POST, "/api/v1/cases", token: teller, json: TestClient.intake("SCJ0701"))
            #expect(own.status == .created, "\(own.text)")
            let before = try await c.counts()
            // An item the bank point does not offer: 403, nothing stored.
            let other = try await c.send(.POST, "/api/v1/cases", token: teller, json: TestClient.intake("MZJ0501"))
            #expect(other.status == .forbidden, "\(other.text)")
            // Another point: 403.
            let elsewhere = try await c.send(.POST, "/api/v1/cases", token: teller,
                                             json: TestClient.intake("SCJ0701", extra: ["pointId": "sp-town-100"]))
            #expect(elsewhere.status == .forbidden)
            #expect(try await c.counts() == before)
            // A case of the town centre: 404 for the teller; the list holds only the point's case.
            let clerk = try await c.login("ck-100")
            let townCase = try #require(try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("SCJ0701")).string("id"))
            #expect(try await c.send(.GET, "/api/v1/cases/\(townCase)", token: teller).status == .notFound)
            let list = try await c.send(.GET, "/api/v1/cases", token: teller)
            let ids = (list.json as? [String: Any])?["cases"] as? [[String: Any]] ?? []
            #expect(ids.map { $0["id"] as? String } == [own.string("id")], "\(list.text)")
        }
    }
}

/// The administration log shows every change with before → after, to administrators and supervisors only.
@Suite struct AdminLogTests {
    @Test func anImportedChangeShowsBeforeAndAfterAndOnlyAdministratorsAndSupervisorsSeeTheLog() async throws {
        try await withJiujin { app, _ in
            var tables = try await CountyWorkbook.tables(db: app.db, ctx: app.jiujin)
            let items = try #require(tables.firstIndex { $0.name == "事项" })
            let row = try #require(tables[items].rows.firstIndex { $0.cells.first == "SCJ0701" })
            let name = try #require(tables[items].header.firstIndex(of: "事项名称"))
            tables[items].rows[row].cells[name] = "个体工商户设立登记（新）"
            let outcome = try await CountyImporter(db: app.db, ctx: app.jiujin).run(tables, dryRun: false, actor: .init(id: "u-admin", role: "administrator"))
            #expect(outcome.summary.first { $0.sheet == "事项" }?.changed == 1)
            #expect(app.jiujin.directory.items["SCJ0701"]?.name == "个体工商户设立登记（新）")
            for user in ["admin", "jiandu"] {
                let web = WebClient(app: app)
                _ = try await web.signIn(user)
                let page = try await web.get("/admin/log?kind=item&subject=SCJ0701")
                #expect(page.status == .ok && page.html.contains("个体工商户设立登记 → 个体工商户设立登记（新）"), "\(page.html.suffix(1500))")
            }
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            #expect(try await clerk.get("/admin/log").status == .forbidden)
        }
    }
}
