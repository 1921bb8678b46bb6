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

/// Each rule of the catalog, point, seal, delegation and staff sheets names its row and column.
@Suite struct CountySheetRulesTests {
    static let known = CountySheets.Known.only(CountyWorkbookTests.directory, today: CountyWorkbookTests.today)

    func problems(_ name: String, _ rows: [[String: String]]) -> [ImportProblem] {
        let header = CountySheets.columns[name]!
        let table = SheetTable(name: name, header: header, rows: rows.enumerated().map { i, r in .init(number: i + 2, cells: header.map { r[$0] ?? "" }) })
        return CountySheets.read([table], known: Self.known).1
    }

    func has(_ p: [ImportProblem], _ row: Int, _ column: String?, _ words: String) -> Bool {
        p.contains { $0.row == row && $0.column == column && $0.message.contains(words) }
    }

    static let item: [String: String] = ["事项编码": "NEW0001", "事项名称": "新事项", "事项类型": "行政许可", "实施主体": "dept-scjg", "设定依据": "某条例",
                                        "受理条件": "符合条件", "法定时限": "20", "承诺时限": "5", "受理层级": "县、镇", "审批层级": "县"]

    @Test func itemRowsAreCheckedFieldByField() {
        var limit = Self.item; limit["承诺时限"] = "30"
        var instant = Self.item; instant["事项编码"] = "NEW0002"; instant["即办件"] = "是"
        var dept = Self.item; dept["事项编码"] = "NEW0003"; dept["实施主体"] = "town-100"
        var fee = Self.item; fee["事项编码"] = "NEW0004"; fee["收费标准"] = "12.345"
        var level = Self.item; level["事项编码"] = "NEW0005"; level["受理层级"] = "省"
        var flag = Self.item; flag["事项编码"] = "NEW0006"; flag["可预约"] = "也许"
        let p = problems("事项", [limit, instant, dept, fee, level, flag, Self.item])
        #expect(has(p, 2, "承诺时限", "超过法定时限"))
        #expect(has(p, 3, "承诺时限", "即办件"))
        #expect(has(p, 4, "实施主体", "县直部门"))
        #expect(has(p, 5, "收费标准", "金额"))
        #expect(has(p, 6, "受理层级", "省"))
        #expect(has(p, 7, "可预约", "是 或 否"))
        #expect(has(p, 8, "事项编码", "重复"))
        // A new item without materials or stages in the workbook cannot be used.
        #expect(p.contains { $0.message.contains("没有申请材料") })
    }

    @Test func materialsAndStagesNameAnExistingItemAndDoNotRepeat() {
        let header = CountySheets.materialColumns
        func row(_ values: [String: String], _ n: Int) -> SheetTable.Row { .init(number: n, cells: header.map { values[$0] ?? "" }) }
        let materials = SheetTable(name: "材料", header: header, rows: [
            row(["事项编码": "NOPE", "材料名称": "身份证"], 2),
            row(["事项编码": "SCJ0701", "材料名称": "申请书", "份数": "0"], 3),
            row(["事项编码": "SCJ0701", "材料名称": "申请书"], 4),
            row(["事项编码": "SCJ0701", "材料名称": "照片", "空白表格": "../etc/passwd"], 5),
            row(["事项编码": "SCJ0701", "材料名称": "证明", "材料形式": "扫描件"], 6),
        ])
        let stages = SheetTable(name: "环节", header: CountySheets.stageColumns, rows: [
            .init(number: 2, cells: ["SCJ0701", "1", "审查", "town-999"]),
        ])
        let p = CountySheets.read([materials, stages], known: Self.known).1
        #expect(has(p, 2, "事项编码", "不存在"))
        #expect(has(p, 3, "份数", "1–99"))
        #expect(has(p, 4, "材料名称", "重复"))
        #expect(has(p, 5, "空白表格", "文件名"))
        #expect(has(p, 6, "材料形式", "扫描件"))
        #expect(p.contains { $0.sheet == "环节" && $0.row == 2 && $0.column == "承办机构" && $0.message.contains("不存在") })
    }

