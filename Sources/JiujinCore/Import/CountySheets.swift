import Foundation

/// The county workbook (县级导入工作簿) read into typed rows — 区划、机构、站点、事项、材料、环节、委托、印章、人员 —
/// with every problem named by sheet, row and column. Pure: the server loads what is stored (`Known`), calls
/// `read`, and stores the result only when there is no problem at all. Every sheet may be absent; rows may name
/// what an earlier import stored.
public struct CountySheets: Sendable {
    /// 状态: a row is in use unless it says 停用.
    public enum Status: String, Sendable {
        case active = "在用"
        case retired = "停用"
    }

    /// What is stored already, for references and for what a row changes.
    public struct Known: Sendable {
        public var directory: Directory
        /// Every delegation, revoked ones too.
        public var delegations: [String: Delegation]
        /// Every seal by number, with whether it is active.
        public var seals: [String: (seal: Seal, active: Bool)]
        /// Staff ids by lowercased username.
        public var staffIds: [String: String]
        /// Staff organisations by staff id.
        public var staffOrgs: [String: String]
        public var today: LocalDate

        public init(directory: Directory, delegations: [Delegation], seals: [(seal: Seal, active: Bool)],
                    staff: [(username: String, id: String, orgId: String)], today: LocalDate) {
            self.directory = directory
            self.delegations = Dictionary(delegations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            self.seals = Dictionary(seals.map { ($0.seal.number, $0) }, uniquingKeysWith: { a, _ in a })
            staffIds = Dictionary(staff.map { ($0.username.lowercased(), $0.id) }, uniquingKeysWith: { a, _ in a })
            staffOrgs = Dictionary(staff.map { ($0.id, $0.orgId) }, uniquingKeysWith: { a, _ in a })
            self.today = today
        }

        /// Only a directory (no delegation, seal or account stored beyond it), as on a first import.
        public static func only(_ directory: Directory, today: LocalDate) -> Known {
            Known(directory: directory, delegations: directory.delegations,
                  seals: directory.sealsByHolder.values.flatMap { $0 }.map { (seal: $0, active: true) }, staff: [], today: today)
        }
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
        /// The account's id: the stored one, or the one a new account gets (`u-` and the username).
        public var id: String
        public var username: String
        public var name: String
        public var role: ActorRole
        public var orgId: String
        public var phone: String?
        public var pointId: String?
        public var backupId: String?
        public var agentMode: AgentMode?
        public var status: Status

        public var member: StaffMember {
            StaffMember(id: id, username: username, name: name, role: role, orgId: orgId, phone: phone, pointId: pointId,
                        backupId: backupId, agentMode: agentMode)
        }
    }

    public struct PointRow: Hashable, Sendable {
        public var row: Int
        public var point: ServicePoint
    }

    public struct ItemRow: Hashable, Sendable {
        public var row: Int
        /// The item as it will be stored: the 事项 row (or the stored item) with its 材料 and 环节 rows.
        public var item: ServiceItem
    }

    public struct DelegationRow: Hashable, Sendable {
        public var row: Int
        public var delegation: Delegation
        /// 补录说明: why a new delegation starts before the day it is recorded.
        public var backdateReason: String?
    }

    public struct SealRow: Hashable, Sendable {
        public var row: Int
        public var seal: Seal
        public var active: Bool
    }

    public static let regionSheet = "区划"
    public static let organizationSheet = "机构"
    public static let pointSheet = "站点"
    public static let itemSheet = "事项"
    public static let materialSheet = "材料"
    public static let stageSheet = "环节"
    public static let delegationSheet = "委托"
    public static let sealSheet = "印章"
    public static let staffSheet = "人员"
    /// The sheets in the order they are read and written: what a sheet names comes before it.
    public static let sheetOrder = [regionSheet, organizationSheet, itemSheet, materialSheet, stageSheet, pointSheet, sealSheet,
                                    delegationSheet, staffSheet]

