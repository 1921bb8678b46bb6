import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import Vapor

/// The form fields of a stored record, as its page fills them in (`c<i>` per column, `g<g>r<r>c<i>` per grid cell).
func recordForm(_ main: [String], grids: [[[String]]] = []) -> [(String, String)] {
    var out = main.enumerated().map { ("c\($0.offset)", $0.element) }
    for (g, rows) in grids.enumerated() {
        for (r, cells) in rows.enumerated() {
            out += cells.enumerated().dropFirst().map { ("g\(g)r\(r)c\($0.offset)", $0.element) }
        }
    }
    return out
}

func column(_ sheet: String, _ name: String) throws -> Int { try #require(CountySheets.columns[sheet]?.firstIndex(of: name)) }

@Suite struct RecordPagesTests {
    @Test func anItemEditMakesANewGuideVersionWhileACaseKeepsTheOneItWasAcceptedUnder() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(made.status == .created, "\(made.text)")
            let caseId = try #require(made.string("id"))
            let item = try #require(app.jiujin.directory.items["SCJ0701"])
            #expect(app.jiujin.directory.guideVersions["SCJ0701"] == 1)
            let oldFirst = try #require(item.materials.first?.name)

            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            let page = try await admin.get("/admin/records/item/SCJ0701")
            #expect(page.status == .ok && page.html.contains("承诺时限") && page.html.contains(oldFirst), "\(page.html.prefix(800))")
            var main = CountySheets.itemRow(item)
            main[try column("事项", "事项名称")] = "个体工商户设立登记（2027版）"
            main[try column("事项", "承诺时限")] = "2"
            var materials = CountySheets.materialRows(item)
            materials[0][try column("材料", "材料名称")] = "经营者有效身份证件"
            let saved = try await admin.post("/admin/records/item/SCJ0701", recordForm(main, grids: [materials, CountySheets.stageRows(item)]))
            #expect(saved.status == .seeOther && saved.location == "/admin/records/item/SCJ0701?done=saved", "\(saved.html.prefix(2000))")

            let now = try #require(app.jiujin.directory.items["SCJ0701"])
            #expect(now.name == "个体工商户设立登记（2027版）" && now.promisedLimitDays == 2 && now.materials.first?.name == "经营者有效身份证件")
            #expect(app.jiujin.directory.guideVersions["SCJ0701"] == 2)
            let log = try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == "SCJ0701").filter(\.$action == "updated").all()
            #expect(log.count == 1 && log[0].actorId == "u-admin" && log[0].beforeJSON?.contains(oldFirst) == true
                    && log[0].afterJSON?.contains("经营者有效身份证件") == true)

            // The case keeps version 1: its page links it, the version shows the old checklist, and it still moves on.
            let stored = try #require(try await CaseRows.find(UUID(uuidString: caseId)!, cipher: app.jiujin.cipher, on: try sqlDatabase(app.db)))
            #expect(stored.guideVersion == 1)
            let viewer = WebClient(app: app)
            _ = try await viewer.signIn("dl-100201")
            let casePage = try await viewer.get("/cases/\(caseId)")
            #expect(casePage.html.contains("/guides/SCJ0701/1") && casePage.html.contains("受理时的第 1 版"))
            let v1 = try await viewer.get("/guides/SCJ0701/1")
            #expect(v1.status == .ok && v1.html.contains(oldFirst) && v1.html.contains("现行为第 2 版"))
            let v2 = try await viewer.get("/guides/SCJ0701/2")
            #expect(v2.html.contains("经营者有效身份证件") && v2.html.contains("这是现行版本"))
            #expect(try await viewer.get("/guides/SCJ0701/9").status == .notFound)
            let later = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            let laterId = try #require(later.string("id").flatMap(UUID.init(uuidString:)))
            let laterCase = try #require(try await CaseRows.find(laterId, cipher: app.jiujin.cipher, on: try sqlDatabase(app.db)))
            #expect(laterCase.guideVersion == 2)
            #expect(try await admin.get("/admin/items?q=SCJ0701").html.contains("第 2 版"))
            // The same over the API: the versions, one version's guide, and the case's own version.
            let list = try await c.send(.GET, "/api/v1/items/SCJ0701/guides")
            #expect(list.status == .ok && list.array.map { $0["version"] as? Int } == [2, 1] && list.array.first?["current"] as? Bool == true)
            let first = try await c.send(.GET, "/api/v1/items/SCJ0701/guides/1")
            let guide = try #require(first["guide"] as? [String: Any])
            #expect((guide["materials"] as? [[String: Any]])?.first?["name"] as? String == oldFirst && first["current"] as? Bool == false)
            #expect(try await c.send(.GET, "/api/v1/items/SCJ0701/guides/x").status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/items/NOPE/guides").status == .notFound)
            #expect(try await c.send(.GET, "/api/v1/cases/\(caseId)", token: agent).int("guideVersion") == 1)
        }
    }

    @Test func aBadEditIsRefusedInlineAndChangesNothing() async throws {
        try await withJiujin { app, _ in
            let item = try #require(app.jiujin.directory.items["SCJ0701"])
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/records/item/SCJ0701")
            var main = CountySheets.itemRow(item)
            main[try column("事项", "承诺时限")] = "99"
            main[try column("事项", "事项名称")] = String(repeating: "名", count: 101)
            let refused = try await admin.post("/admin/records/item/SCJ0701", recordForm(main, grids: [CountySheets.materialRows(item), CountySheets.stageRows(item)]))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.html.contains("未保存任何改动") && refused.html.contains("aria-invalid"), "\(refused.html.prefix(3000))")
            #expect(app.jiujin.directory.items["SCJ0701"] == item && app.jiujin.directory.guideVersions["SCJ0701"] == 1)
            #expect(try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == "SCJ0701").filter(\.$actorId == "u-admin").count() == 0)

            // A new item under a code that exists is refused, not turned into an edit.
            _ = try await admin.get("/admin/records/item/new")
            let clash = try await admin.post("/admin/records/item/new", recordForm(CountySheets.itemRow(item), grids: [CountySheets.materialRows(item), CountySheets.stageRows(item)]))
            #expect(clash.status == .unprocessableEntity && clash.html.contains("已存在"))
            // A form that is not a form, and a record that does not exist.
            #expect(try await admin.get("/admin/records/item/NOPE").status == .notFound)
            #expect(try await admin.get("/admin/records/nothing/new").status == .notFound)
            #expect(try await admin.post("/admin/records/item/NOPE", [("c1", "x")]).status == .notFound)
        }
    }

    @Test func aNewItemWithItsMaterialsAndStagesIsAddedAtOnce() async throws {
        try await withJiujin { app, _ in
            let admin = WebClient(app: app)
            _ = try await admin.signIn("jiandu")
            _ = try await admin.get("/admin/records/item/new")
            let template = CountySheets.template()
            var main = try #require(template.first { $0.name == "事项" }?.rows.first?.cells)
            main[0] = "SCJ0799"
            main[try column("事项", "实施主体")] = "dept-scjg"
            let materials = try #require(template.first { $0.name == "材料" }?.rows.map(\.cells))
            let stages = try #require(template.first { $0.name == "环节" }?.rows.map(\.cells))
            // Without materials: the sheet's rule names what is missing.
            let bare = try await admin.post("/admin/records/item/new", recordForm(main, grids: [[], stages]))
            #expect(bare.status == .unprocessableEntity && bare.html.contains("没有申请材料"))
            #expect(app.jiujin.directory.items["SCJ0799"] == nil)
            let made = try await admin.post("/admin/records/item/new", recordForm(main, grids: [materials, stages]))
            #expect(made.status == .seeOther && made.location == "/admin/records/item/SCJ0799?done=saved", "\(made.html.prefix(2000))")
            let item = try #require(app.jiujin.directory.items["SCJ0799"])
            #expect(item.materials.count == 2 && item.stages == ["审查", "决定"] && app.jiujin.directory.guideVersions["SCJ0799"] == 1)
            let log = try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == "SCJ0799").first()
            #expect(log?.action == "created" && log?.reason == "管理页面" && log?.actorId == "u-jiandu" && log?.beforeJSON == nil)
        }
    }

    @Test func onlyAdministratorsAndSupervisorsEditTheCatalogAndOnlyAdministratorsTheAccounts() async throws {
        try await withJiujin { app, _ in
            let item = try #require(app.jiujin.directory.items["SCJ0701"])
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            for path in ["/admin/items", "/admin/points", "/admin/places", "/admin/records/item/SCJ0701", "/admin/records/staff/new"] {
                #expect(try await clerk.get(path).status == .forbidden, "\(path)")
            }
            var main = CountySheets.itemRow(item)
            main[1] = "改名"
            #expect(try await clerk.post("/admin/records/item/SCJ0701", recordForm(main)).status == .forbidden)
            #expect(app.jiujin.directory.items["SCJ0701"]?.name == item.name)
            let supervisor = WebClient(app: app)
            _ = try await supervisor.signIn("jiandu")
            #expect(try await supervisor.get("/admin/points").status == .ok)
            #expect(try await supervisor.get("/admin/records/staff/ck-100").status == .forbidden)
            #expect(try await supervisor.post("/admin/records/staff/new", [("c0", "newbie"), ("c1", "新人"), ("c2", "综合窗口"), ("c3", "town-100")])
                .status == .forbidden)
            #expect(try await StaffModel.query(on: app.db).filter(\.$username == "newbie").count() == 0)
            let anonymous = WebClient(app: app)
            #expect(try await anonymous.get("/admin/items").status == .seeOther)
        }
    }

    @Test func anAdministratorCreatesMovesAndBacksUpAnAccountFromItsForm() async throws {
        try await withJiujin { app, _ in
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/records/staff/new")
            let fields = CountySheets.staffColumns
            var row = Array(repeating: "", count: fields.count)
            row[0] = "ck-100-new"
            row[1] = "周敏"
            row[2] = ActorRole.windowClerk.label
            row[3] = "town-100"
            row[5] = "ck-100"
            row[7] = "1381234567"  // ten digits
            let bad = try await admin.post("/admin/records/staff/new", recordForm(row))
            #expect(bad.status == .unprocessableEntity && bad.html.contains("手机"), "\(bad.html.prefix(2000))")
            row[7] = "13812345670"
            let made = try await admin.post("/admin/records/staff/new", recordForm(row))
            #expect(made.status == .ok && made.html.contains("激活码") && made.html.contains("ck-100-new"), "\(made.html.prefix(2000))")
            let stored = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100-new").first())
            #expect(stored.mustChangePassword && stored.backupId == "u-ck-100")

            // Moved to another town and made an approver; the log keeps before and after.
            _ = try await admin.get("/admin/records/staff/ck-100-new")
            row[2] = ActorRole.approver.label
            row[3] = "town-101"
            row[5] = ""
            let moved = try await admin.post("/admin/records/staff/ck-100-new", recordForm(row))
            #expect(moved.status == .seeOther, "\(moved.html.prefix(2000))")
            let after = try #require(try await StaffModel.find(stored.id, on: app.db))
            #expect(after.role == ActorRole.approver.rawValue && after.orgId == "town-101" && after.backupId == nil)
            let entries = try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == stored.id!).sort(\.$at).all()
            #expect(entries.map(\.action) == ["created", "updated"] && entries[1].beforeJSON?.contains("town-100") == true
                    && entries[1].afterJSON?.contains("town-101") == true)
        }
    }

    @Test func aPointsChecklistSetsItsTierAndTheListsFindWhatIsMissing() async throws {
        try await withJiujin { app, _ in
            let station = try #require(app.jiujin.directory.points.first { $0.kind == .villageStation && ($0.tier == .standard || $0.tier == .benchmark) })
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/records/point/\(station.id)")
            var row = CountySheets.pointRow(station)
            row[try column("站点", "有经费")] = "否"
            row[try column("站点", "周末时段")] = "09:00-12:00"
            let saved = try await admin.post("/admin/records/point/\(station.id)", recordForm(row))
            #expect(saved.status == .seeOther, "\(saved.html.prefix(2000))")
            let now = try #require(app.jiujin.directory.pointsById[station.id])
            #expect(now.tier == .basic && now.openingHours?.weekend.first?.description == "09:00-12:00")
            let lacking = try await admin.get("/admin/points?lacking=%E6%9C%89%E7%BB%8F%E8%B4%B9")
            #expect(lacking.html.contains(station.id) && lacking.html.contains("有经费"))
            let basic = try await admin.get("/admin/points?tier=basic")
            #expect(basic.html.contains(station.id))
            #expect(try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == station.id).filter(\.$actorId == "u-admin").count() == 1)
            // Overlapping opening hours are named on their column.
            row[try column("站点", "工作日时段")] = "08:00-12:00 11:00-13:00"
            let bad = try await admin.post("/admin/records/point/\(station.id)", recordForm(row))
            #expect(bad.status == .unprocessableEntity && bad.html.contains("aria-invalid"))
        }
    }

    @Test func organisationsAndRegionsAreEditedAndLogged() async throws {
        try await withJiujin { app, _ in
            let org = try #require(app.jiujin.directory.organizations["town-100"])
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            #expect(try await admin.get("/admin/places").html.contains("town-100"))
            _ = try await admin.get("/admin/records/organization/town-100")
            var row = CountySheets.organizationRow(org)
            row[1] = org.name + "（新址）"
            #expect(try await admin.post("/admin/records/organization/town-100", recordForm(row)).status == .seeOther)
            #expect(app.jiujin.directory.organizations["town-100"]?.name == org.name + "（新址）")
            let region = try #require(app.jiujin.directory.tree[org.region])
            var r = CountySheets.regionRow(region)
            r[3] = "95"  // no latitude on earth
            let bad = try await admin.post("/admin/records/region/\(region.code.rawValue)", recordForm(r))
            #expect(bad.status == .unprocessableEntity && bad.html.contains("纬度"))
            r[3] = "36.5"
            #expect(try await admin.post("/admin/records/region/\(region.code.rawValue)", recordForm(r)).status == .seeOther)
            #expect(app.jiujin.directory.tree[org.region]?.location?.lat == 36.5)
            let kinds = try await AdminChangeModel.query(on: app.db).filter(\.$actorId == "u-admin").all().map(\.subjectKind)
            #expect(Set(kinds) == ["organization", "region"])
        }
    }

    @Test func blankFormsAreCheckedByContentStoredAndDownloadedByAnyone() async throws {
        try await withJiujin { app, _ in
            let item = try #require(app.jiujin.directory.items["SCJ0701"])
            var materials = CountySheets.materialRows(item)
            materials[0][try column("材料", "空白表格")] = "申请书.pdf"
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/records/item/SCJ0701")
            #expect(try await admin.post("/admin/records/item/SCJ0701", recordForm(CountySheets.itemRow(item), grids: [materials, CountySheets.stageRows(item)]))
                .status == .seeOther)
            let page = try await admin.get("/admin/records/item/SCJ0701")
            #expect(page.html.contains("申请书.pdf") && page.html.contains("未上传"))
            let pdf = Data("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            let disguised = try await admin.upload("/admin/items/SCJ0701/forms", file: Data("just text".utf8), name: "申请书.pdf", fields: [("name", "申请书.pdf")])
            #expect(disguised.status == .unprocessableEntity && disguised.html.contains("不是 PDF"))
            let empty = try await admin.upload("/admin/items/SCJ0701/forms", file: Data(), name: "申请书.pdf", fields: [("name", "申请书.pdf")])
            #expect(empty.status == .unprocessableEntity)
            let unnamed = try await admin.upload("/admin/items/SCJ0701/forms", file: pdf, name: "x.pdf", fields: [("name", "别的.pdf")])
            #expect(unnamed.status == .unprocessableEntity)
            #expect(try await ItemFormModel.query(on: app.db).count() == 0)
            // The residents' guide page (kept rendered for anonymous readers) offers the form as soon as it is there.
            #expect(try await WebClient(app: app).get("/portal/items/SCJ0701").html.contains("下载空白表格") == false)
            let done = try await admin.upload("/admin/items/SCJ0701/forms", file: pdf, name: "申请书.pdf", fields: [("name", "申请书.pdf")])
            #expect(done.status == .seeOther)
            #expect(try await WebClient(app: app).get("/portal/items/SCJ0701").html.contains("下载空白表格"))
            let res = try await app.testing().sendRequest(.GET, "/items/SCJ0701/forms/%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf")
            #expect(res.status == .ok && res.headers.contentType == .pdf && Data(buffer: res.body) == pdf)
            #expect(res.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
            #expect(try await app.testing().sendRequest(.GET, "/items/SCJ0701/forms/nothing.pdf").status == .notFound)
            #expect(try await AdminChangeModel.query(on: app.db).filter(\.$action == "form_uploaded").count() == 1)
            let clerk = WebClient(app: app)
            _ = try await clerk.signIn("ck-100")
            _ = try await clerk.get("/")
            #expect(try await clerk.upload("/admin/items/SCJ0701/forms", file: pdf, name: "申请书.pdf", fields: [("name", "申请书.pdf")]).status == .forbidden)
        }
    }
}

