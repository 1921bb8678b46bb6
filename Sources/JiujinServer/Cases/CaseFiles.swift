import Fluent
import Foundation
import JiujinCore
import Vapor

extension JiujinContext {
    /// Where material files are kept (`JIUJIN_FILES_DIR`).
    var files: FileStore { FileStore(directory: options.filesDirectory) }
}

/// Materials as files (材料文件): adding the scans, photos and PDFs of one material to a case, and showing them to the
/// few who may see them. A file is checked by its content (`FileInspection`), the case's rule (`Case.attaching`) is
/// asked before anything touches the disk, the files are stored by their hash, then the event carrying the hashes is
/// committed; so an acknowledged upload is on disk and in the history, and a refused one leaves nothing.
struct CaseFiles {
    let db: Database
    let ctx: JiujinContext

    init(_ req: Request) {
        db = req.db
        ctx = req.jiujin
    }

    struct Upload: Sendable {
        var name: String
        var data: Data
    }

    func attach(to id: UUID, material: String, uploads: [Upload], by staff: AuthenticatedStaff) async throws -> Case {
        let service = CaseService(db: db, ctx: ctx)
        let current = try await service.visibleCase(id, staff: staff)
        let limits = ctx.options.fileLimits
        let files = try Self.inspected(uploads, limits: limits)
        let facts = try await service.facts(for: try await service.item(of: current))
        let change = try current.attaching(material: material, files: files, by: staff.staff, facts: facts,
                                           storedBytes: Self.storedBytes(of: current), limits: limits)
        try put(uploads)
        return try await service.commit(change, facts: facts, isNew: false)
    }

    /// What each upload is by its content; the first that is no accepted file refuses them all.
    static func inspected(_ uploads: [Upload], limits: FileLimits) throws -> [MaterialFile] {
        guard uploads.count <= limits.perUpload else { throw FileRefusal.tooMany(limit: limits.perUpload) }
        return try uploads.map { u in
            let name = String(u.name.trimmingCharacters(in: .whitespacesAndNewlines).prefix(120))
            switch FileInspection.inspect(u.data, name: name.isEmpty ? "未命名文件" : name, limits: limits) {
            case .failure(let refusal): throw refusal
            case .success(let kind): return MaterialFile(sha256: FileStore.sha256(u.data), kind: kind, size: u.data.count, name: name)
            }
        }
    }

    /// The bytes a case's current files hold.
    static func storedBytes(of c: Case) -> Int {
        c.materials.reduce(0) { sum, m in sum + (m.files ?? []).reduce(0) { $0 + $1.size } }
    }

    /// Puts the files on disk (before the event naming them is committed).
    func put(_ uploads: [Upload]) throws {
        let store = ctx.files
        do {
            for u in uploads { _ = try store.put(u.data) }
        } catch {
            // A full or unwritable disk: nothing is recorded, the client may try again.
            Logger(label: "jiujin.files").error("file store refused a write: \(error)")
            throw APIError.storageUnavailable
        }
    }

    /// Whether `staff` may see the case's files: the member who took it in or uploaded to it, the deciding
    /// organisation's approvers, and supervisors — nobody else, whoever else may see the case.
    static func maySee(_ c: Case, events: [CaseEvent], staff: Staff) -> Bool {
        switch staff.role {
        case .supervisor: return true
        case .approver: return c.decidingOrgId == staff.org.id
        case .windowClerk, .villageAgent, .partnerTeller:
            return c.acceptedBy == staff.id || events.contains { $0.action == .attachMaterial && $0.actorId == staff.id }
        default: return false
        }
    }

