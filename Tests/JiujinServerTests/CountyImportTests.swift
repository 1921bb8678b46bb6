import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting
import ZIPFoundation

/// A county loads its own places and people: all or nothing, keyed by codes, idempotent, with activation codes.
@Suite struct CountyImportTests {
    static func table(_ name: String, _ header: [String], _ rows: [[String]]) -> SheetTable {
        SheetTable(name: name, header: header, rows: rows.enumerated().map { .init(number: $0.offset + 2, cells: $0.element) })
    }

    static func workbook(townName: String = "石门镇", clerkPhone: String = "13812345678", clerkStatus: String = "",
                         extraStaff: [[String]] = []) -> [SheetTable] {
        [
            table("区划", ["区划代码", "名称", "类型", "纬度", "经度"], [
                ["371329000000", "临沭县", "县", "34.92", "118.65"],
                ["371329100000", townName, "镇", "", ""],
                ["371329100201", "王家庄村", "村", "", ""],
            ]),
            table("机构", ["机构编码", "名称", "类型", "所在区划"], [
                ["dept-xzsp", "临沭县行政审批服务局", "县直部门", "371329000000"],
                ["town-100", "\(townName)便民服务中心", "镇（街道）便民服务中心", "371329100000"],
                ["village-100201", "王家庄村便民服务站", "村（社区）便民服务站", "371329100201"],
            ]),
            table("人员", ["用户名", "姓名", "角色", "所属机构", "手机", "状态"], [
                ["ck-100", "王芳", "综合受理窗口人员", "town-100", clerkPhone, clerkStatus],
                ["dl-100201", "赵强", "帮办代办员", "village-100201", "", ""],
            ] + extraStaff),
        ]
    }

    func run(_ app: Application, _ tables: [SheetTable], dryRun: Bool = false) async throws -> CountyImporter.Outcome {
        try await CountyImporter(db: app.db, ctx: app.jiujin).run(tables, dryRun: dryRun, actor: .init(id: "u-test", role: "administrator"))
    }

    @Test func aCountyLoadsItsPlacesAndPeopleOnceAndReimportsChangeOnlyWhatChanged() async throws {
        try await withJiujin(demo: false) { app, c in
            // A dry run stores nothing and says what would come.
            let dry = try await run(app, Self.workbook(), dryRun: true)
            #expect(dry.problems.isEmpty && dry.summary.map(\.added) == [3, 3, 2] && dry.codes.isEmpty)
            #expect(try await RegionModel.query(on: app.db).count() == 0)

            let first = try await run(app, Self.workbook())
            #expect(first.problems.isEmpty && first.summary.map(\.added) == [3, 3, 2], "\(first.problems)")
            #expect(first.codes.map(\.username) == ["ck-100", "dl-100201"])
            #expect(app.jiujin.directory.organizations["town-100"]?.name == "石门镇便民服务中心")
            #expect(app.jiujin.directory.countyName == "临沭县")
            // The clerk activates with the printed code and signs in.
            let code = try #require(first.codes.first?.code)
            let activated = try await c.send(.POST, "/api/v1/auth/activate", json: ["username": "ck-100", "code": code, "newPassword": "Linshu2026clerk"])
            #expect(activated.status == .noContent)
            let token = try await c.login("ck-100", password: "Linshu2026clerk")

            // The same workbook again: nothing changes, no new codes.
            let again = try await run(app, Self.workbook())
            #expect(again.summary.map(\.unchanged) == [3, 3, 2] && again.summary.allSatisfy { $0.added + $0.changed + $0.retired == 0 })
            #expect(again.codes.isEmpty)
            #expect(try await StaffModel.query(on: app.db).count() == 2)

            // A renamed town, a new phone, a new colleague; then the clerk leaves (停用) and their token ends.
            let changed = try await run(app, Self.workbook(townName: "石门街道", clerkPhone: "13912345678",
                                                           extraStaff: [["sp-100", "李强", "审批人员", "town-100", "", ""]]))
            #expect(changed.summary.map(\.changed) == [1, 1, 1] && changed.summary.last?.added == 1)
            #expect(app.jiujin.directory.organizations["town-100"]?.name == "石门街道便民服务中心")
            #expect(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").first()?.phone == "13912345678")
            let left = try await run(app, Self.workbook(townName: "石门街道", clerkPhone: "13912345678", clerkStatus: "停用"))
            #expect(left.summary.last?.retired == 1)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: token).status == .unauthorized)
            let imported = try await AdminChangeModel.query(on: app.db).filter(\.$action == "imported").count()
            #expect(imported == 3 + 3 + 2 + 1)
            // The renamed town, the new phone: each change logged with what it was and what it became.
            let renamed = try #require(try await AdminChangeModel.query(on: app.db).filter(\.$action == "updated").filter(\.$subjectId == "town-100").first())
            #expect(renamed.beforeJSON?.contains("石门镇便民服务中心") == true && renamed.afterJSON?.contains("石门街道便民服务中心") == true)
            #expect(try await AdminChangeModel.query(on: app.db).filter(\.$action == "deactivated").count() == 1)
        }
    }

