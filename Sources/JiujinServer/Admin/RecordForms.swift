import Fluent
import JiujinCore
import Vapor

/// What an administration page edits — a region, an organisation, an item, a service point or an account — each as
/// one row of its sheet of the county workbook. The form shows the row's columns; saving sends the row (with an
/// item's 材料 and 环节 rows) through the county import (`CountyImporter`), the one door of administrative writes: every
/// rule of the sheet checks it, nothing is stored when anything is wrong, the change goes to the administration log
/// with before → after, an item's change makes a new guide version, and every process sees it on the directory's refresh.
enum RecordKind: String, CaseIterable, Sendable {
    case region, organization, item, point, staff

    var sheet: String {
        switch self {
        case .region: return CountySheets.regionSheet
        case .organization: return CountySheets.organizationSheet
        case .item: return CountySheets.itemSheet
        case .point: return CountySheets.pointSheet
        case .staff: return CountySheets.staffSheet
        }
    }

    /// What the page calls one record.
    var noun: String {
        switch self {
        case .region: return "区划"
        case .organization: return "机构"
        case .item: return "事项"
        case .point: return "服务站点"
        case .staff: return "账号"
        }
    }

    var listPath: String {
        switch self {
        case .region, .organization: return "/admin/places"
        case .item: return "/admin/items"
        case .point: return "/admin/points"
        case .staff: return "/admin/staff"
        }
    }

    /// The navigation section the pages belong to.
    var section: String {
        switch self {
        case .region, .organization: return "places"
        case .item: return "items"
        case .point: return "points"
        case .staff: return "staff"
        }
    }

    /// Accounts are the administrators'; the county's catalog and places also its supervisors'.
    var roles: Set<ActorRole> { self == .staff ? [.administrator] : [.administrator, .supervisor] }

    var columns: [String] { CountySheets.columns[sheet] ?? [] }
}

/// One field of a record form: a column of the sheet.
struct FieldView: Encodable, Sendable {
    var name: String
    var label: String
    var value: String
    var error: String?
    /// The drop-down list of an enumerated column.
    var choices: [Option]?
    var multiline: Bool
    var required: Bool
    var readonly: Bool
    var hint: String?
    var maxLength: Int
    /// The id of the page's list of known codes for this column (organisations, regions, points), when it names one.
    var list: String?
}

/// Known codes a field may name, offered as the browser's suggestions (`<datalist>`).
struct DataListView: Encodable, Sendable {
    var id: String
    var options: [Option]
}

/// A grid of sub-rows (an item's materials or stages): one line per row, one cell per column.
struct GridView: Encodable, Sendable {
    var title: String
    var hint: String
    var labels: [String]
    var rows: [[FieldView]]
}

/// The record page (`admin/record.leaf`): the form, its inline problems, and for an item its forms and guide versions.
struct RecordPage: PageContext {
    static let template = "admin/record"
    var layout: LayoutContext
    var kind: String
    var noun: String
    var isNew: Bool
    var key: String
    var action: String
    var listPath: String
    var fields: [FieldView]
    var grids: [GridView]
    /// Problems not tied to a field of this form.
    var problems: [ProblemView]
    var problemCount: Int
    var versions: [VersionView]
    var forms: [FormFileView]
    var logPath: String?
    var datalists: [DataListView]
}

struct VersionView: Encodable, Sendable {
    var version: Int
    var at: String
    var actor: String
    var href: String
}

/// A blank or example form named by the item's materials, and whether it has been uploaded.
struct FormFileView: Encodable, Sendable {
    var name: String
    var material: String
    var kind: String
    var uploaded: Bool
    var size: String?
    var at: String?
    var href: String
}

/// Building a record's form, and saving one through the import.
struct RecordForms {
    let req: Request
    let kind: RecordKind

    /// Columns whose text runs long: a text area.
    static let multiline: Set<String> = ["设定依据", "受理条件", "收费依据", "开放时间说明", "备注", "地址", "可办事项", "关键词"]
    static let longColumns: Set<String> = ["设定依据", "受理条件", "收费依据", "开放时间说明", "可办事项"]
    /// How many blank lines an item's grids offer for new materials and stages.
    static let spareRows = 3
    /// The most sub-rows one form sends.
    static let maxRows = 300
    /// The template's first example row of each sheet, for the hints.
    static let examples: [String: [String]] = Dictionary(CountySheets.template().map { ($0.name, $0.rows.first?.cells ?? []) },
                                                         uniquingKeysWith: { a, _ in a })
    /// Columns that name an organisation, a region or a point, and the list that suggests them.
    static let lists: [String: String] = ["实施主体": "orgs", "所属机构": "orgs", "运营机构": "orgs", "承办机构": "orgs", "所在区划": "regions",
                                          "所属站点": "points"]

