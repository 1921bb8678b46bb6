import Foundation
import Testing
@testable import JiujinCore

/// The places-and-people sheets of a county workbook: good rows become typed rows, every bad one is named.
@Suite struct CountySheetsTests {
    static let demo = DemoCounty.build()
    static let today = LocalDate("2026-12-02")!
    static let directory = try! Directory(regions: demo.regions, organizations: demo.organizations, points: demo.servicePoints,
                                          items: demo.items, seals: demo.seals, delegations: demo.delegations)

    func table(_ name: String, _ header: [String], _ rows: [[String]]) -> SheetTable {
        SheetTable(name: name, header: header, rows: rows.enumerated().map { .init(number: $0.offset + 2, cells: $0.element) })
    }

    @Test func aFreshCountyReadsFromItsSheets() {
        let tables = [
            table("区划", ["区划代码", "名称", "类型", "纬度", "经度"], [
                ["371329000000", "临沭县", "县", "34.92", "118.65"],
                ["３７１３２９１０００００", "石门镇", "镇", "", ""],
                ["371329100201", "王家庄村", "村", "", ""],
            ]),
            table("机构", ["机构编码", "名称", "类型", "所在区划"], [
                ["dept-xzsp", "临沭县行政审批服务局", "县直部门", "371329000000"],
                ["town-100", "石门镇便民服务中心", "镇（街道）便民服务中心", "371329100000"],
            ]),
            table("人员", ["用户名", "姓名", "角色", "所属机构", "手机", "状态"], [
                ["ck-100", "王芳", "综合受理窗口人员", "town-100", "138 1234 5678", ""],
                ["old-1", "李四", "审批人员", "town-100", "", "停用"],
            ]),
        ]
        let (sheets, problems) = CountySheets.read(tables, known: .only(.empty, today: Self.today))
        #expect(problems.isEmpty, "\(problems)")
        #expect(sheets.regions.map(\.region.code.rawValue) == ["371329000000", "371329100000", "371329100201"])
        #expect(sheets.regions[0].region.location?.lat == 34.92 && sheets.regions[1].region.kind == .town)
        #expect(sheets.organizations.map(\.organization.kind) == [.department, .town])
        #expect(sheets.staff.map(\.phone) == ["13812345678", nil] && sheets.staff[1].status == .retired)
        #expect(sheets.staff[0].role == .windowClerk)
    }