    /// One stored file of a case, for a member who may see it; the view is logged like a read of personal data.
    func file(of id: UUID, sha: String, by staff: AuthenticatedStaff) async throws -> (kind: MaterialFile.Kind, data: Data) {
        let c = try await CaseService(db: db, ctx: ctx).visibleCase(id, staff: staff)
        let events = try await CaseRows.events(of: id, on: try sqlDatabase(db))
        guard Self.maySee(c, events: events, staff: staff.staff) else {
            throw APIError.forbidden("材料文件只有受理人、审批机构的审批人员和监督管理人员可以查看")
        }
        guard MaterialFile.isHash(sha), events.contains(where: { $0.attachments.contains(sha) }), let data = ctx.files.get(sha),
              case .success(let kind) = FileInspection.inspect(data, name: sha, limits: .init(perFile: .max, perCase: .max)) else {
            throw APIError.notFound("材料文件")
        }
        let log = DataAccessLogModel(staffId: staff.id, caseId: id, purpose: "查看材料文件 " + String(sha.prefix(12)), at: ctx.now())
        await ctx.records.append { tx in try await log.insert(on: tx) }
        return (kind, data)
    }

    static func response(_ kind: MaterialFile.Kind, _ data: Data) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: kind.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}

/// The doors: the case page's upload form and file view, and the API's.
struct CaseFileRoutes: RouteCollection {
    static let bodyLimit = ByteCount(value: UploadLimits.materialUploadBytes)

    func boot(routes: RoutesBuilder) throws {
        routes.on(.POST, "cases", ":id", "materials", body: .collect(maxSize: Self.bodyLimit), use: uploadPage)
        routes.get("cases", ":id", "files", ":sha", use: view)
    }

    struct Form: Content {
        var material: String?
        var files: [File]?
    }

    static func uploads(_ form: Form) -> [CaseFiles.Upload] {
        (form.files ?? []).filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }
            .map { CaseFiles.Upload(name: $0.filename, data: Data(buffer: $0.data)) }
    }

    func uploadPage(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("办件") }
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            _ = try await CaseFiles(req).attach(to: id, material: form.material ?? "", uploads: Self.uploads(form), by: staff)
        } catch {
            let e = JSONErrorMiddleware.map(error)
            guard e.status == .unprocessableEntity || e.status == .conflict else { throw error }
            return try await CasePages().renderCase(req, staff: staff, id: id, revealPurpose: nil, error: e.message, status: e.status)
        }
        return req.redirect(to: "/cases/\(id.uuidString)?done=files#materials")
    }

    func view(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("办件") }
        let file = try await CaseFiles(req).file(of: id, sha: req.parameters.get("sha") ?? "", by: staff)
        return CaseFiles.response(file.kind, file.data)
    }
}

/// `POST /api/v1/cases/{id}/materials` (multipart: material, files) and `GET /api/v1/cases/{id}/files/{sha256}`.
struct CaseFileController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.on(.POST, "cases", ":id", "materials", body: .collect(maxSize: CaseFileRoutes.bodyLimit), use: upload)
        routes.get("cases", ":id", "files", ":sha", use: view)
    }

    func upload(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("办件") }
        guard req.headers.contentType?.type == "multipart" else {
            throw APIError(.unsupportedMediaType, "multipart_required", "请以 multipart/form-data 上传：字段 material（材料名称）与 files（一个或多个文件）")
        }
        guard let form = try? req.content.decode(CaseFileRoutes.Form.self) else {
            throw APIError.invalid("files", "无法读取上传的表单", code: "bad_form")
        }
        let c = try await CaseFiles(req).attach(to: id, material: form.material ?? "", uploads: CaseFileRoutes.uploads(form), by: staff)
        let response = try await CaseDetail(try await CaseReader(req).view(c.id, for: staff, parts: CaseController.detailParts)).encodeResponse(for: req)
        response.status = .created
        return response
    }

    func view(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("办件") }
        let file = try await CaseFiles(req).file(of: id, sha: req.parameters.get("sha") ?? "", by: staff)
        return CaseFiles.response(file.kind, file.data)
    }
}

/// The files of a form with one file input per material (`m0[]`, `m1[]`… in the item's order).
enum MaterialUploads {
    static func read(_ req: Request, materials: [String]) -> [String: [CaseFiles.Upload]] {
        var out: [String: [CaseFiles.Upload]] = [:]
        for (i, name) in materials.enumerated() {
            let files = ((try? req.content.get([File].self, at: "m\(i)")) ?? [])
                .filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }
                .map { CaseFiles.Upload(name: $0.filename, data: Data(buffer: $0.data)) }
            if !files.isEmpty { out[name] = files }
        }
        return out
    }
}
