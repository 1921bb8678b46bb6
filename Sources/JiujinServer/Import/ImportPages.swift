import Fluent
import JiujinCore
import Vapor

/// The import page (`admin/import.leaf`): downloads, the upload form, and after an upload either every problem by
/// sheet, row and column (nothing imported) or the summary per sheet and the new accounts' activation codes.
struct ImportPage: PageContext {
    static let template = "admin/import"
    var layout: LayoutContext
    var error: String?
    var problems: [ProblemView]?
    var problemCount: Int
    var summary: [CountyImporter.SheetSummary]?
    var codes: [CountyImporter.IssuedCode]?
    var dryRun: Bool
    var nothingChanged: Bool
}

/// One problem of a workbook, as the page and the API show it.
struct ProblemView: Content, Equatable {
    var sheet: String
    var row: Int?
    var column: String?
    var message: String

    init(_ p: ImportProblem) {
        sheet = p.sheet
        row = p.row
        column = p.column
        message = p.message
    }
}

/// What an import answers over the API: 200 with the summary (and codes), or 422 with every problem.
struct ImportResult: Content {
    var stored: Bool
    var dryRun: Bool
    var problems: [ProblemView]
    var summary: [CountyImporter.SheetSummary]
    var codes: [CountyImporter.IssuedCode]
}

/// Uploading a county workbook (导入): administrators, from the page (multipart form) or the API (the file as the body).
struct ImportRoutes: RouteCollection {
    static let roles: Set<ActorRole> = [.administrator]
    /// The largest workbook accepted (the reader's own limit).
    static let maxBytes = UploadLimits.workbookBytes

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "import", use: page)
        routes.on(.POST, "admin", "import", body: .collect(maxSize: ByteCount(value: UploadLimits.formLimit(path: "/admin/import")!)), use: upload)
    }

    func page(req: Request) async throws -> Response {
        _ = try req.pageStaff(Self.roles)
        return try await req.render(ImportPage(layout: req.layout(title: "导入导出", section: "import"), problemCount: 0, dryRun: false,
                                               nothingChanged: false))
    }

    struct Form: Content {
        var file: File?
        var dryRun: String?
    }

    func upload(req: Request) async throws -> Response {
        let staff = try req.pageStaff(Self.roles)
        let layout = req.layout(title: "导入导出", section: "import")
        func refused(_ message: String) async throws -> Response {
            try await req.render(ImportPage(layout: layout, error: message, problemCount: 0, dryRun: false, nothingChanged: false),
                                 status: .unprocessableEntity)
        }
        guard let form = try? req.content.decode(Form.self), let file = form.file, file.data.readableBytes > 0 else {
            return try await refused("请选择要上传的工作簿文件（.xlsx 或 .csv）")
        }
        let dryRun = form.dryRun != nil
        let outcome: CountyImporter.Outcome
        do {
            outcome = try await Self.importing(Data(buffer: file.data), name: file.filename, dryRun: dryRun, req: req, staff: staff.staff)
        } catch let refusal as WorkbookReader.Refusal {
            return try await refused(refusal.problem.message)
        }
        let page = ImportPage(layout: layout, problems: outcome.problems.isEmpty ? nil : outcome.problems.map(ProblemView.init),
                              problemCount: outcome.problems.count, summary: outcome.problems.isEmpty ? outcome.summary : nil,
                              codes: outcome.codes.isEmpty ? nil : outcome.codes, dryRun: dryRun, nothingChanged: outcome.nothingChanged)
        return try await req.render(page, status: outcome.problems.isEmpty ? .ok : .unprocessableEntity)
    }

    /// Reads the file by its content (an .xlsx is a zip; anything else must be a CSV whose name is the sheet's) and imports it.
    static func importing(_ data: Data, name: String, dryRun: Bool, req: Request, staff: Staff) async throws -> CountyImporter.Outcome {
        let read: (tables: [SheetTable], problems: [ImportProblem])
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            read = try WorkbookReader.readXLSX(data)
        } else if name.lowercased().hasSuffix(".csv") {
            let sheet = String((name as NSString).deletingPathExtension.prefix(20))
            read = ([try WorkbookReader.readCSV(data, name: sheet)], [])
        } else {
            throw WorkbookReader.Refusal("文件不是 .xlsx 工作簿或 .csv 文件")
        }
        return try await CountyImporter(db: req.db, ctx: req.jiujin)
            .run(read.tables, readProblems: read.problems, dryRun: dryRun, actor: .init(id: staff.id, role: staff.role.rawValue))
    }
}

/// `POST /api/v1/admin/import[?dryRun=true]` with the .xlsx as the body (a CSV with `?sheet=人员`).
struct ImportController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.on(.POST, "admin", "import", body: .collect(maxSize: ByteCount(value: ImportRoutes.maxBytes)), use: upload)
    }

    func upload(req: Request) async throws -> Response {
        let staff = try req.requireStaff(ImportRoutes.roles)
        guard let body = req.body.data, body.readableBytes > 0 else { throw APIError(.badRequest, "empty_body", "请求体应为 .xlsx 工作簿或 .csv 文件") }
        let dryRun = (try? req.query.get(Bool.self, at: "dryRun")) ?? false
        let sheet = String((req.queryText("sheet") ?? "").prefix(20))
        let outcome: CountyImporter.Outcome
        do {
            outcome = try await ImportRoutes.importing(Data(buffer: body), name: sheet.isEmpty ? "upload" : sheet + ".csv", dryRun: dryRun,
                                                       req: req, staff: staff.staff)
        } catch let refusal as WorkbookReader.Refusal {
            throw APIError(.unprocessableEntity, "workbook_refused", refusal.problem.message)
        }
        let result = ImportResult(stored: outcome.stored, dryRun: dryRun, problems: outcome.problems.map(ProblemView.init),
                                  summary: outcome.summary, codes: outcome.codes)
        let response = try await result.encodeResponse(for: req)
        response.status = outcome.problems.isEmpty ? .ok : .unprocessableEntity
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