    static let point: [String: String] = ["站点编码": "sp-new", "名称": "新站", "类型": "村（社区）便民服务站", "所属机构": "village-100201",
                                         "所在区划": "990101100201", "地址": "村委会", "纬度": "36.5", "经度": "118.2", "工作日时段": "08:00-12:00"]

    @Test func pointRowsCheckOrganisationHoursChecklistAndOfferedItems() {
        var org = Self.point; org["所属机构"] = "town-999"
        var kind = Self.point; kind["站点编码"] = "sp-new2"; kind["所属机构"] = "town-100"
        var hours = Self.point; hours["站点编码"] = "sp-new3"; hours["工作日时段"] = "08:00-12:00 11:00-14:00"
        var backwards = Self.point; backwards["站点编码"] = "sp-new4"; backwards["延时时段"] = "19:00-17:30"
        var offered = Self.point; offered["站点编码"] = "sp-new5"; offered["可办事项"] = "SCJ0701"
        var bank = Self.point; bank["站点编码"] = "sp-new6"; bank["类型"] = "银行合作网点"; bank["所属机构"] = "town-100"
        bank["所在区划"] = "990101100000"; bank["可办事项"] = "NOPE"; bank["有场所"] = "是"
        var where_ = Self.point; where_["站点编码"] = "sp-new7"; where_["纬度"] = "136"
        var none = Self.point; none["站点编码"] = "sp-new8"; none["工作日时段"] = ""
        let p = problems("站点", [org, kind, hours, backwards, offered, bank, where_, none])
        #expect(has(p, 2, "所属机构", "不存在"))
        #expect(has(p, 3, "所属机构", "此处应为"))
        #expect(has(p, 4, "工作日时段", "重叠"))
        #expect(has(p, 5, "延时时段", "结束时间"))
        #expect(has(p, 6, "可办事项", "只有合作网点"))
        #expect(has(p, 7, "可办事项", "不存在"))
        #expect(has(p, 7, "有场所", "六有一能"))
        #expect(has(p, 8, "纬度", "经纬度"))
        #expect(has(p, 9, "工作日时段", "开放时间"))
    }