    @Test func oneBadRowAndNothingIsImported() async throws {
        try await withJiujin(demo: false) { app, _ in
            var tables = Self.workbook()
            tables[2].rows.append(.init(number: 4, cells: ["sp-100", "李强", "局长", "town-100", "", ""]))
            let outcome = try await run(app, tables)
            #expect(outcome.problems.count == 1 && outcome.problems[0].row == 4 && outcome.problems[0].column == "角色")
            let (regions, staff) = (try await RegionModel.query(on: app.db).count(), try await StaffModel.query(on: app.db).count())
            #expect(regions == 0 && staff == 0)
            #expect(outcome.summary.isEmpty && outcome.codes.isEmpty)
        }
    }

    @Test func theCommandReadsAnXLSXOrAFolderOfCSVAndRefusesOtherFiles() async throws {
        try await withJiujin(demo: false) { app, _ in
            let dir = NSTemporaryDirectory() + "jiujin-import-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir + "/csv", withIntermediateDirectories: true)
            for t in Self.workbook() {
                let text = ([t.header] + t.rows.map(\.cells)).map { $0.map { "\"\($0)\"" }.joined(separator: ",") }.joined(separator: "\n")
                try Data(("\u{FEFF}" + text + "\n").utf8).write(to: URL(fileURLWithPath: "\(dir)/csv/\(t.name).csv"))
            }
            let fromCSV = try await CountyImport.run(app, path: dir + "/csv", dryRun: true)
            #expect(!fromCSV.failed && fromCSV.lines.contains { $0.contains("人员：新增 2") }, "\(fromCSV.lines)")
            try WorkbookWriter.xlsx(Self.workbook()).write(to: URL(fileURLWithPath: dir + "/county.xlsx"))
            let fromXLSX = try await CountyImport.run(app, path: dir + "/county.xlsx", dryRun: false)
            #expect(!fromXLSX.failed && fromXLSX.lines.contains { $0.contains("ck-100") && $0.contains("王芳") })
            try Data("not a workbook".utf8).write(to: URL(fileURLWithPath: dir + "/county.docx"))
            let refused = try await CountyImport.run(app, path: dir + "/county.docx", dryRun: false)
            #expect(refused.failed && refused.lines.first?.contains("不是 .xlsx") == true)
            let missing = try await CountyImport.run(app, path: dir + "/none.xlsx", dryRun: false)
            #expect(missing.failed)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test func anExportReimportsWithoutChangeAndTheTemplateOffersItsLists() async throws {
        try await withJiujin(demo: false) { app, _ in
            _ = try await run(app, Self.workbook())
            let exported = try await CountyWorkbook.export(db: app.db, ctx: app.jiujin)
            let (tables, problems) = try WorkbookReader.readXLSX(exported)
            #expect(problems.isEmpty && tables.map(\.name) == CountySheets.sheetOrder)
            #expect(tables[0].rows.first?.cells == ["371329000000", "临沭县", "县", "34.92", "118.65"])
            let again = try await run(app, tables)
            #expect(again.problems.isEmpty && again.summary.map(\.unchanged) == [3, 3, 0, 0, 0, 0, 0, 0, 2], "\(again.problems) \(again.summary)")
            #expect(again.summary.allSatisfy { $0.added + $0.changed + $0.retired == 0 } && again.codes.isEmpty)
            // The template: columns, an example row, and drop-down lists for the enumerated columns.
            let template = try CountyWorkbook.template()
            let read = try WorkbookReader.readXLSX(template)
            #expect(read.tables.map(\.name) == CountySheets.sheetOrder)
            #expect(read.tables.map(\.header) == CountySheets.sheetOrder.map { CountySheets.columns[$0]! })
            #expect(read.tables.allSatisfy { !$0.rows.isEmpty })
            #expect(CountySheets.read(read.tables, known: .only(.empty, today: app.jiujin.today)).1.isEmpty)
            let archive = try Archive(data: template, accessMode: .read)
            var sheet = Data()
            _ = try archive.extract(try #require(archive["xl/worksheets/sheet9.xml"])) { sheet.append($0) }
            let xml = String(decoding: sheet, as: UTF8.self)
            #expect(xml.contains("<dataValidation type=\"list\"") && xml.contains(ActorRole.approver.label))
        }
    }

    @Test func onlyAdministratorsDownloadTheWorkbook() async throws {
        try await withJiujin { app, _ in
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            let res = try await app.testing().sendRequest(.GET, "/admin/workbook/county.xlsx", headers: [
                "Cookie": admin.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            ])
            #expect(res.status == .ok && res.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let (tables, _) = try WorkbookReader.readXLSX(Data(buffer: res.body))
            #expect(tables.first { $0.name == "人员" }?.rows.contains { $0.cells.first == "ck-100" } == true)
            for user in ["jiandu", "ck-100"] {
                let web = WebClient(app: app)
                _ = try await web.signIn(user)
                #expect(try await web.get("/admin/workbook/county.xlsx").status == .forbidden)
                #expect(try await web.get("/admin/workbook/template.xlsx").status == .forbidden)
            }
            #expect(try await WebClient(app: app).get("/admin/workbook/template.xlsx").location?.hasPrefix("/login") == true)
        }
    }
}
