import Fluent
import JiujinCore
import Vapor

/// Public keys, certificate checks, revocation and key rotation (JSON API).
struct CertificateController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("keys", use: keys)
        routes.grouped(RateLimitMiddleware(door: .verification)).get("certificates", ":id", use: check)
        routes.post("certificates", ":id", "revoke", use: revoke)
        routes.post("seals", ":id", "rotate-key", use: rotate)
    }

    struct KeyView: Content {
        var kid: String
        var alg: String
        var sealNumber: String
        var sealName: String
        var publicKey: String
        var status: String
        var createdAt: Date
        var retiredAt: Date?
    }

    struct KeyList: Content {
        var format: String
        var keys: [KeyView]
    }

    /// Every seal key ever used, current and retired, so old certificates still verify offline.
    func keys(req: Request) async throws -> KeyList {
        let seals = Dictionary(uniqueKeysWithValues: try await SealModel.query(on: req.db).all().map { ($0.id!, $0) })
        let rows = try await SealKeyModel.query(on: req.db).sort(\.$createdAt).all()
        return KeyList(format: "Ed25519 public keys, raw 32 bytes in base64url; payloads are canonical JSON (sorted keys, no whitespace) signed as bytes",
                       keys: rows.map {
                           KeyView(kid: $0.id!, alg: "Ed25519", sealNumber: seals[$0.sealId]?.number ?? "", sealName: seals[$0.sealId]?.name ?? "",
                                   publicKey: $0.publicKey, status: $0.retiredAt == nil ? "active" : "retired", createdAt: $0.createdAt,
                                   retiredAt: $0.retiredAt)
                       })
    }

    struct CheckView: Content {
        var id: String
        var status: String
        var statusLabel: String
        var type: String?
        var holder: String?
        var holderId: String?
        var fields: [String: String]?
        var org: String?
        var seal: String?
        var issued: String?
        var validUntil: String?
        var revokeReason: String?
    }

    /// Verifies by id, plus the scanned payload and signature when `p` and `s` are given.
    func check(req: Request) async throws -> CheckView {
        let id = req.parameters.get("id") ?? ""
        guard id.count <= 40 else { throw APIError.invalid("id", "证照编号不超过40个字符") }
        var token: CertificateToken?
        let p = req.queryText("p"), s = req.queryText("s")
        if p != nil || s != nil {
            if let p, p.utf8.count > 8192 { throw APIError.invalid("p", "二维码内容过长（p 不超过8192个字符）") }
            if let s, s.utf8.count > 200 { throw APIError.invalid("s", "签名过长（s 不超过200个字符）") }
            guard let p, let s, let parsed = CertificateToken.fromParts(id: id, p: p, s: s) else {
                throw APIError.invalid(p == nil ? "p" : "s", "二维码内容无法识别（p、s 须同时提供，为 base64url，签名64字节）")
            }
            token = parsed
        }
        let (status, cert, payload) = try await CertificateService(req).verify(id: id, token: token, channel: "api")
        return Self.view(id: id, status: status, cert: cert, payload: payload)
    }

    static func view(id: String, status: CertificateService.Status, cert: CertificateModel?, payload: CertificatePayload?) -> CheckView {
        let shown = status == .unknown || status == .tampered ? nil : payload
        return CheckView(id: id, status: status.rawValue, statusLabel: status.label, type: shown?.type, holder: shown?.holder,
                         holderId: shown?.holderId, fields: shown?.fields, org: shown?.org, seal: shown?.seal,
                         issued: shown?.issued.description, validUntil: shown?.validUntil?.description,
                         revokeReason: status == .revoked ? cert?.revokeReason : nil)
    }

    struct RevokeBody: Content {
        var reason: String
    }

    func revoke(req: Request) async throws -> CheckView {
        let staff = try req.requireStaff([.approver, .supervisor])
        let body = try req.content.decode(RevokeBody.self)
        let cert = try await CertificateService(req).revoke(id: req.parameters.get("id") ?? "", reason: body.reason, by: staff.staff)
        return Self.view(id: cert.id!, status: .revoked, cert: cert, payload: nil)
    }

    struct RotateBody: Content {
        var reason: String?
    }

    func rotate(req: Request) async throws -> KeyView {
        let staff = try req.requireStaff([.administrator])
        let body = req.body.data == nil ? RotateBody() : try req.content.decode(RotateBody.self)
        let reason = try TextLimit.optional(body.reason, field: "reason", max: 300, what: "轮换原因")
        guard let seal = try await SealModel.find(String((req.parameters.get("id") ?? "").prefix(60)), on: req.db) else {
            throw APIError.notFound("印章")
        }
        guard seal.active else { throw APIError(.conflict, "seal_retired", "印章已停用，其密钥不再轮换") }
        let signer = try await CertificateService(req).keys.rotate(sealId: seal.id!, by: staff.staff, reason: reason)
        try await req.jiujin.reloadDirectory(req.db)
        return KeyView(kid: signer.kid, alg: "Ed25519", sealNumber: seal.number, sealName: seal.name,
                       publicKey: Base64URL.encode(Array(signer.key.publicKey.rawRepresentation)), status: "active",
                       createdAt: req.jiujin.now(), retiredAt: nil)
    }
}