    public static let regionColumns = ["区划代码", "名称", "类型", "纬度", "经度"]
    public static let organizationColumns = ["机构编码", "名称", "类型", "所在区划", "统一社会信用代码"]
    public static let staffColumns = ["用户名", "姓名", "角色", "所属机构", "所属站点", "AB角", "代办类型", "手机", "状态"]
    public static let checklistColumns = ["有场所", "有人员", "有制度", "有网络", "有设备", "有经费", "能办事"]
    public static let pointColumns = ["站点编码", "名称", "类型", "所属机构", "运营机构", "所在区划", "地址", "纬度", "经度", "窗口数",
                                      "人员数", "电话", "开放时间说明", "工作日时段", "延时时段", "周末时段", "节假日时段"]
        + checklistColumns + ["可办事项", "状态"]
    public static let itemColumns = ["事项编码", "事项名称", "事项类型", "实施主体", "设定依据", "受理条件", "法定时限", "承诺时限", "即办件",
                                     "收费标准", "收费依据", "到现场次数", "网办深度", "可预约", "可快递", "可网上支付", "办理结果", "结果证照类型",
                                     "高频事项", "受理层级", "审批层级", "关键词", "状态"]
    public static let materialColumns = ["事项编码", "序号", "材料名称", "必要", "材料形式", "份数", "载体", "来源证照", "空白表格", "示例样表", "备注"]
    public static let stageColumns = ["事项编码", "序号", "环节名称", "承办机构"]
    public static let delegationColumns = ["委托编号", "委托书文号", "委托机关", "受委托机构", "委托事项", "委托受理", "委托审批", "生效日期",
                                           "截止日期", "印章编号", "补录说明", "状态"]
    public static let sealColumns = ["印章编号", "印章名称", "所有机构", "持有机构", "状态"]

    public static let columns: [String: [String]] = [
        regionSheet: regionColumns, organizationSheet: organizationColumns, pointSheet: pointColumns, itemSheet: itemColumns,
        materialSheet: materialColumns, stageSheet: stageColumns, delegationSheet: delegationColumns, sealSheet: sealColumns,
        staffSheet: staffColumns,
    ]
    public static let requiredColumns: [String: [String]] = [
        regionSheet: ["区划代码", "名称", "类型"],
        organizationSheet: ["机构编码", "名称", "类型", "所在区划"],
        pointSheet: ["站点编码", "名称", "类型", "所属机构", "所在区划", "地址", "纬度", "经度"],
        itemSheet: ["事项编码", "事项名称", "事项类型", "实施主体", "设定依据", "受理条件", "法定时限", "承诺时限", "受理层级", "审批层级"],
        materialSheet: ["事项编码", "材料名称"],
        stageSheet: ["事项编码", "环节名称"],
        delegationSheet: ["委托编号", "委托书文号", "委托机关", "受委托机构", "委托事项", "生效日期"],
        sealSheet: ["印章编号", "印章名称", "所有机构", "持有机构"],
        staffSheet: ["用户名", "姓名", "角色", "所属机构"],
    ]

    public static let regionKinds: [String: Region.Kind] = ["县": .county, "镇": .town, "街道": .street, "村": .village, "社区": .community]
    public static let organizationKinds: [String: Organization.Kind] = Dictionary(uniqueKeysWithValues: Organization.Kind.allCases.map { ($0.label, $0) })
    public static let staffRoles: [String: ActorRole] = Dictionary(uniqueKeysWithValues: ActorRole.staffRoles.map { ($0.label, $0) })
    public static let agentModes: [String: AgentMode] = Dictionary(uniqueKeysWithValues: AgentMode.allCases.map { ($0.label, $0) })
    public static let levels: [String: RegionLevel] = ["县": .county, "镇": .town, "村": .village]

    public var regions: [RegionRow] = []
    public var organizations: [OrganizationRow] = []
    public var points: [PointRow] = []
    public var items: [ItemRow] = []
    public var seals: [SealRow] = []
    public var delegations: [DelegationRow] = []
    public var staff: [StaffRow] = []

