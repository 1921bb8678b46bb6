import Foundation

/// The county workbook's sheets of places and people (区划、机构、人员) read into typed rows, every problem named
/// by sheet, row and column. Pure: the server loads what is already there (`known`), calls this, and stores the
/// result only when there is no problem at all.
public struct CountySheets: Sendable {
    /// 状态: a row is in use unless it says 停用.
    public enum Status: String, Sendable {
        case active = "在用"
        case retired = "停用"
    }

    public struct RegionRow: Hashable, Sendable {
        public var row: Int
        public var region: Region
    }

    public struct OrganizationRow: Hashable, Sendable {
        public var row: Int
        public var organization: Organization
    }

    public struct StaffRow: Hashable, Sendable {
        public var row: Int
        public var username: String
        public var name: String
        public var role: ActorRole
        public var orgId: String
        public var phone: String?
        public var status: Status
    }

    public static let regionSheet = "区划"
    public static let organizationSheet = "机构"
    public static let staffSheet = "人员"
    public static let regionColumns = ["区划代码", "名称", "类型", "纬度", "经度"]
    public static let organizationColumns = ["机构编码", "名称", "类型", "所在区划"]
    public static let staffColumns = ["用户名", "姓名", "角色", "所属机构", "手机", "状态"]
    static let requiredColumns: [String: [String]] = [
        regionSheet: ["区划代码", "名称", "类型"],
        organizationSheet: ["机构编码", "名称", "类型", "所在区划"],
        staffSheet: ["用户名", "姓名", "角色", "所属机构"],
    ]

    public static let regionKinds: [String: Region.Kind] = ["县": .county, "镇": .town, "街道": .street, "村": .village, "社区": .community]
    public static let organizationKinds: [String: Organization.Kind] = Dictionary(
        uniqueKeysWithValues: [Organization.Kind.department, .countyCentre, .town, .village].map { ($0.label, $0) })
    public static let staffRoles: [String: ActorRole] = Dictionary(uniqueKeysWithValues: ActorRole.staffRoles.map { ($0.label, $0) })

    public var regions: [RegionRow] = []
    public var organizations: [OrganizationRow] = []
    public var staff: [StaffRow] = []

