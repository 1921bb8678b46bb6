import Fluent
import JiujinCore
import Vapor

/// The printable certificate with its QR (staff), and revocation from the workbench.
struct CertificatePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("certificates", ":id", use: show)
        routes.post("certificates", ":id", "revoke", use: revoke)
    }

    struct CertificatePage: Encodable {
        var title: String
        var caseId: String
        var county: String
        var id: String
        var type: String
        var holder: String
        var holderId: String
        var fields: [VerifyPages.Field]
        var org: String
        var seal: String
        var issued: String
        var validUntil: String
        var revoked: Bool
        var qr: String
        var verifyURL: String
    }

    func load(_ req: Request, staff: AuthenticatedStaff) async throws -> CertificateModel {
        guard let cert = try await CertificateModel.find(req.parameters.get("id"), on: req.db) else { throw APIError.notFound("证照") }
        if let caseId = cert.caseId {
            _ = try await CaseService(req: req).visibleCase(caseId, staff: staff)
        } else if !(staff.seesWholeCounty || staff.org.id == cert.orgId) {
            throw APIError.notFound("证照")
        }
        return cert
    }

    func show(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let cert = try await load(req, staff: staff)
        let service = CertificateService(req: req)
        let token = service.token(cert)
        let payload = try JSONDecoder().decode(CertificatePayload.self, from: Data(token.payload))
        let base = CertificateService.baseURL(req)
        let page = CertificatePage(
            title: payload.type, caseId: cert.caseId?.uuidString ?? "", county: req.jiujin.directory.tree.roots.first?.name ?? "",
            id: cert.id!, type: payload.type, holder: cert.holderName, holderId: payload.holderId,
            fields: payload.fields.sorted { $0.key < $1.key }.map { VerifyPages.Field(name: $0.key, value: $0.value) },
            org: payload.org, seal: payload.seal, issued: DocumentPages.chineseDate(payload.issued),
            validUntil: payload.validUntil.map(DocumentPages.chineseDate) ?? "长期", revoked: cert.revokedAt != nil,
            qr: try service.qrSVG(cert, base: base), verifyURL: "\(base)/v/\(cert.id!)")
        return try await req.render("doc-certificate", page)
    }

    struct RevokeForm: Content {
        var reason: String
    }

    func revoke(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .supervisor, .administrator])
        let cert = try await load(req, staff: staff)
        _ = try await CertificateService(req: req).revoke(id: cert.id!, reason: (try? req.content.decode(RevokeForm.self).reason) ?? "", by: staff)
        return req.redirect(to: cert.caseId.map { "/cases/\($0.uuidString)?done=action" } ?? "/")
    }
}