    @Test func everyBadRowIsNamedBySheetRowAndColumn() {
        let tables = [
            table("区划", ["区划代码", "名称", "类型"], [
                ["99010110020", "短了一位", "村"],                 // 11 digits
                ["990101100201", "重复", "村"],                    // exists already? no: duplicate below
                ["990101100201", "重复", "村"],
                ["990101108000", "没有上级的镇", "村"],            // a town code typed as a village
                ["990101109000", "上级", "镇"],
                ["990101109301", "", "社区"],                     // no name
                ["370101000000", "别的县", "县"],                 // another county
            ]),
            table("机构", ["机构编码", "名称", "类型", "所在区划"], [
                ["Town_9", "大写和下划线", "镇（街道）便民服务中心", "990101109000"],
                ["town-109", "石门", "乡政府", "990101109000"],
                ["town-110", "没有区划", "镇（街道）便民服务中心", "990101110000"],
                ["village-x", "设在镇级", "村（社区）便民服务站", "990101109000"],
            ]),
            table("人员", ["用户名", "姓名", "角色", "所属机构", "手机", "状态"], [
                ["ck 1", "空格", "综合受理窗口人员", "town-100", "", ""],
                ["ck-new", "新人", "局长", "town-100", "", ""],
                ["ck-new2", "新人", "审批人员", "town-999", "12345", "离职"],
                ["dup", "甲", "审批人员", "town-100", "", ""],
                ["DUP", "乙", "审批人员", "town-100", "", ""],
            ]),
            table("杂项", ["a"], [["b"]]),
        ]
        let (_, problems) = CountySheets.read(tables, known: .only(Self.directory, today: Self.today))
        func has(_ sheet: String, _ row: Int, _ column: String, _ words: String) -> Bool {
            problems.contains { $0.sheet == sheet && $0.row == row && $0.column == column && $0.message.contains(words) }
        }
        #expect(problems.contains { $0.sheet == "杂项" && $0.message.contains("未知的工作表") })
        #expect(has("区划", 2, "区划代码", "12位数字"))
        #expect(has("区划", 4, "区划代码", "重复"))
        #expect(has("区划", 5, "类型", "不符"))
        #expect(has("区划", 7, "名称", "请填写「名称」"))
        #expect(has("区划", 8, "区划代码", "不属于本县"))
        #expect(problems.contains { $0.sheet == "区划" && $0.message.contains("只服务一个县") })
        #expect(has("机构", 2, "机构编码", "无效"))
        #expect(has("机构", 3, "类型", "乡政府"))
        #expect(has("机构", 4, "所在区划", "不存在"))
        #expect(has("机构", 5, "所在区划", "村（社区）级"))
        #expect(has("人员", 2, "用户名", "无效"))
        #expect(has("人员", 3, "角色", "局长"))
        #expect(has("人员", 4, "所属机构", "不存在"))
        #expect(has("人员", 4, "手机", "11位"))
        #expect(has("人员", 4, "状态", "离职"))
        #expect(has("人员", 6, "用户名", "重复"))
        // Each problem reads as one line a clerk understands.
        #expect(problems.first { $0.sheet == "人员" && $0.row == 3 }?.description.hasPrefix("「人员」第3行「角色」列：") == true)
    }

    @Test func aMissingColumnIsReportedBeforeAnyRow() {
        let (_, problems) = CountySheets.read([table("人员", ["用户名", "姓名", "姓名"], [["a", "b", "c"]])], known: .only(.empty, today: Self.today))
        #expect(problems.contains { $0.row == 1 && $0.column == "角色" && $0.message.contains("缺少") })
        #expect(problems.contains { $0.row == 1 && $0.column == "姓名" && $0.message.contains("重复") })
        #expect(!problems.contains { ($0.row ?? 0) > 1 })
    }
}

/// The whole workbook: the demo county reads back as itself, and every sheet's rules name their rows.
@Suite struct CountyWorkbookTests {
    static let today = LocalDate("2026-12-02")!
    static let demo = DemoCounty.build()
    static let directory = try! Directory(regions: demo.regions, organizations: demo.organizations, points: demo.servicePoints,
                                          items: demo.items, seals: demo.seals, delegations: demo.delegations)

    static func demoTables() -> [SheetTable] {
        var tables = CountySheets.export(directory, delegations: demo.delegations, seals: demo.seals.map { (seal: $0, active: true) },
                                         staff: demo.staff.map { CountySheets.StaffEntry(member: $0, active: true) })
        let i = tables.firstIndex { $0.name == "委托" }!
        let column = tables[i].header.firstIndex(of: "补录说明")!
        for r in tables[i].rows.indices { tables[i].rows[r].cells[column] = "补录" }
        return tables
    }

    @Test func theDemoCountyReadsBackAsItselfFromAnEmptyStart() {
        let (sheets, problems) = CountySheets.read(Self.demoTables(), known: .only(.empty, today: Self.today))
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(sheets.items.count == Self.demo.items.count && sheets.points.count == Self.demo.servicePoints.count)
        #expect(Dictionary(uniqueKeysWithValues: sheets.items.map { ($0.item.code, $0.item) }) == Self.directory.items)
        #expect(Set(sheets.points.map(\.point)) == Set(Self.demo.servicePoints))
        #expect(Set(sheets.delegations.map(\.delegation)) == Set(Self.demo.delegations))
        #expect(Set(sheets.seals.map(\.seal.number)) == Set(Self.demo.seals.map(\.number)))
        #expect(Set(sheets.staff.map(\.member)) == Set(Self.demo.staff))
    }
}