    /// Reads the sheets the workbook has (any may be absent). `known`: what is stored already, so rows may name
    /// regions and organisations of earlier imports; `knownUsernames` are the accounts that exist.
    public static func read(_ tables: [SheetTable], known: Directory) -> (CountySheets, [ImportProblem]) {
        var out = CountySheets()
        var problems: [ImportProblem] = []
        let byName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for t in tables where requiredColumns[t.name] == nil && !t.name.isEmpty {
            if !["站点", "事项", "材料", "环节", "委托", "印章", "说明"].contains(t.name) {
                problems.append(ImportProblem(sheet: t.name, message: "未知的工作表「\(t.name)」：工作表名应为 区划、机构、人员 等（见导入模板）"))
            }
        }
        // A sheet without its columns cannot be read row by row: report its header and read nothing more.
        var headers: [ImportProblem] = []
        for (sheet, columns) in requiredColumns.sorted(by: { $0.key < $1.key }) {
            guard let t = byName[sheet] else { continue }
            for c in columns where !t.header.contains(c) {
                headers.append(ImportProblem(sheet: sheet, row: 1, column: c, message: "缺少「\(c)」列（表头须在第1行）"))
            }
            var seen = Set<String>()
            for h in t.header where !h.isEmpty {
                if !seen.insert(h).inserted { headers.append(ImportProblem(sheet: sheet, row: 1, column: h, message: "表头「\(h)」重复")) }
            }
        }
        guard headers.isEmpty else { return (out, problems + headers) }

        // 区划
        var regionCodes = Set(known.tree.byCode.keys)
        let county = known.tree.roots.first?.code
        if let t = byName[regionSheet] {
            var inSheet = Set<DivisionCode>()
            for row in t.rows {
                func problem(_ column: String?, _ message: String) {
                    problems.append(ImportProblem(sheet: regionSheet, row: row.number, column: column, message: message))
                }
                let raw = CellText.code(t.value(row, "区划代码"))
                guard let code = DivisionCode(raw) else {
                    problem("区划代码", "区划代码「\(TextLimit.echo(raw))」无效：应为12位数字（县6位+镇3位+村3位），请将该列设为文本以保留开头的0")
                    continue
                }
                guard inSheet.insert(code).inserted else { problem("区划代码", "区划代码 \(code) 重复"); continue }
                let name = t.value(row, "名称")
                if name.isEmpty || name.count > 50 { problem("名称", "请填写名称（50字以内）") }
                let kindText = t.value(row, "类型")
                guard let kind = regionKinds[kindText] else {
                    problem("类型", "类型「\(TextLimit.echo(kindText))」无效：应为 县、镇、街道、村 或 社区"); continue
                }
                let levelFits: Bool
                switch kind {
                case .county: levelFits = code.level == .county
                case .town, .street: levelFits = code.level == .town
                case .village, .community: levelFits = code.level == .village
                }
                if !levelFits { problem("类型", "区划代码 \(code) 是\(code.level.label)代码，与类型「\(kindText)」不符") }
                if let county, code.county != county.county {
                    problem("区划代码", "区划代码 \(code) 不属于本县（\(county)）")
                }
                var location: GeoPoint?
                let lat = CellText.code(t.value(row, "纬度")), lon = CellText.code(t.value(row, "经度"))
                if !lat.isEmpty || !lon.isEmpty {
                    if let la = Double(lat), let lo = Double(lon), GeoPoint(lat: la, lon: lo).isValid {
                        location = GeoPoint(lat: la, lon: lo)
                    } else {
                        problem(lat.isEmpty || Double(lat) == nil ? "纬度" : "经度", "经纬度应为数字（纬度 -90～90，经度 -180～180），两者同时填写")
                    }
                }
                out.regions.append(RegionRow(row: row.number, region: Region(code: code, name: name, kind: kind, location: location)))
            }
            regionCodes.formUnion(inSheet)
            for r in out.regions {
                if let parent = r.region.parent, !regionCodes.contains(parent) {
                    problems.append(ImportProblem(sheet: regionSheet, row: r.row, column: "区划代码",
                                                  message: "上级区划 \(parent) 不存在：请先在本表中列出上级"))
                }
            }
            let counties = Set(out.regions.filter { $0.region.kind == .county }.map(\.region.code)) .union(county.map { [$0] } ?? [])
            if counties.count > 1 {
                problems.append(ImportProblem(sheet: regionSheet, message: "一个就近办只服务一个县：工作簿中有 \(counties.count) 个县"))
            }
        }

        // 机构
        var orgIds = Set(known.organizations.keys)
        if let t = byName[organizationSheet] {
            var inSheet = Set<String>()
            for row in t.rows {
                func problem(_ column: String?, _ message: String) {
                    problems.append(ImportProblem(sheet: organizationSheet, row: row.number, column: column, message: message))
                }
                let id = CellText.code(t.value(row, "机构编码"))
                guard Self.isCode(id) else {
                    problem("机构编码", "机构编码「\(TextLimit.echo(id))」无效：用1–40位小写字母、数字和“-”，如 town-100"); continue
                }
                guard inSheet.insert(id).inserted else { problem("机构编码", "机构编码 \(id) 重复"); continue }
                let name = t.value(row, "名称")
                if name.isEmpty || name.count > 100 { problem("名称", "请填写名称（100字以内）") }
                let kindText = t.value(row, "类型")
                guard let kind = organizationKinds[kindText] else {
                    problem("类型", "类型「\(TextLimit.echo(kindText))」无效：应为 " + organizationKinds.keys.sorted().joined(separator: "、")); continue
                }
                let regionText = CellText.code(t.value(row, "所在区划"))
                guard let region = DivisionCode(regionText), regionCodes.contains(region) else {
                    problem("所在区划", "所在区划「\(TextLimit.echo(regionText))」不存在：请先在「区划」表中列出"); continue
                }
                let expected: RegionLevel = kind == .town ? .town : kind == .village ? .village : .county
                if region.level != expected { problem("所在区划", "\(kindText)应设在\(expected.label)区划，\(region) 是\(region.level.label)") }
                out.organizations.append(OrganizationRow(row: row.number, organization: Organization(id: id, name: name, kind: kind, region: region)))
            }
            orgIds.formUnion(inSheet)
        }

        // 人员
        if let t = byName[staffSheet] {
            var inSheet = Set<String>()
            for row in t.rows {
                func problem(_ column: String?, _ message: String) {
                    problems.append(ImportProblem(sheet: staffSheet, row: row.number, column: column, message: message))
                }
                // A space inside a username is ambiguous (two names? a typo?): reported, not removed.
                let typed = t.value(row, "用户名")
                let username = typed.contains(" ") ? typed : CellText.code(typed)
                guard Self.isUsername(username) else {
                    problem("用户名", "用户名「\(TextLimit.echo(username))」无效：用1–64位字母、数字和 - _ ."); continue
                }
                guard inSheet.insert(username.lowercased()).inserted else { problem("用户名", "用户名 \(username) 重复"); continue }
                let name = t.value(row, "姓名")
                if name.isEmpty || name.count > 50 { problem("姓名", "请填写姓名（50字以内）") }
                let roleText = t.value(row, "角色")
                guard let role = staffRoles[roleText] else {
                    problem("角色", "角色「\(TextLimit.echo(roleText))」无效：应为 " + ActorRole.staffRoles.map(\.label).joined(separator: "、")); continue
                }
                let orgId = CellText.code(t.value(row, "所属机构"))
                if !orgIds.contains(orgId) { problem("所属机构", "所属机构「\(TextLimit.echo(orgId))」不存在：请先在「机构」表中列出") }
                var phone: String?
                let phoneText = CellText.code(t.value(row, "手机"))
                if !phoneText.isEmpty {
                    do { phone = try MobileNumber(phoneText).rawValue } catch { problem("手机", error.message) }
                }
                let statusText = t.value(row, "状态")
                guard let status = statusText.isEmpty ? .active : Status(rawValue: statusText) else {
                    problem("状态", "状态「\(TextLimit.echo(statusText))」无效：应为 在用 或 停用"); continue
                }
                out.staff.append(StaffRow(row: row.number, username: username, name: name, role: role, orgId: orgId, phone: phone,
                                          status: status))
            }
        }
        return (out, problems)
    }

