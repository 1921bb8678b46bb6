import Foundation

/// Reads one row of a sheet cell by cell, collecting every problem with its sheet, row and column (导入单元格).
/// Each reader answers nil (or a default) when the cell is wrong, so a row reports all its mistakes at once.
struct Cells {
    let table: SheetTable
    let row: SheetTable.Row
    let log: ProblemLog

    func problem(_ column: String?, _ message: String) {
        log.add(ImportProblem(sheet: table.name, row: row.number, column: column, message: message))
    }

    func raw(_ column: String) -> String { table.value(row, column) }

    /// Text of at most `max` characters; "" when blank (a problem when `required`).
    func text(_ column: String, max: Int, required: Bool = false) -> String {
        let value = raw(column)
        if value.isEmpty {
            if required { problem(column, "请填写「\(column)」") }
            return ""
        }
        if value.count > max { problem(column, "「\(column)」最多 \(max) 个字，现有 \(value.count) 个"); return "" }
        return value
    }

    func optionalText(_ column: String, max: Int) -> String? { text(column, max: max).nonEmptyText }

    /// A code as typed (full-width folded, spaces removed).
    func code(_ column: String) -> String { CellText.code(raw(column)) }

    /// 是/否 (also √, ✓, Y, 1 and ×, N, 0); blank gives `blank`.
    func flag(_ column: String, blank: Bool) -> Bool {
        let value = CellText.code(raw(column)).lowercased()
        if value.isEmpty { return blank }
        if ["是", "√", "✓", "y", "yes", "1", "true", "有"].contains(value) { return true }
        if ["否", "×", "✗", "n", "no", "0", "false", "无"].contains(value) { return false }
        problem(column, "「\(column)」应填 是 或 否，现为「\(TextLimit.echo(value))」")
        return blank
    }

    /// A whole number in `range`; blank gives `blank` (a problem when `blank` is nil).
    func int(_ column: String, in range: ClosedRange<Int>, blank: Int? = nil) -> Int? {
        var value = CellText.code(raw(column))
        if value.isEmpty {
            if blank == nil { problem(column, "请填写「\(column)」（整数）") }
            return blank
        }
        // Spreadsheets store whole numbers as 15.0 now and then.
        if value.hasSuffix(".0") { value.removeLast(2) }
        guard let n = Int(value), range.contains(n) else {
            problem(column, "「\(column)」应为 \(range.lowerBound)–\(range.upperBound) 的整数，现为「\(TextLimit.echo(value))」")
            return nil
        }
        return n
    }

    /// One of the labels of `choices`; blank gives `blank` (a problem when nil).
    func choice<T>(_ column: String, _ choices: [String: T], blank: T? = nil) -> T? {
        let value = raw(column)
        if value.isEmpty {
            if blank == nil { problem(column, "请填写「\(column)」，可选：" + choices.keys.sorted().joined(separator: "、")) }
            return blank
        }
        guard let v = choices[value] else {
            problem(column, "「\(column)」「\(TextLimit.echo(value))」无效，可选：" + choices.keys.sorted().joined(separator: "、"))
            return nil
        }
        return v
    }

    /// A list in one cell, separated by 、 , ， ; ； or spaces; empty entries dropped, duplicates kept once.
    func list(_ column: String, code: Bool = true) -> [String] {
        var seen = Set<String>()
        return raw(column).split(whereSeparator: { "、,，;；\n ".contains($0) })
            .map { code ? CellText.code(String($0)) : CellText.normalize(String($0)) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// A date as 2026-01-31 (also 2026/1/31, 2026.1.31 or 2026年1月31日); blank gives nil.
    func date(_ column: String, required: Bool = false) -> LocalDate? {
        let value = CellText.code(raw(column))
        if value.isEmpty {
            if required { problem(column, "请填写「\(column)」（日期，如 2026-01-31）") }
            return nil
        }
        let parts = value.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "日", with: "").split(whereSeparator: { "-/.".contains($0) })
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = LocalDate(year: y, month: m, day: d), (2000...2100).contains(y) else {
            problem(column, "「\(column)」「\(TextLimit.echo(value))」不是有效日期：应写成 2026-01-31")
            return nil
        }
        return date
    }

    /// 状态: 在用 (or blank) or 停用.
    func status() -> CountySheets.Status? {
        let value = raw("状态")
        guard let status = value.isEmpty ? .active : CountySheets.Status(rawValue: value) else {
            problem("状态", "状态「\(TextLimit.echo(value))」无效：应为 在用 或 停用")
            return nil
        }
        return status
    }

    /// A point on the map from the 纬度 and 经度 columns; nil when both are blank (a problem when `required`).
    func location(required: Bool) -> GeoPoint? {
        let lat = CellText.code(raw("纬度")), lon = CellText.code(raw("经度"))
        if lat.isEmpty && lon.isEmpty {
            if required { problem("纬度", "请填写经纬度（纬度、经度两列，如 36.4 和 118.2）") }
            return nil
        }
        if let la = Double(lat), let lo = Double(lon), GeoPoint(lat: la, lon: lo).isValid { return GeoPoint(lat: la, lon: lo) }
        let latOK = Double(lat).map { (-90...90).contains($0) } ?? false
        problem(latOK ? "经度" : "纬度", "经纬度应为数字（纬度 -90～90，经度 -180～180），两者同时填写")
        return nil
    }
}

/// The problems found so far (one per reading of a workbook).
final class ProblemLog {
    var problems: [ImportProblem] = []
    func add(_ p: ImportProblem) { problems.append(p) }
}

extension String {
    var nonEmptyText: String? { isEmpty ? nil : self }
}
