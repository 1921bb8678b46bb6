import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JiujinCore
import ZIPFoundation

/// Reads a county workbook into plain text tables (`SheetTable`): an .xlsx file (ZIPFoundation for the archive,
/// Foundation's streaming XML parser for its parts, so a sheet is never held as a tree and the row cap stops a
/// huge sheet early), or UTF-8 CSV files named after their sheets. Everything that is not plainly a table of
/// text is refused with a Chinese message: a file that is not a workbook, an encrypted one, a zip bomb (the
/// bytes actually inflated are counted, not the sizes the archive claims), formulas, merged cells, too many rows.
enum WorkbookReader {
    struct Limits: Sendable {
        var fileBytes = UploadLimits.workbookBytes
        /// Bytes inflated from the archive in all.
        var inflatedBytes = 300 * 1024 * 1024
        var rowsPerSheet = 20_000
        var columns = 200
        var cellCharacters = 5_000

        static let standard = Limits()
    }

    /// Why a file cannot be read at all (the problems of its content are `ImportProblem`s).
    struct Refusal: Error, CustomStringConvertible {
        var problem: ImportProblem
        var description: String { problem.description }
        init(_ message: String, sheet: String = "") { problem = ImportProblem(sheet: sheet, message: message) }
    }

    // MARK: xlsx

    static func readXLSX(_ data: Data, limits: Limits = .standard) throws -> (tables: [SheetTable], problems: [ImportProblem]) {
        guard data.count <= limits.fileBytes else { throw Refusal("文件超过 \(limits.fileBytes / 1024 / 1024) MB，请拆分后导入") }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw Refusal("工作簿已加密或为旧版 .xls 格式：请在 Excel 中取消密码保护，另存为 .xlsx 后再导入")
        }
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]), let archive = try? Archive(data: data, accessMode: .read) else {
            throw Refusal("不是 .xlsx 工作簿（也不是 CSV）：请用 Excel 或 WPS 另存为 .xlsx")
        }
        var budget = limits.inflatedBytes
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    budget -= chunk.count
                    guard budget >= 0 else { throw Refusal("工作簿解压后过大（超过 \(limits.inflatedBytes / 1024 / 1024) MB），疑似压缩炸弹，已拒绝") }
                    out.append(chunk)
                }
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                throw Refusal("工作簿已损坏（\(path) 无法解压）")
            }
            return out
        }
        guard let workbook = try part("xl/workbook.xml") else { throw Refusal("不是 .xlsx 工作簿：缺少 xl/workbook.xml") }
        let sheets = try SheetList.parse(workbook)
        let rels = try part("xl/_rels/workbook.xml.rels").map(Relationships.parse) ?? [:]
        let shared = try part("xl/sharedStrings.xml").map { try SharedStrings.parse($0, limits: limits) } ?? []
        var tables: [SheetTable] = []
        var problems: [ImportProblem] = []
        for sheet in sheets {
            guard let target = rels[sheet.relationship] else { throw Refusal("工作簿已损坏：找不到工作表「\(sheet.name)」", sheet: sheet.name) }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let xml = try part(path) else { throw Refusal("工作簿已损坏：缺少工作表「\(sheet.name)」", sheet: sheet.name) }
            let read = try SheetXML.parse(xml, name: sheet.name, shared: shared, limits: limits)
            problems += read.problems
            if let table = read.table { tables.append(table) }
        }
        return (tables, problems)
    }

    // MARK: CSV

    /// One CSV file (UTF-8, with or without BOM) as the sheet `name`. RFC 4180 quoting; a line break inside quotes
    /// belongs to the cell.
    static func readCSV(_ data: Data, name: String, limits: Limits = .standard) throws -> SheetTable {
        guard data.count <= limits.fileBytes else { throw Refusal("文件超过 \(limits.fileBytes / 1024 / 1024) MB，请拆分后导入", sheet: name) }
        guard var text = String(data: data, encoding: .utf8) else {
            throw Refusal("CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”", sheet: name)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() throws {
            row.append(cell)
            cell = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
            guard rows.count <= limits.rowsPerSheet + 1 else {
                throw Refusal("工作表「\(name)」超过 \(limits.rowsPerSheet) 行，请拆分后导入", sheet: name)
            }
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" && cell.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(cell)
                cell = ""
                guard row.count <= limits.columns else { throw Refusal("工作表「\(name)」超过 \(limits.columns) 列", sheet: name) }
            } else if c == "\n" {
                try endRow()
            } else if c == "\r" {
                continue
            } else {
                cell.unicodeScalars.append(c)
                guard cell.unicodeScalars.count <= limits.cellCharacters else {
                    throw Refusal("工作表「\(name)」第\(rows.count + 1)行有超过 \(limits.cellCharacters) 字的单元格", sheet: name)
                }
            }
        }
        if quoted { throw Refusal("CSV 文件「\(name)」的引号没有闭合（文件不完整？）", sheet: name) }
        if !cell.isEmpty || !row.isEmpty { try endRow() }
        return table(name: name, rows: rows)
    }

    /// Header and data rows from raw rows (row 1 the header); empty trailing rows dropped.
    static func table(name: String, rows raw: [[String]]) -> SheetTable {
        let header = (raw.first ?? []).map(CellText.normalize)
        var rows: [SheetTable.Row] = []
        for (i, cells) in raw.dropFirst().enumerated() {
            let normalized = cells.map(CellText.normalize)
            if normalized.allSatisfy(\.isEmpty) { continue }
            rows.append(.init(number: i + 2, cells: normalized))
        }
        return SheetTable(name: name, header: header, rows: rows)
    }
}