    @Test func slotsReadTheWaysPeopleTypeThem() throws {
        #expect(try OpeningHours.slots("8:30-12:00，13:30～17:30").get().map(\.description) == ["08:30-12:00", "13:30-17:30"])
        #expect(try OpeningHours.slots("24小时").get().map(\.description) == ["00:00-24:00"])
        #expect(try OpeningHours.slots("").get().isEmpty)
        #expect(throws: OpeningHours.SlotProblem.self) { try OpeningHours.slots("早上").get() }
        #expect(OpeningHours(workdays: [.init(start: 510, end: 720)], weekend: [.init(start: 540, end: 720)]).summary
                == "工作日 08:30-12:00；周末 09:00-12:00")
    }

    @Test func sealsAndDelegationsCheckOwnersHoldersItemsDatesAndBackdating() {
        let seals = problems("印章", [
            ["印章编号": "新章(01)", "印章名称": "章", "所有机构": "town-100", "持有机构": "town-100"],
            ["印章编号": "新章(02)", "印章名称": "章", "所有机构": "dept-scjg", "持有机构": "town-999"],
        ])
        #expect(has(seals, 2, "所有机构", "此处应为"))
        #expect(has(seals, 3, "持有机构", "不存在"))
        let base: [String: String] = ["委托编号": "del-new", "委托书文号": "青禾发〔2026〕9号", "委托机关": "dept-scjg", "受委托机构": "town-100",
                                      "委托事项": "SCJ0701", "生效日期": "2026-12-10", "印章编号": "审批专用章(03)"]
        var backdated = base; backdated["委托编号"] = "del-new2"; backdated["生效日期"] = "2026-11-01"
        var notOwn = base; notOwn["委托编号"] = "del-new3"; notOwn["委托事项"] = "MZJ0501"
        var dates = base; dates["委托编号"] = "del-new4"; dates["截止日期"] = "2026-12-01"
        var toDept = base; toDept["委托编号"] = "del-new5"; toDept["受委托机构"] = "dept-mzj"
        var seal = base; seal["委托编号"] = "del-new6"; seal["印章编号"] = "审批专用章(01)"
        var date = base; date["委托编号"] = "del-new7"; date["生效日期"] = "2026-13-01"
        var withReason = backdated; withReason["委托编号"] = "del-new8"; withReason["补录说明"] = "依据纸质委托书补录"
        let p = problems("委托", [base, backdated, notOwn, dates, toDept, seal, date, withReason])
        #expect(!p.contains { $0.row == 2 || $0.row == 9 }, "\(p)")
        #expect(has(p, 3, "补录说明", "早于今天"))
        #expect(has(p, 4, "委托事项", "实施主体"))
        #expect(has(p, 5, "截止日期", "早于生效日期"))
        #expect(has(p, 6, "受委托机构", "此处应为"))
        #expect(has(p, 7, "印章编号", "持有"))
        #expect(has(p, 8, "生效日期", "不是有效日期"))
    }

    @Test func staffRowsCheckRolePointTellerAndBackup() {
        let p = problems("人员", [
            ["用户名": "gy-1", "姓名": "柜员", "角色": "合作网点柜员", "所属机构": "town-100"],
            ["用户名": "gy-2", "姓名": "柜员", "角色": "合作网点柜员", "所属机构": "town-100", "所属站点": "sp-town-100"],
            ["用户名": "dl-x", "姓名": "代办", "角色": "帮办代办员", "所属机构": "dept-scjg"],
            ["用户名": "ck-x", "姓名": "窗口", "角色": "综合受理窗口人员", "所属机构": "town-100", "代办类型": "专职"],
            ["用户名": "sp-x", "姓名": "审批", "角色": "审批人员", "所属机构": "town-100", "AB角": "sp-scjg"],
            ["用户名": "sp-y", "姓名": "审批", "角色": "审批人员", "所属机构": "town-100", "AB角": "nobody"],
            ["用户名": "sp-z", "姓名": "审批", "角色": "审批人员", "所属机构": "town-100", "AB角": "sp-z"],
            ["用户名": "dl-y", "姓名": "代办", "角色": "帮办代办员", "所属机构": "town-100", "AB角": "sp-x", "代办类型": "专职"],
        ])
        #expect(has(p, 2, "所属站点", "须填写所属站点"))
        #expect(has(p, 3, "所属站点", "合作网点"))
        #expect(has(p, 4, "角色", "不能属于"))
        #expect(has(p, 5, "代办类型", "只有帮办代办员"))
        #expect(has(p, 7, "AB角", "不是已有"))
        #expect(has(p, 8, "AB角", "本人"))
        // A town-level agent (镇级帮办代办员) with a colleague of the same town as backup reads cleanly.
        #expect(!p.contains { $0.row == 9 }, "\(p)")
    }
}

@Suite struct GuideEncodingTests {
    @Test func anItemsAcceptLevelsEncodeInOneOrderWhateverTheSetsOrder() throws {
        var item = try #require(DemoCounty.build().items.first)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        item.acceptLevels = [.village, .town, .county]
        let a = try encoder.encode(item)
        item.acceptLevels = [.county, .village, .town]
        let b = try encoder.encode(item)
        #expect(a == b && String(decoding: a, as: UTF8.self).contains(#""acceptLevels":["county","town","village"]"#))
        let back = try JSONDecoder().decode(ServiceItem.self, from: Data(String(decoding: a, as: UTF8.self)
            .replacingOccurrences(of: #"["county","town","village"]"#, with: #"["town","village","county"]"#).utf8))
        #expect(back == item)
    }
}