@Suite struct VillageDelegationTests {
    @Test func aSupervisorDelegatesAnItemToAVillageStationWhoseAgentThenAcceptsIt() async throws {
        try await withJiujin { app, c in
            let d = app.jiujin.directory
            let village = try #require(d.organizations["village-100201"])
            let item = try #require(d.items.values.sorted { $0.code < $1.code }.first { i in
                i.isInUse && !Authority.hasOwnRight(org: village, item: i, action: .accept)
                    && (try? Authority.check(org: village, item: i, action: .accept, on: app.jiujin.today, delegations: d.delegations).get()) == nil
            })
            let agent = try await c.login("dl-100201")
            let before = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake(item.code))
            #expect(before.status == .forbidden, "\(before.text)")

            let supervisor = WebClient(app: app)
            _ = try await supervisor.signIn("jiandu")
            let page = try await supervisor.get("/admin/delegations")
            #expect(page.html.contains("value=\"village-100201\""))
            let made = try await supervisor.post("/admin/delegations", [
                ("documentNumber", "青禾政发〔2026〕31号"), ("toOrgIds[]", "village-100201"), ("itemCodes[]", item.code), ("canAccept", "on"),
                ("validFrom", app.jiujin.today.description),
            ])
            #expect(made.status == .seeOther, "\(made.html.prefix(1500))")
            #expect(app.jiujin.directory.delegations.contains { $0.toOrgId == "village-100201" && $0.itemCodes == [item.code] })
            let after = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake(item.code))
            #expect(after.status == .created, "\(after.text)")
        }
    }
}