    static func isCode(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 40 && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isUsername(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    // MARK: writing the sheets

    /// The drop-down lists of the enumerated columns, by sheet and column.
    public static let choices: [String: [String: [String]]] = [
        regionSheet: ["类型": ["县", "镇", "街道", "村", "社区"]],
        organizationSheet: ["类型": [Organization.Kind.department, .countyCentre, .town, .village].map(\.label)],
        staffSheet: ["角色": ActorRole.staffRoles.map(\.label), "状态": [Status.active.rawValue, Status.retired.rawValue]],
    ]

    static func kindText(_ kind: Region.Kind) -> String {
        switch kind {
        case .county: return "县"
        case .town: return "镇"
        case .street: return "街道"
        case .village: return "村"
        case .community: return "社区"
        }
    }

    static func number(_ d: Double?) -> String {
        guard let d else { return "" }
        return String(format: "%.6f", d).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    /// What is stored, as the same sheets: importing it changes nothing.
    public static func export(_ d: Directory, staff: [(member: StaffMember, active: Bool)]) -> [SheetTable] {
        func rows(_ cells: [[String]]) -> [SheetTable.Row] { cells.enumerated().map { .init(number: $0.offset + 2, cells: $0.element) } }
        let regions = d.tree.byCode.values.sorted { $0.code < $1.code }.map { r in
            [r.code.rawValue, r.name, kindText(r.kind), number(r.location?.lat), number(r.location?.lon)]
        }
        let orgs = d.organizations.values.sorted { $0.id < $1.id }.map { o in [o.id, o.name, o.kind.label, o.region.rawValue] }
        let people = staff.sorted { $0.member.username < $1.member.username }.map { s in
            [s.member.username, s.member.name, s.member.role.label, s.member.orgId, s.member.phone ?? "",
             s.active ? Status.active.rawValue : Status.retired.rawValue]
        }
        return [SheetTable(name: regionSheet, header: regionColumns, rows: rows(regions)),
                SheetTable(name: organizationSheet, header: organizationColumns, rows: rows(orgs)),
                SheetTable(name: staffSheet, header: staffColumns, rows: rows(people))]
    }

    /// The template: every sheet with its columns and one example row (演示数据 of a county that does not exist).
    public static func template() -> [SheetTable] {
        [SheetTable(name: regionSheet, header: regionColumns, rows: [
            .init(number: 2, cells: ["990101000000", "青禾县", "县", "35.1", "118.3"]),
            .init(number: 3, cells: ["990101100000", "青石镇", "镇", "", ""]),
            .init(number: 4, cells: ["990101100201", "王官庄村", "村", "", ""]),
        ]),
         SheetTable(name: organizationSheet, header: organizationColumns, rows: [
            .init(number: 2, cells: ["town-100", "青石镇便民服务中心", Organization.Kind.town.label, "990101100000"]),
         ]),
         SheetTable(name: staffSheet, header: staffColumns, rows: [
            .init(number: 2, cells: ["ck-100", "王芳", ActorRole.windowClerk.label, "town-100", "13812345678", Status.active.rawValue]),
         ])]
    }
}