    /// Reads the sheets the workbook has against what is stored.
    public static func read(_ tables: [SheetTable], known: Known) -> (CountySheets, [ImportProblem]) {
        var out = CountySheets()
        let log = ProblemLog()
        var byName: [String: SheetTable] = [:]
        for t in tables {
            if byName[t.name] != nil { log.add(ImportProblem(sheet: t.name, message: "工作表「\(t.name)」出现了两次")); continue }
            byName[t.name] = t
            if requiredColumns[t.name] == nil && t.name != "说明" {
                log.add(ImportProblem(sheet: t.name, message: "未知的工作表「\(t.name)」：工作表名应为 " + sheetOrder.joined(separator: "、") + "（见导入模板）"))
            }
        }
        // A sheet without its columns cannot be read row by row: report its header and read nothing more.
        let before = log.problems.count
        for sheet in sheetOrder {
            guard let t = byName[sheet], let columns = requiredColumns[sheet] else { continue }
            for c in columns where !t.header.contains(c) {
                log.add(ImportProblem(sheet: sheet, row: 1, column: c, message: "缺少「\(c)」列（表头须在第1行）"))
            }
            var seen = Set<String>()
            for h in t.header where !h.isEmpty {
                if !seen.insert(h).inserted { log.add(ImportProblem(sheet: sheet, row: 1, column: h, message: "表头「\(h)」重复")) }
                if let all = Self.columns[sheet], !all.contains(h) {
                    log.add(ImportProblem(sheet: sheet, row: 1, column: h, message: "未知的列「\(TextLimit.echo(h))」：可用的列为 " + all.joined(separator: "、")))
                }
            }
        }
        guard log.problems.count == before else { return (out, log.problems) }

        var reader = Reader(known: known, log: log)
        if let t = byName[regionSheet] { out.regions = reader.regions(t) }
        if let t = byName[organizationSheet] { out.organizations = reader.organizations(t) }
        out.items = reader.items(byName[itemSheet], materials: byName[materialSheet], stages: byName[stageSheet])
        if let t = byName[pointSheet] { out.points = reader.points(t) }
        if let t = byName[sealSheet] { out.seals = reader.seals(t) }
        if let t = byName[delegationSheet] { out.delegations = reader.delegations(t) }
        if let t = byName[staffSheet] { out.staff = reader.staff(t) }
        return (out, log.problems)
    }

