import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import ZIPFoundation

/// Reading a county's workbook: what comes out is the text that went in, and every kind of broken file is refused
/// with a message that says what to do, each made here in the test.
@Suite struct WorkbookReaderTests {
    static let regions = SheetTable(name: "区划", header: ["区划代码", "名称", "类型"], rows: [
        .init(number: 2, cells: ["371329000000", "临沭县", "县"]),
        .init(number: 3, cells: ["０３７１３２９１００", "  石门镇\u{3000}", "镇"]),
        .init(number: 4, cells: ["001002003004", "A&B <村> \"委\"", "村"]),
    ])

    /// An .xlsx made by hand from parts, for what the writer never writes (formulas, merged cells).
    func workbook(sheet xml: String, shared: String? = nil) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { p, n in
                bytes.subdata(in: Int(p)..<min(Int(p) + n, bytes.count))
            }
        }
        try add("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#)
        try add("xl/worksheets/sheet1.xml", xml)
        if let shared { try add("xl/sharedStrings.xml", shared) }
        return try #require(archive.data)
    }

    @Test func aWorkbookReadsBackAsWrittenWithCodesAsText() throws {
        let data = try WorkbookWriter.xlsx([Self.regions, SheetTable(name: "机构", header: ["机构编码"], rows: [])])
        let (tables, problems) = try WorkbookReader.readXLSX(data)
        #expect(problems.isEmpty)
        #expect(tables.map(\.name) == ["区划", "机构"])
        let read = try #require(tables.first)
        #expect(read.header == Self.regions.header)
        #expect(read.rows.map(\.number) == [2, 3, 4])
        // Leading zeros stay; the ideographic space is trimmed; markup characters survive.
        #expect(read.rows[1].cells == ["０３７１３２９１００", "石门镇", "镇"])
        #expect(read.rows[2].cells[0] == "001002003004" && read.rows[2].cells[1] == "A&B <村> \"委\"")
        #expect(CellText.code(read.rows[1].cells[0]) == "0371329100")
        #expect(read.value(read.rows[0], "名称") == "临沭县" && read.value(read.rows[0], "没有此列") == "")
    }

    @Test func sharedStringsRichTextAndNumbersAreRead() throws {
        let data = try workbook(sheet: """
            <worksheet><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>\
            <row r="2"><c r="A2" t="s"><v>3</v></c><c r="C2"><v>13812345678</v></c></row>\
            <row r="4"><c r="B4" t="b"><v>1</v></c></row>\
            </sheetData></worksheet>
            """, shared: """
            <sst><si><t>用户名</t></si><si><t>姓名</t></si><si><t>手机</t></si>\
            <si><r><t>ck-</t></r><r><t xml:space="preserve">100</t></r><rPh><t>カナ</t></rPh></si></sst>
            """)
        let (tables, problems) = try WorkbookReader.readXLSX(data)
        #expect(problems.isEmpty)
        let t = try #require(tables.first)
        #expect(t.header == ["用户名", "姓名", "手机"])
        #expect(t.rows.map(\.number) == [2, 4])
        #expect(t.rows[0].cells == ["ck-100", "", "13812345678"] && t.rows[1].cells == ["", "是"])
    }

    @Test func formulasAndMergedCellsAreReportedWhereTheyAre() throws {
        let data = try workbook(sheet: """
            <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>窗口数</t></is></c></row>\
            <row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row></sheetData>\
            <mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells></worksheet>
            """)
        let (_, problems) = try WorkbookReader.readXLSX(data)
        #expect(problems.contains { $0.sheet == "人员" && $0.row == 2 && $0.column == "A2" && $0.message.contains("公式") })
        #expect(problems.contains { $0.message.contains("合并单元格") && $0.message.contains("A3:B3") })
    }

    @Test func brokenFilesAreRefusedSayingWhatToDo() throws {
        func refusal(_ data: Data, limits: WorkbookReader.Limits = .standard) -> String {
            do {
                _ = try WorkbookReader.readXLSX(data, limits: limits)
                return "read"
            } catch let r as WorkbookReader.Refusal {
                return r.problem.message
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(Data("姓名,手机\n".utf8)).contains("不是 .xlsx"))
        #expect(refusal(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100))).contains("已加密"))
        let good = try WorkbookWriter.xlsx([Self.regions])
        #expect(refusal(good.prefix(good.count / 2)).contains("不是 .xlsx") || refusal(good.prefix(good.count / 2)).contains("损坏"))
        #expect(refusal(Data()).contains("不是 .xlsx"))
        // A zip bomb: a sheet that inflates past the cap, however small the file.
        let bomb = try workbook(sheet: "<worksheet><sheetData>" + String(repeating: "<row/>", count: 200_000) + "</sheetData></worksheet>")
        var small = WorkbookReader.Limits()
        small.inflatedBytes = 100_000
        #expect(bomb.count < 50_000)
        #expect(refusal(bomb, limits: small).contains("压缩炸弹"))
        // Too many rows: refused while reading, never held whole.
        small = WorkbookReader.Limits()
        small.rowsPerSheet = 10
        let long = try WorkbookWriter.xlsx([SheetTable(name: "人员", header: ["用户名"], rows: (0..<50).map { .init(number: $0 + 2, cells: ["u\($0)"]) })])
        #expect(refusal(long, limits: small).contains("超过 10 行"))
        let truncated = refusal(try workbook(sheet: "<worksheet><sheetData><row>"))
        #expect(truncated.contains("损坏"), "\(truncated)")
    }

    @Test func csvFilesReadWithQuotesBOMAndLineBreaksAndRefuseTheRest() throws {
        let text = "\u{FEFF}用户名,姓名,备注\r\nck-100,\"王, 芳\",\"第一行\n第二行\"\r\n,,\r\n\"sp-100\",李强,\"说\"\"好\"\"\"\n"
        let t = try WorkbookReader.readCSV(Data(text.utf8), name: "人员")
        #expect(t.header == ["用户名", "姓名", "备注"])
        #expect(t.rows.map(\.number) == [2, 4])
        #expect(t.rows[0].cells == ["ck-100", "王, 芳", "第一行 第二行"])
        #expect(t.rows[1].cells == ["sp-100", "李强", "说\"好\""])
        #expect(throws: WorkbookReader.Refusal.self) { try WorkbookReader.readCSV(Data([0xC4, 0xE3, 0xBA, 0xC3, 0xFF]), name: "人员") }
        #expect(throws: WorkbookReader.Refusal.self) { try WorkbookReader.readCSV(Data("a,\"b\n".utf8), name: "人员") }
        var small = WorkbookReader.Limits()
        small.rowsPerSheet = 3
        #expect(throws: WorkbookReader.Refusal.self) {
            try WorkbookReader.readCSV(Data((["h"] + (0..<10).map { "r\($0)" }).joined(separator: "\n").utf8), name: "人员", limits: small)
        }
    }

    @Test func cellTextFoldsFullWidthCodesButKeepsChinesePunctuationInNames() {
        #expect(CellText.normalize("\u{FEFF} 青石镇（便民服务中心）\u{3000}") == "青石镇（便民服务中心）")
        #expect(CellText.code(" １３８ １２３４ ５６７８ ") == "13812345678")
        #expect(CellText.code("ＣＫ－１００") == "CK-100")
    }
}
