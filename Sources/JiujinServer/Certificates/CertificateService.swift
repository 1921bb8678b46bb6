import Crypto
import Fluent
import Foundation
import JiujinCore
import QRCode
import Vapor

/// Issues, revokes and verifies electronic certificates, and answers the
/// licence library (证照库): which licence types a holder already has.
struct CertificateService {
    let db: Database
    let ctx: JiujinContext

    init(req: Request) {
        db = req.db
        ctx = req.jiujin
    }

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    /// Validity of the certificate types that expire (days); others are long-term.
    static let validityDays: [String: Int] = ["居住证明": 180, "无犯罪记录证明": 90, "健康证明": 365]

    var keys: SealKeys { SealKeys(db: db, master: ctx.masterKey, gate: ctx.gate, now: ctx.now()) }

    /// Signs a certificate for a holder; `caseId` is nil for licences loaded into the library from elsewhere.
    func issue(type licence: String, holderName: String, holderNumber: String, holderIdMasked: String, fields: [String: String],
               orgId: String, sealNumber: String, caseId: UUID?) async throws -> CertificateModel {
        let signer = try await keys.signer(forSealNumber: sealNumber)
        let issued = LocalDate(ctx.now(), in: .china)
        let id = Self.newId()
        let payload = CertificatePayload(
            id: id, type: licence, holder: Masking.name(holderName), holderId: holderIdMasked, fields: fields,
            org: ctx.directory.organizations[orgId]?.name ?? orgId, seal: sealNumber, kid: signer.kid,
            issued: issued, validUntil: Self.validityDays[licence].map { issued.adding(days: $0) })
        let bytes = payload.canonicalJSON()
        let c = CertificateModel()
        c.id = id
        c.caseId = caseId
        c.type = licence
        c.holderKey = Self.holderKey(holderNumber, master: ctx.masterKey)
        c.holderName = holderName
        c.orgId = orgId
        c.sealNumber = sealNumber
        c.kid = signer.kid
        c.issuedOn = issued.description
        c.validUntil = payload.validUntil?.description
        c.payload = Base64URL.encode(bytes)
        c.signature = Base64URL.encode(try CertificateSignature.sign(bytes, with: signer.key))
        c.createdAt = ctx.now()
        return c
    }

    /// The keyed hash that finds a holder in the library without storing their number again.
    static func holderKey(_ number: String, master: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("holder:" + number.uppercased()).utf8), using: master)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static func newId() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        return "JJ" + String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// The certificate an approved case yields, signed with its decision seal; nil for items without an electronic licence.
    func certificate(for model: CaseModel, item: ServiceItem, regionPath: String) async throws -> CertificateModel? {
        guard let licence = item.result?.licenceType, let sealNumber = model.sealNumber, let orgId = model.decidingOrgId else { return nil }
        // Kept short: the whole payload rides in the QR code.
        var fields = ["办件编号": model.number]
        if let name = item.result?.name, name != licence { fields["证照名称"] = name }
        if licence == "居住证明" { fields["居住地"] = regionPath }
        if let rep = model.applicantLegalRep { fields["法定代表人"] = Masking.name(rep) }
        return try await issue(type: licence, holderName: model.applicantName,
                               holderNumber: model.applicantIdNumber ?? model.applicantCreditCode ?? "",
                               holderIdMasked: model.applicantIdNumber.map(Masking.residentID) ?? model.applicantCreditCode.map(Masking.creditCode) ?? "",
                               fields: fields, orgId: orgId, sealNumber: sealNumber, caseId: model.id)
    }

    /// Licence types the holder already has, valid today (for 免提交).
    func libraryTypes(holderNumber: String) async throws -> Set<String> {
        let today = ctx.today
        let rows = try await CertificateModel.query(on: db).filter(\.$holderKey == Self.holderKey(holderNumber, master: ctx.masterKey))
            .filter(\.$revokedAt == nil).all()
        return Set(rows.filter { ($0.validUntil.flatMap(LocalDate.init) ?? today) >= today }.map(\.type))
    }

    func token(_ c: CertificateModel) -> CertificateToken {
        CertificateToken(id: c.id!, payload: Base64URL.decode(c.payload) ?? [], signature: Base64URL.decode(c.signature) ?? [])
    }

    static func baseURL(_ req: Request) -> String {
        if let configured = Environment.get("JIUJIN_PUBLIC_URL"), !configured.isEmpty {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        let host = req.headers.first(name: .host) ?? "127.0.0.1:8080"
        return "http://\(host)"
    }

    func qrSVG(_ c: CertificateModel, base: String) throws -> String {
        try QRCode.encode(token(c).url(base: base), level: .medium).svg()
    }

    /// What a verification shows.
    enum Status: String {
        case authentic, revoked, expired, unknown, tampered

        var label: String {
            switch self {
            case .authentic: return "真实有效"
            case .revoked: return "已撤销"
            case .expired: return "已过期"
            case .unknown: return "查无此证"
            case .tampered: return "内容被篡改"
            }
        }
    }

    /// Checks a certificate by id, and the scanned token's signature when one came with it; logs the check.
    func verify(id: String, token: CertificateToken?, channel: String) async throws -> (Status, CertificateModel?, CertificatePayload?) {
        let cert = id.count <= 40 ? try await CertificateModel.find(id, on: db) : nil
        var status: Status
        var payload: CertificatePayload?
        if let cert {
            let stored = self.token(cert)
            payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(stored.payload))
            let keys = try await keys.publicKeys()
            let presented = token ?? stored
            switch OfflineVerifier.verify(presented, publicKeys: keys, today: ctx.today) {
            case .badSignature, .malformed, .unknownKey: status = .tampered
            case .expired: status = .expired
            case .authentic: status = .authentic
            }
            if status != .tampered, token != nil, token!.payload != stored.payload { status = .tampered }
            if status == .authentic || status == .expired, cert.revokedAt != nil { status = .revoked }
        } else {
            status = .unknown
        }
        let record = CertificateVerificationModel(certificateId: String(id.prefix(40)), channel: channel, result: status.rawValue,
                                                  at: ctx.now())
        try await ctx.gate.run { try await record.create(on: db) }
        return (status, cert, payload)
    }
}

extension CertificateService {
    /// Revokes a certificate with a reason; only its issuing organisation's approvers, supervisors and administrators may.
    func revoke(id: String, reason: String, by staff: AuthenticatedStaff) async throws -> CertificateModel {
        guard let reason = reason.trimmed.nonEmpty, reason.count <= 300 else { throw APIError.invalid("reason", "请填写撤销理由（300字以内）") }
        guard let cert = try await CertificateModel.find(id, on: db) else { throw APIError.notFound("证照") }
        guard staff.seesWholeCounty || staff.org.id == cert.orgId else { throw APIError.forbidden("只有发证机构可以撤销该证照") }
        guard cert.revokedAt == nil else { throw APIError(.conflict, "already_revoked", "该证照已撤销") }
        cert.revokedAt = ctx.now()
        cert.revokeReason = reason
        try await ctx.gate.run { try await cert.save(on: db) }
        return cert
    }
}
