import Crypto
import Fluent
import JiujinCore
import Vapor

/// One version of an item's guide (`admin/guide.leaf`): every guide field, the materials and the stages as they
/// stood — what a case taken in under that version shows.
struct GuidePage: PageContext {
    static let template = "admin/guide"
    var layout: LayoutContext
    var code: String
    var name: String
    var version: Int
    var current: Int
    var recordedAt: String
    var fields: [Pair]
    var materials: [[String]]
    var materialLabels: [String]
    var stages: [Pair]
    var editHref: String?

    struct Pair: Encodable, Sendable {
        var label: String
        var value: String
    }
}

/// Guide versions for staff, and the blank and example forms: uploaded by administrators and supervisors on the item's
/// page, downloaded by anyone (residents fill them in).
struct GuidePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("guides", ":code", ":version", use: guide)
        routes.on(.POST, "admin", "items", ":code", "forms",
                  body: .collect(maxSize: ByteCount(value: UploadLimits.itemFormBytes + UploadLimits.formOverhead)), use: upload)
        routes.get("items", ":code", "forms", ":name", use: download)
    }

    func guide(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let code = req.parameters.get("code") ?? ""
        guard let version = req.parameters.get("version").flatMap(Int.init),
              let row = try await GuideVersionModel.query(on: req.db).filter(\.$itemCode == code).filter(\.$version == version).first() else {
            throw APIError.notFound("事项「\(TextLimit.echo(code))」的该版办事指南")
        }
        let item = try row.domain()
        let d = req.jiujin.directory
        let values = CountySheets.itemRow(item)
        var fields = zip(CountySheets.itemColumns, values).map { GuidePage.Pair(label: $0, value: $1.isEmpty ? "—" : $1) }
        if let i = fields.firstIndex(where: { $0.label == "实施主体" }) { fields[i].value = d.name(ofOrg: item.departmentId) }
        let page = GuidePage(
            layout: req.layout(title: "\(item.name) 办事指南 第\(version)版", section: "items"), code: code, name: item.name, version: version,
            current: d.guideVersions[code] ?? version, recordedAt: Printed.time(row.recordedAt), fields: fields,
            materials: CountySheets.materialRows(item).map { Array($0.dropFirst()) },
            materialLabels: Array(CountySheets.materialColumns.dropFirst()),
            stages: item.stages.map { GuidePage.Pair(label: $0, value: item.stageOwners?[$0].map(d.name(ofOrg:)) ?? "本机构") },
            editHref: RecordKind.item.roles.contains(staff.role) ? "/admin/records/item/" + RecordForms.escape(code) : nil)
        return try await req.render(page)
    }

    /// What a form file is, by its first bytes: PDF, Word or Excel (old or new), JPEG or PNG; nil for anything else.
    static func contentType(of data: Data) -> String? {
        let b = [UInt8](data.prefix(8))
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b.prefix(magic.count)) == magic }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "application/msword" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            let head = data.prefix(4096)
            if head.range(of: Data("word/".utf8)) != nil { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
            if head.range(of: Data("xl/".utf8)) != nil { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
            if head.range(of: Data("[Content_Types].xml".utf8)) != nil { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
        }
        return nil
    }

    struct UploadForm: Content {
        var name: String?
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let staff = try req.pageStaff(RecordKind.item.roles)
        let code = req.parameters.get("code") ?? ""
        guard let item = req.jiujin.directory.items[code] else { throw APIError.notFound("事项「\(TextLimit.echo(code))」") }
        let forms = RecordForms(req: req, kind: .item)
        func refused(_ message: String) async throws -> Response {
            try await forms.page(key: code, values: CountySheets.itemRow(item),
                                 grids: RecordPages.withSpares(.item, [CountySheets.materialRows(item), CountySheets.stageRows(item)]),
                                 problems: [ImportProblem(sheet: "表格", message: message)], status: .unprocessableEntity)
        }
        let names = Set(item.materials.flatMap { [$0.blankForm, $0.example].compactMap { $0 } })
        guard let form = try? req.content.decode(UploadForm.self), let name = form.name, names.contains(name) else {
            return try await refused("请选择要上传的表格（须是本事项材料中列出的空白表格或示例样表）")
        }
        guard let file = form.file, file.data.readableBytes > 0 else { return try await refused("请选择文件：「\(name)」的文件是空的或没有选择") }
        guard file.data.readableBytes <= UploadLimits.itemFormBytes else { return try await refused("文件超过 10 MB，请压缩后再上传") }
        let data = Data(buffer: file.data)
        guard let type = Self.contentType(of: data) else {
            return try await refused("「\(TextLimit.echo(file.filename))」不是 PDF、Word、Excel、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）")
        }
        let now = req.jiujin.now()
        let row = ItemFormModel()
        row.id = UUID()
        row.itemCode = code
        row.fileName = name
        row.contentType = type
        row.sha256 = Hex.encode(SHA256.hash(data: data))
        row.size = data.count
        row.content = data
        row.uploadedAt = now
        row.uploadedBy = staff.id
        let log = AdminChangeModel(.item, code, action: "form_uploaded", by: staff.staff, reason: name, at: now)
        log.afterJSON = CountyImporter.json(["file": name, "sha256": row.sha256, "size": "\(data.count)", "type": type])
        try await req.jiujin.write(req.db) { tx in
            try await row.create(on: tx)
            try await log.create(on: tx)
            // The guide pages kept for residents are keyed by the directory's version: they show the new form at once.
            try await DirectoryVersion.bump(on: tx)
        }
        try await req.jiujin.reloadDirectory(req.db)
        return req.redirect(to: "/admin/records/item/\(RecordForms.escape(code))?done=form")
    }

    func download(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let name = req.parameters.get("name") ?? ""
        guard let row = try await ItemFormModel.query(on: req.db).filter(\.$itemCode == code).filter(\.$fileName == name)
            .sort(\.$uploadedAt, .descending).first() else {
            throw APIError.notFound("表格「\(TextLimit.echo(name))」")
        }
        let response = Response(status: .ok, body: .init(data: row.content))
        response.headers.contentType = HTTPMediaType(type: String(row.contentType.split(separator: "/")[0]),
                                                     subType: String(row.contentType.split(separator: "/").last ?? "octet-stream"))
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "form"
        let ext = (name as NSString).pathExtension
        let fallback = "form" + (!ext.isEmpty && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } ? "." + ext : "")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: .eTag, value: "\"\(row.sha256)\"")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