@Suite struct AdministrationLogKindsTests {
    /// Retiring an item, closing a point, renaming a seal and revoking a delegation through the workbook: each is in
    /// the administration log with its kind, what it was and what it became.
    @Test func everyKindOfChangeIsLoggedWithBeforeAndAfter() async throws {
        try await withJiujin { app, _ in
            var tables = try await CountyWorkbook.tables(db: app.db, ctx: app.jiujin)
            func edit(_ sheet: String, key: String, _ name: String, _ value: String) throws {
                let t = try #require(tables.firstIndex { $0.name == sheet })
                let r = try #require(tables[t].rows.firstIndex { $0.cells.first == key })
                tables[t].rows[r].cells[try column(sheet, name)] = value
            }
            let point = try #require(app.jiujin.directory.points.first { $0.kind == .villageStation })
            let delegation = try #require(app.jiujin.directory.delegations.first)
            let seal = try #require(app.jiujin.directory.sealsByHolder.values.flatMap { $0 }.first)
            try edit("事项", key: "SCJ0702", "状态", "停用")
            try edit("站点", key: point.id, "状态", "停用")
            try edit("印章", key: seal.number, "印章名称", seal.name + "（换刻）")
            try edit("委托", key: delegation.id, "状态", "停用")
            let outcome = try await CountyImporter(db: app.db, ctx: app.jiujin).run(tables, dryRun: false, actor: .init(id: "u-admin", role: "administrator"))
            #expect(outcome.problems.isEmpty, "\(outcome.problems)")
            let log = try await AdminChangeModel.query(on: app.db).filter(\.$actorId == "u-admin").all()
            let byKind = Dictionary(grouping: log, by: \.subjectKind)
            #expect(byKind["item"]?.map(\.action) == ["retired"] && byKind["item"]?.first?.afterJSON?.contains("retiredOn") == true)
            #expect(byKind["point"]?.map(\.action) == ["retired"] && byKind["point"]?.first?.subjectId == point.id)
            #expect(byKind["seal"]?.map(\.action) == ["updated"] && byKind["seal"]?.first?.afterJSON?.contains("（换刻）") == true)
            #expect(byKind["delegation"]?.map(\.action) == ["retired"] && byKind["delegation"]?.first?.beforeJSON != nil)
            #expect(log.allSatisfy { $0.reason == "导入" })
            #expect(app.jiujin.directory.items["SCJ0702"]?.isInUse == false && app.jiujin.directory.guideVersions["SCJ0702"] == 2)
        }
    }
}