// MARK: the parts of an xlsx file

/// `xl/workbook.xml`: the sheets in order, each with its relationship id.
private final class SheetList: NSObject, XMLParserDelegate {
    var sheets: [(name: String, relationship: String)] = []

    static func parse(_ data: Data) throws -> [(name: String, relationship: String)] {
        let list = SheetList()
        let parser = XMLParser(data: data)
        parser.delegate = list
        guard parser.parse() else { throw WorkbookReader.Refusal("工作簿已损坏：xl/workbook.xml 无法解析") }
        return list.sheets
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard element == "sheet" || element.hasSuffix(":sheet"), let name = attributes["name"] else { return }
        let id = attributes["r:id"] ?? attributes.first { $0.key.hasSuffix(":id") }?.value ?? ""
        sheets.append((name, id))
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part path.
private final class Relationships: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    static func parse(_ data: Data) throws -> [String: String] {
        let rels = Relationships()
        let parser = XMLParser(data: data)
        parser.delegate = rels
        guard parser.parse() else { throw WorkbookReader.Refusal("工作簿已损坏：关系文件无法解析") }
        return rels.targets
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if element == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}

/// `xl/sharedStrings.xml`: the texts cells of type `s` point to, rich-text runs joined.
private final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false
    var failure: WorkbookReader.Refusal?
    let limits: WorkbookReader.Limits

    init(limits: WorkbookReader.Limits) { self.limits = limits }

    static func parse(_ data: Data, limits: WorkbookReader.Limits) throws -> [String] {
        let shared = SharedStrings(limits: limits)
        let parser = XMLParser(data: data)
        parser.delegate = shared
        let ok = parser.parse()
        if let failure = shared.failure { throw failure }
        guard ok else { throw WorkbookReader.Refusal("工作簿已损坏：共享字符串无法解析") }
        return shared.strings
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch element {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inText else { return }
        current += string
        if current.count > limits.cellCharacters {
            failure = WorkbookReader.Refusal("工作簿中有超过 \(limits.cellCharacters) 字的单元格")
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch element {
        case "t": inText = false
        case "rPh": inPhonetic = false
        case "si": strings.append(current)
        default: break
        }
    }
}

/// One worksheet: cells by their reference (`B7`), as text. Numbers are read as written in the file, so a
/// division code stored as text keeps its leading zeros; formulas and merged cells are reported, not guessed.
private final class SheetXML: NSObject, XMLParserDelegate {
    let name: String
    let shared: [String]
    let limits: WorkbookReader.Limits
    var rows: [Int: [Int: String]] = [:]
    var problems: [ImportProblem] = []
    var failure: WorkbookReader.Refusal?
    var cellRef = "", cellType = "", value = "", inValue = false, hasFormula = false
    var rowNumber = 0
    /// Elements open; a truncated part ends with some still open (the parser itself does not say so).
    var depth = 0

    init(name: String, shared: [String], limits: WorkbookReader.Limits) {
        self.name = name
        self.shared = shared
        self.limits = limits
    }

    static func parse(_ data: Data, name: String, shared: [String], limits: WorkbookReader.Limits) throws
        -> (table: SheetTable?, problems: [ImportProblem]) {
        let sheet = SheetXML(name: name, shared: shared, limits: limits)
        let parser = XMLParser(data: data)
        parser.delegate = sheet
        let ok = parser.parse()
        if let failure = sheet.failure { throw failure }
        guard ok, sheet.depth == 0 else { throw WorkbookReader.Refusal("工作表「\(name)」已损坏（文件不完整），无法解析", sheet: name) }
        let maxRow = sheet.rows.keys.max() ?? 0
        var raw: [[String]] = []
        for r in stride(from: 1, through: maxRow, by: 1) {
            let cells = sheet.rows[r] ?? [:]
            let width = (cells.keys.max() ?? -1) + 1
            raw.append((0..<width).map { cells[$0] ?? "" })
        }
        let table = WorkbookReader.table(name: name, rows: raw)
        return (table, sheet.problems)
    }

    /// "AB12" → (column 27, row 12), zero-based column.
    static func position(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, letters = 0
        for ch in ref.unicodeScalars {
            if ("A"..."Z").contains(ch) {
                guard row == 0 else { return nil }
                column = column * 26 + Int(ch.value - 64)
                letters += 1
            } else if ("0"..."9").contains(ch) {
                row = row * 10 + Int(ch.value - 48)
            } else {
                return nil
            }
        }
        guard letters > 0, letters <= 3, row > 0 else { return nil }
        return (column - 1, row)
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        switch element {
        case "row":
            rowNumber = Int(attributes["r"] ?? "") ?? (rowNumber + 1)
            if rowNumber > limits.rowsPerSheet + 1 {
                failure = WorkbookReader.Refusal("工作表「\(name)」超过 \(limits.rowsPerSheet) 行，请拆分后导入", sheet: name)
                parser.abortParsing()
            }
        case "c":
            cellRef = attributes["r"] ?? ""
            cellType = attributes["t"] ?? "n"
            value = ""
            hasFormula = false
        case "v", "t":
            inValue = true
        case "f":
            hasFormula = true
        case "mergeCell":
            problems.append(ImportProblem(sheet: name, message: "有合并单元格（\(attributes["ref"] ?? "")）：请取消合并，每格填写完整"))
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inValue else { return }
        value += string
        if value.count > limits.cellCharacters {
            failure = WorkbookReader.Refusal("工作表「\(name)」有超过 \(limits.cellCharacters) 字的单元格", sheet: name)
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        switch element {
        case "v", "t":
            inValue = false
        case "c":
            guard let (column, row) = Self.position(cellRef) ?? (cellRef.isEmpty ? nil : nil) else { return }
            guard column < limits.columns else {
                failure = WorkbookReader.Refusal("工作表「\(name)」超过 \(limits.columns) 列", sheet: name)
                parser.abortParsing()
                return
            }
            if hasFormula {
                problems.append(ImportProblem(sheet: name, row: row, column: cellRef,
                                              message: "单元格使用了公式：请复制后“选择性粘贴为数值”再导入"))
            }
            var text = value
            switch cellType {
            case "s":
                guard let i = Int(value), shared.indices.contains(i) else {
                    problems.append(ImportProblem(sheet: name, row: row, column: cellRef, message: "单元格内容无法读取（工作簿已损坏？）"))
                    return
                }
                text = shared[i]
            case "b":
                text = value == "1" ? "是" : "否"
            default:
                break
            }
            rows[row, default: [:]][column] = text
        default:
            break
        }
    }
}
