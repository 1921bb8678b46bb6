import Fluent
import Foundation
import JiujinCore
import Vapor

/// The county's places and people as a workbook (导出), and the empty template with an example row and drop-down
/// lists (导入模板): `jiujin export FILE [--template]`, and downloads for administrators.
enum CountyWorkbook {
    static func tables(db: Database, ctx: JiujinContext) async throws -> [SheetTable] {
        try await ctx.reloadDirectory(db)
        let staff = try await StaffModel.query(on: db).all().compactMap { m in m.domain.map { CountySheets.StaffEntry(member: $0, active: m.active) } }
        let seals = try await SealModel.query(on: db).all().map { (seal: $0.domain, active: $0.active) }
        let delegations = try await DelegationModel.query(on: db).all().map { try $0.domain() }
        return CountySheets.export(ctx.directory, delegations: delegations, seals: seals, staff: staff)
    }

    static func export(db: Database, ctx: JiujinContext) async throws -> Data {
        try WorkbookWriter.xlsx(try await tables(db: db, ctx: ctx), choices: CountySheets.choices)
    }

    static func template() throws -> Data {
        try WorkbookWriter.xlsx(CountySheets.template(), choices: CountySheets.choices)
    }
}

/// `jiujin export`: writes the workbook (or the template) to a file that must not exist yet.
public enum CountyExport {
    public static func run(_ app: Application, path: String, template: Bool) async throws -> String {
        guard !FileManager.default.fileExists(atPath: path) else { throw ConfigurationError("\(path) exists already; choose a new file") }
        let data = template ? try CountyWorkbook.template() : try await CountyWorkbook.export(db: app.db, ctx: app.jiujin)
        try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        return template ? "导入模板已写入 / template written: \(path)" : "已导出 / exported: \(path)"
    }
}

/// Downloads for administrators: the template and the current state, as .xlsx.
struct WorkbookRoutes: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "workbook", "template.xlsx", use: template)
        routes.get("admin", "workbook", "county.xlsx", use: export)
    }

    func file(_ data: Data, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    func template(req: Request) async throws -> Response {
        _ = try req.pageStaff(StaffAdminRoutes.roles)
        return file(try CountyWorkbook.template(), name: "jiujin-template.xlsx")
    }

    func export(req: Request) async throws -> Response {
        _ = try req.pageStaff(StaffAdminRoutes.roles)
        return file(try await CountyWorkbook.export(db: req.db, ctx: req.jiujin), name: "jiujin-county.xlsx")
    }
}