    static func isCode(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 40 && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isUsername(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

/// The reading of one workbook: what is stored, what the sheets read so far add, and the problems.
struct Reader {
    let known: Known
    let log: ProblemLog
    typealias Known = CountySheets.Known

    var regionCodes: Set<DivisionCode>
    var orgs: [String: Organization]
    var items: [String: ServiceItem]
    var points: [String: ServicePoint]
    var seals: [String: Seal]

    init(known: Known, log: ProblemLog) {
        self.known = known
        self.log = log
        regionCodes = Set(known.directory.tree.byCode.keys)
        orgs = known.directory.organizations
        items = known.directory.items
        points = known.directory.pointsById
        seals = known.seals.mapValues(\.seal)
    }

    func cells(_ t: SheetTable) -> [Cells] { t.rows.map { Cells(table: t, row: $0, log: log) } }

    // MARK: 区划

    mutating func regions(_ t: SheetTable) -> [CountySheets.RegionRow] {
        var out: [CountySheets.RegionRow] = []
        let county = known.directory.tree.roots.first?.code
        var inSheet = Set<DivisionCode>()
        for c in cells(t) {
            let raw = c.code("区划代码")
            guard let code = DivisionCode(raw) else {
                c.problem("区划代码", "区划代码「\(TextLimit.echo(raw))」无效：应为12位数字（县6位+镇3位+村3位），请将该列设为文本以保留开头的0")
                continue
            }
            guard inSheet.insert(code).inserted else { c.problem("区划代码", "区划代码 \(code) 重复"); continue }
            let name = c.text("名称", max: 50, required: true)
            let kindText = c.raw("类型")
            guard let kind = c.choice("类型", CountySheets.regionKinds) else { continue }
            let levelFits: Bool
            switch kind {
            case .county: levelFits = code.level == .county
            case .town, .street: levelFits = code.level == .town
            case .village, .community: levelFits = code.level == .village
            }
            if !levelFits { c.problem("类型", "区划代码 \(code) 是\(code.level.label)代码，与类型「\(kindText)」不符") }
            if let county, code.county != county.county { c.problem("区划代码", "区划代码 \(code) 不属于本县（\(county)）") }
            let location = c.location(required: false)
            out.append(.init(row: c.row.number, region: Region(code: code, name: name, kind: kind, location: location)))
        }
        regionCodes.formUnion(inSheet)
        for r in out {
            if let parent = r.region.parent, !regionCodes.contains(parent) {
                log.add(ImportProblem(sheet: t.name, row: r.row, column: "区划代码", message: "上级区划 \(parent) 不存在：请先在本表中列出上级"))
            }
        }
        let counties = Set(out.filter { $0.region.kind == .county }.map(\.region.code)).union(county.map { [$0] } ?? [])
        if counties.count > 1 { log.add(ImportProblem(sheet: t.name, message: "一个就近办只服务一个县：工作簿中有 \(counties.count) 个县")) }
        return out
    }

    // MARK: 机构

    mutating func organizations(_ t: SheetTable) -> [CountySheets.OrganizationRow] {
        var out: [CountySheets.OrganizationRow] = []
        var inSheet = Set<String>()
        for c in cells(t) {
            let id = c.code("机构编码")
            guard CountySheets.isCode(id) else {
                c.problem("机构编码", "机构编码「\(TextLimit.echo(id))」无效：用1–40位小写字母、数字和“-”，如 town-100"); continue
            }
            guard inSheet.insert(id).inserted else { c.problem("机构编码", "机构编码 \(id) 重复"); continue }
            let name = c.text("名称", max: 100, required: true)
            let kindText = c.raw("类型")
            guard let kind = c.choice("类型", CountySheets.organizationKinds) else { continue }
            let regionText = c.code("所在区划")
            guard let region = DivisionCode(regionText), regionCodes.contains(region) else {
                c.problem("所在区划", "所在区划「\(TextLimit.echo(regionText))」不存在：请先在「区划」表中列出"); continue
            }
            let expected: RegionLevel? = kind == .town ? .town : kind == .village ? .village : kind == .partner ? nil : .county
            if let expected, region.level != expected { c.problem("所在区划", "\(kindText)应设在\(expected.label)区划，\(region) 是\(region.level.label)") }
            var credit: String?
            let creditText = c.code("统一社会信用代码").uppercased()
            if !creditText.isEmpty {
                do { credit = try CreditCode(creditText).rawValue } catch { c.problem("统一社会信用代码", error.message) }
            }
            if let old = orgs[id], old.kind != kind, known.directory.organizations[id] != nil {
                c.problem("类型", "机构 \(id) 已是「\(old.kind.label)」，不能改为「\(kindText)」：其办件和权限依类型而定，请新建机构")
            }
            let org = Organization(id: id, name: name, kind: kind, region: region, creditCode: credit)
            out.append(.init(row: c.row.number, organization: org))
            orgs[id] = org
        }
        return out
    }

    func org(_ c: Cells, _ column: String, kinds: Set<Organization.Kind>? = nil, blankAllowed: Bool = false) -> Organization? {
        let id = c.code(column)
        if id.isEmpty {
            if !blankAllowed { c.problem(column, "请填写「\(column)」（机构编码）") }
            return nil
        }
        guard let org = orgs[id] else { c.problem(column, "机构「\(TextLimit.echo(id))」不存在：请先在「机构」表中列出"); return nil }
        if let kinds, !kinds.contains(org.kind) {
            c.problem(column, "「\(org.name)」是\(org.kind.label)，此处应为 " + kinds.map(\.label).sorted().joined(separator: "、"))
            return nil
        }
        return org
    }
}

extension CountySheets.Known {
    /// The organisation of a stored account.
    func staffOrg(_ id: String) -> String? { staffOrgs[id] }
}
