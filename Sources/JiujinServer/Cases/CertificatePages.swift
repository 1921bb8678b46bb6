import Fluent
import JiujinCore
import Vapor

/// A printed certificate (`cases/certificate.leaf`) with its QR code.
struct CertificatePage: PageContext {
    static let template = "cases/certificate"

    /// What `shared/print.leaf` shows around it.
    struct Header: Encodable, Sendable {
        var title: String
        var caseId: String
    }

    var header: Header
    var county: String
    var id: String
    var type: String
    var holder: String
    var holderId: String
    var fields: [FieldRow]
    var org: String
    var seal: String
    var issued: String
    var validUntil: String
    var revoked: Bool
    var qr: String
    var verifyURL: String

    init(payload: CertificatePayload, caseId: UUID?, holderName: String, revoked: Bool, county: String, qr: String, base: String) {
        header = Header(title: payload.type, caseId: caseId?.uuidString ?? "")
        self.county = county
        id = payload.id
        type = payload.type
        holder = holderName
        holderId = payload.holderId
        fields = payload.fields.sorted { $0.key < $1.key }.map { FieldRow(name: $0.key, value: $0.value) }
        org = payload.org
        seal = payload.seal
        issued = Printed.date(payload.issued)
        validUntil = payload.validUntil.map(Printed.date) ?? "长期"
        self.revoked = revoked
        self.qr = qr
        verifyURL = "\(base)/v/\(payload.id)"
    }
}

/// The printable certificate of a case (staff), and revocation from the case page. A certificate is seen by
/// whoever sees its case; one loaded into the library without a case, by its issuing organisation and the county.
struct CertificatePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("certificates", ":id", use: show)
        routes.post("certificates", ":id", "revoke", use: revoke)
    }

    func load(_ req: Request, staff: AuthenticatedStaff) async throws -> CertificateModel {
        guard let cert = try await CertificateModel.find(String((req.parameters.get("id") ?? "").prefix(40)), on: req.db) else {
            throw APIError.notFound("证照")
        }
        if let caseId = cert.caseId {
            _ = try await CaseService(req).visibleCase(caseId, staff: staff)
        } else if !(staff.seesWholeCounty || staff.org.id == cert.orgId) {
            throw APIError.notFound("证照")
        }
        return cert
    }

    func show(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let cert = try await load(req, staff: staff)
        let service = CertificateService(req)
        let payload = try JSONDecoder().decode(CertificatePayload.self, from: Data(service.token(cert).payload))
        let base = req.publicBase
        return try await req.render(CertificatePage(payload: payload, caseId: cert.caseId, holderName: cert.holderName,
                                                    revoked: cert.revokedAt != nil, county: req.jiujin.directory.countyName,
                                                    qr: try service.qrSVG(cert, base: base), base: base))
    }

    struct RevokeForm: Content {
        var reason: String
    }

    func revoke(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver, .supervisor])
        let cert = try await load(req, staff: staff)
        _ = try await CertificateService(req).revoke(id: cert.id ?? "", reason: (try? req.content.decode(RevokeForm.self).reason) ?? "",
                                                     by: staff.staff)
        return req.redirect(to: cert.caseId.map { "/cases/\($0.uuidString)?done=action" } ?? "/")
    }
}