    static func field(sheet: String, column: String, index: Int, name: String, value: String, error: String?, readonly: Bool) -> FieldView {
        let required = CountySheets.requiredColumns[sheet]?.contains(column) ?? false
        let choices = CountySheets.choices[sheet]?[column].map { list in
            (required ? [] : [Option(value: "", label: "（空）", selected: value.isEmpty)])
                + list.map { Option(value: $0, label: $0, selected: $0 == value) }
        }
        let example = examples[sheet] ?? []
        let hint = choices == nil && index < example.count && !example[index].isEmpty ? "例：" + example[index] : nil
        return FieldView(name: name, label: column, value: value, error: error, choices: choices, multiline: multiline.contains(column),
                         required: required, readonly: readonly, hint: hint, maxLength: longColumns.contains(column) ? 2000 : 500,
                         list: readonly ? nil : lists[column])
    }

    /// The form of a record: its row's values (blank for a new one) with the problems of a failed save.
    func page(key: String?, values: [String], grids: [(sheet: String, rows: [[String]])], problems: [ImportProblem], status: HTTPStatus = .ok)
        async throws -> Response {
        let sheet = kind.sheet
        var loose: [ImportProblem] = []
        var byCell: [String: String] = [:]
        let gridSheets = grids.map(\.sheet)
        for p in problems {
            if let row = p.row, let column = p.column, p.sheet == sheet && row == 2 || gridSheets.contains(p.sheet) && row >= 2 {
                let cell = "\(p.sheet)|\(row)|\(column)"
                byCell[cell] = byCell[cell].map { $0 + "；" + p.message } ?? p.message
            } else {
                loose.append(p)
            }
        }
        // A problem of a cell the form does not show (a hidden column) is listed above the form.
        let fields = kind.columns.enumerated().map { i, column in
            Self.field(sheet: sheet, column: column, index: i, name: "c\(i)", value: i < values.count ? values[i] : "",
                       error: byCell.removeValue(forKey: "\(sheet)|2|\(column)"), readonly: i == 0 && key != nil)
        }
        var gridViews: [GridView] = []
        for (g, grid) in grids.enumerated() {
            let columns = CountySheets.columns[grid.sheet] ?? []
            let shown = Array(columns.indices.dropFirst())  // the first column is the item's code
            let rows = grid.rows.enumerated().map { r, cells in
                shown.map { i in
                    Self.field(sheet: grid.sheet, column: columns[i], index: i, name: "g\(g)r\(r)c\(i)", value: i < cells.count ? cells[i] : "",
                               error: byCell.removeValue(forKey: "\(grid.sheet)|\(r + 2)|\(columns[i])"), readonly: false)
                }
            }
            gridViews.append(GridView(title: grid.sheet, hint: grid.sheet == CountySheets.materialSheet
                                        ? "清空材料名称即删除该材料；序号决定顺序。" : "清空环节名称即删除该环节；序号决定顺序。",
                                      labels: shown.map { columns[$0] }, rows: rows))
        }
        for (cell, message) in byCell.sorted(by: { $0.key < $1.key }) {
            let parts = cell.split(separator: "|", maxSplits: 2).map(String.init)
            loose.append(ImportProblem(sheet: parts[0], row: Int(parts[1]), column: parts[2], message: message))
        }
        var versions: [VersionView] = []
        var forms: [FormFileView] = []
        if kind == .item, let key {
            (versions, forms) = try await itemExtras(code: key)
        }
        let wanted = Set((fields + gridViews.flatMap { $0.rows.first ?? [] }).compactMap(\.list))
        let d = req.jiujin.directory
        var datalists: [DataListView] = []
        if wanted.contains("orgs") {
            datalists.append(DataListView(id: "orgs", options: d.organizations.values.sorted { $0.id < $1.id }
                .map { Option(value: $0.id, label: "\($0.name)（\($0.kind.label)）", selected: false) }))
        }
        if wanted.contains("regions") {
            datalists.append(DataListView(id: "regions", options: d.tree.byCode.values.sorted { $0.code < $1.code }
                .map { Option(value: $0.code.rawValue, label: $0.name, selected: false) }))
        }
        if wanted.contains("points") {
            datalists.append(DataListView(id: "points", options: d.points.map { Option(value: $0.id, label: $0.name, selected: false) }))
        }
        let path = "/admin/records/\(kind.rawValue)/" + (key.map(Self.escape) ?? "new")
        let page = RecordPage(
            layout: req.layout(title: key.map { "\(kind.noun) \($0)" } ?? "新增\(kind.noun)", section: kind.section), kind: kind.rawValue,
            noun: kind.noun, isNew: key == nil, key: key ?? "", action: path, listPath: kind.listPath, fields: fields, grids: gridViews,
            problems: loose.map(ProblemView.init), problemCount: problems.count, versions: versions, forms: forms,
            logPath: key.map { "/admin/log?subject=" + Self.escape(kind == .staff ? "u-" + $0 : $0) }, datalists: datalists)
        return try await req.render(page, status: status)
    }

