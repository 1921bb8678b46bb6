import Foundation

/// One sheet of a county workbook (导入工作簿) as plain text: its header row and its data rows, each cell already
/// normalized (`CellText`). Rows keep the number they had in the file, so every problem can name it.
public struct SheetTable: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        /// The row's number in the file (the header is row 1).
        public var number: Int
        public var cells: [String]

        public init(number: Int, cells: [String]) {
            self.number = number
            self.cells = cells
        }
    }

    public var name: String
    public var header: [String]
    public var rows: [Row]

    public init(name: String, header: [String], rows: [Row]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    /// The cell under `column` (a header), "" when the row is short or the column absent.
    public func value(_ row: Row, _ column: String) -> String {
        guard let i = header.firstIndex(of: column), i < row.cells.count else { return "" }
        return row.cells[i]
    }
}

/// What is wrong with a workbook, where: sheet, row and column, and a plain Chinese message (导入问题).
public struct ImportProblem: Hashable, Sendable, CustomStringConvertible {
    public var sheet: String
    /// Nil for a problem of the whole file or sheet.
    public var row: Int?
    public var column: String?
    public var message: String

    public init(sheet: String, row: Int? = nil, column: String? = nil, message: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = sheet.isEmpty ? "" : "「\(sheet)」"
        if let row { place += "第\(row)行" }
        if let column { place += "「\(column)」列" }
        return place.isEmpty ? message : "\(place)：\(message)"
    }
}

/// How a cell's text is read. Every cell: the ideographic space, no-break space, tabs and line breaks become
/// spaces, invisible marks go, and surrounding spaces are trimmed; Chinese punctuation in names stays as typed.
/// Code-like cells (division codes, numbers, phones, usernames) also fold full-width letters and digits
/// (１２３、ＡＢＣ, typed with a Chinese input method) to ASCII and drop inner spaces (`code`).
public enum CellText {
    public static func normalize(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\u{3000}", "\t", "\n", "\r", "\u{00A0}": out.unicodeScalars.append(" ")
            case "\u{FEFF}", "\u{200B}", "\u{200C}", "\u{200D}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// A code as typed: full-width ASCII (U+FF01–U+FF5E) folded to ASCII, spaces removed.
    public static func code(_ raw: String) -> String {
        var out = ""
        for scalar in normalize(raw).unicodeScalars where scalar != " " {
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                out.unicodeScalars.append(ascii)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