    /// "12 KB", "1.5 MB".
    static func size(_ bytes: Int) -> String {
        bytes < 1024 * 1024 ? "\(max(1, bytes / 1024)) KB" : String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_."))) ?? s }

    func itemExtras(code: String) async throws -> ([VersionView], [FormFileView]) {
        let rows = try await GuideVersionModel.query(on: req.db).filter(\.$itemCode == code).sort(\.$version, .descending)
            .field(\.$id).field(\.$version).field(\.$recordedAt).field(\.$actorId).all()
        let versions = rows.map { r in
            VersionView(version: r.version, at: Printed.time(r.recordedAt), actor: r.actorId == "cli" || r.actorId == "system" ? "命令行导入" : r.actorId,
                        href: "/guides/\(Self.escape(code))/\(r.version)")
        }
        guard let item = req.jiujin.directory.items[code] else { return (versions, []) }
        let stored = try await ItemFormModel.latest(of: code, on: req.db)
        var forms: [FormFileView] = []
        for m in item.materials {
            for (name, kind) in [(m.blankForm, "空白表格"), (m.example, "示例样表")] {
                guard let name, !forms.contains(where: { $0.name == name }) else { continue }
                let s = stored[name]
                forms.append(FormFileView(name: name, material: m.name, kind: kind, uploaded: s != nil, size: s.map { Self.size($0.size) },
                                          at: s.map { Printed.time($0.at) }, href: "/items/\(Self.escape(code))/forms/\(Self.escape(name))"))
            }
        }
        return (versions, forms)
    }

    /// The submitted form as the sheet's rows; nil when the body is not a form at all.
    static func rows(from form: [String: String], kind: RecordKind, key: String?) -> (main: [String], grids: [[[String]]]) {
        let columns = kind.columns
        var main = columns.indices.map { String((form["c\($0)"] ?? "").prefix(4000)) }
        if let key, !main.isEmpty { main[0] = key }
        var grids: [[[String]]] = []
        if kind == .item {
            for (g, sheet) in [CountySheets.materialSheet, CountySheets.stageSheet].enumerated() {
                let columns = CountySheets.columns[sheet] ?? []
                let nameColumn = sheet == CountySheets.materialSheet ? "材料名称" : "环节名称"
                var rows: [[String]] = []
                for r in 0..<maxRows {
                    var cells = columns.indices.map { i in String((form["g\(g)r\(r)c\(i)"] ?? "").prefix(4000)) }
                    guard columns.indices.dropFirst().contains(where: { form["g\(g)r\(r)c\($0)"] != nil }) else { continue }
                    cells[0] = main.first ?? ""
                    guard let n = columns.firstIndex(of: nameColumn), !cells[n].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                    rows.append(cells)
                }
                grids.append(rows)
            }
        }
        return (main, grids)
    }

    /// Saves a record: its row (and an item's 材料 and 环节 rows) through the import, as this member.
    func save(main: [String], grids: [[[String]]], by staff: Staff) async throws -> CountyImporter.Outcome {
        var tables = [SheetTable(name: kind.sheet, header: kind.columns, rows: [.init(number: 2, cells: main)])]
        for (sheet, rows) in zip([CountySheets.materialSheet, CountySheets.stageSheet], grids) {
            tables.append(SheetTable(name: sheet, header: CountySheets.columns[sheet] ?? [],
                                     rows: rows.enumerated().map { .init(number: $0.offset + 2, cells: $0.element) }))
        }
        return try await CountyImporter(db: req.db, ctx: req.jiujin).run(tables, dryRun: false, actor: .init(id: staff.id, role: staff.role.rawValue, onPage: true))
    }

    /// Whether a record with this key is stored already.
    func exists(_ key: String) async throws -> Bool {
        let d = req.jiujin.directory
        switch kind {
        case .region: return DivisionCode(CellText.code(key)).map { d.tree[$0] != nil } ?? false
        case .organization: return d.organizations[CellText.code(key)] != nil
        case .item: return d.items[CellText.code(key)] != nil
        case .point: return d.pointsById[CellText.code(key)] != nil
        case .staff:
            let typed = CellText.code(key)
            return try await StaffModel.query(on: req.db).group(.or) { $0.filter(\.$username == typed).filter(\.$username == typed.lowercased()) }
                .count() > 0
        }
    }

    /// The stored record's row and, for an item, its 材料 and 环节 rows; nil when there is none.
    func stored(_ key: String) async throws -> (main: [String], grids: [[[String]]])? {
        let d = req.jiujin.directory
        switch kind {
        case .region: return DivisionCode(key).flatMap { d.tree[$0] }.map { (CountySheets.regionRow($0), []) }
        case .organization: return d.organizations[key].map { (CountySheets.organizationRow($0), []) }
        case .item: return d.items[key].map { (CountySheets.itemRow($0), [CountySheets.materialRows($0), CountySheets.stageRows($0)]) }
        case .point: return d.pointsById[key].map { (CountySheets.pointRow($0), []) }
        case .staff:
            guard let m = try await StaffModel.query(on: req.db).filter(\.$username == key).first(), let member = m.domain else { return nil }
            var usernames: [String: String] = [:]
            if let b = member.backupId, let backup = try await StaffModel.find(b, on: req.db) { usernames[b] = backup.username }
            return (CountySheets.staffRow(.init(member: member, active: m.active), usernames: usernames), [])
        }
    }
}
