import Crypto
import Fluent
import SQLKit
import Foundation
import JiujinCore
import QRCode
import Vapor

/// Issues, revokes and verifies electronic certificates, and answers the
/// licence library (证照库): which licence types a holder already has.
struct CertificateService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    var keys: SealKeys { SealKeys(db: db, master: ctx.masterKey, door: ctx.door, now: ctx.now()) }

    /// Signs a certificate for a holder with the seal's current key; `caseId` is nil for licences loaded into the
    /// library from elsewhere. The row is returned unsaved, to be stored with whatever issued it.
    func issue(id: String, type licence: String, holderName: String, holderNumber: String, holderIdMasked: String,
               fields: [String: String], orgId: String, sealNumber: String, caseId: UUID?) async throws -> CertificateModel {
        let signer = try await keys.signer(forSealNumber: sealNumber)
        let issued = LocalDate(ctx.now(), in: .china)
        let payload = CertificatePayload(
            id: id, type: licence, holder: Masking.name(holderName), holderId: holderIdMasked, fields: fields,
            org: ctx.directory.name(ofOrg: orgId), seal: sealNumber, kid: signer.kid,
            issued: issued, validUntil: CertificateRules.validUntil(type: licence, issued: issued))
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

    /// The certificate a decision ordered, for the case's applicant.
    func issue(_ order: CertificateOrder, for c: Case, item: ServiceItem, regionPath: String) async throws -> CertificateModel {
        try await issue(id: order.id, type: order.licenceType, holderName: c.applicant.name, holderNumber: c.applicant.number,
                        holderIdMasked: c.applicant.idNumber.map(Masking.residentID) ?? c.applicant.creditCode.map(Masking.creditCode) ?? "",
                        fields: order.fields(for: c, item: item, regionPath: regionPath), orgId: order.orgId,
                        sealNumber: order.sealNumber, caseId: c.id)
    }

    /// The keyed hash that finds a holder in the library without storing their number again.
    static func holderKey(_ number: String, master: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("holder:" + number.uppercased()).utf8), using: master)
        return Hex.encode(mac)
    }

    static func newId() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        return "JJ" + String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// Licence types the holder already has, valid today, among those the item's materials can be waived by
    /// (免提交): a lookup for 营业执照 never reveals a 残疾人证. Every lookup is logged with who asked, for which
    /// item and why (`LicenceLookupModel`), like a read of personal data.
    /// `caseId`: the case being filed, when it exists already; `CaseService` logs intake lookups itself once the
    /// new case has its id (`logged: false`).
    func libraryTypes(holderNumber: String, for item: ServiceItem, by actorId: String, purpose: String,
                      logged: Bool = true) async throws -> (held: Set<String>, record: LicenceLookupModel) {
        let usable = Set(item.materials.compactMap(\.licenceSource))
        let key = Self.holderKey(holderNumber, master: ctx.masterKey)
        let held = usable.isEmpty ? [] : try await allLibraryTypes(holderKey: key).intersection(usable)
        let record = LicenceLookupModel(actorId: actorId, holderKey: key, itemCode: item.code, purpose: purpose,
                                        revealed: held.sorted().joined(separator: "、"), at: ctx.now())
        if logged { await log(record) }
        return (held, record)
    }

    func log(_ record: LicenceLookupModel) async {
        await ctx.records.append { tx in try await record.insert(on: tx) }
    }

    private func allLibraryTypes(holderKey: String) async throws -> Set<String> {
        let today = ctx.today
        // Asked at every intake: one indexed query for two columns.
        let rows = try await sqlDatabase(db).raw("""
            SELECT type, valid_until FROM certificates
            WHERE holder_key = \(bind: holderKey) AND revoked_at IS NULL
            """).all()
        var held = Set<String>()
        for row in rows where (try row.decode(column: "valid_until", as: String?.self).flatMap(LocalDate.init) ?? today) >= today {
            held.insert(try row.decode(column: "type", as: String.self))
        }
        return held
    }

    func token(_ c: CertificateModel) -> CertificateToken {
        CertificateToken(id: c.id ?? "", payload: Base64URL.decode(c.payload) ?? [], signature: Base64URL.decode(c.signature) ?? [])
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
        let cert = id.count <= 40 ? try await CertificateModel.read(id, on: db) : nil
        var status: Status
        var payload: CertificatePayload?
        if let cert {
            let stored = self.token(cert)
            payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(stored.payload))
            let presented = token ?? stored
            var named: [String: [UInt8]] = [:]
            var retired: [String: LocalDate] = [:]
            if let kid = (try? JSONDecoder().decode(CertificatePayload.self, from: Data(presented.payload)))?.kid,
               let key = try await publicKey(kid: kid) {
                named[kid] = key.key
                retired[kid] = key.retiredOn
            }
            switch OfflineVerifier.verify(presented, publicKeys: named, retiredOn: retired, today: ctx.today) {
            case .badSignature, .malformed, .unknownKey, .keyRetired: status = .tampered
            case .expired: status = .expired
            case .authentic: status = .authentic
            }
            if status != .tampered, let token, token.payload != stored.payload { status = .tampered }
            if status == .authentic || status == .expired, cert.revokedAt != nil { status = .revoked }
        } else {
            status = .unknown
        }
        let record = CertificateVerificationModel(certificateId: String(id.prefix(40)), channel: channel, result: status.rawValue,
                                                  at: ctx.now())
        await ctx.records.append { tx in try await record.insert(on: tx) }
        return (status, cert, payload)
    }

    /// A seal's public key and the day it was retired, kept until the directory moves on (a rotation or a seal's
    /// retirement bumps its version, in this process or another).
    private func publicKey(kid: String) async throws -> SealKeys.PublishedKey? {
        if let kept = ctx.publicKeys.value[kid] { return kept }
        guard let key = try await keys.publicKey(kid: kid) else { return nil }
        ctx.publicKeys.update { $0[kid] = key }
        return key
    }

    /// Revokes a certificate with a reason; who may is `CertificateRules.mayRevoke`.
    func revoke(id: String, reason: String, by staff: Staff) async throws -> CertificateModel {
        guard let reason = reason.trimmed.nonEmpty, reason.count <= 300 else { throw APIError.invalid("reason", "请填写撤销理由（300字以内）") }
        guard let cert = try await CertificateModel.find(id, on: db) else { throw APIError.notFound("证照") }
        guard CertificateRules.mayRevoke(staff, issuingOrgId: cert.orgId) else { throw APIError.forbidden("只有发证机构可以撤销该证照") }
        guard cert.revokedAt == nil else { throw APIError(.conflict, "already_revoked", "该证照已撤销") }
        let now = ctx.now()
        return try await ctx.write(db) { tx in
            guard let row = try await CertificateModel.find(id, on: tx), row.revokedAt == nil else {
                throw APIError(.conflict, "already_revoked", "该证照已撤销")
            }
            row.revokedAt = now
            row.revokeReason = reason
            try await row.save(on: tx)
            try await AdminChangeModel(.certificate, id, action: "revoked", by: staff, reason: reason, at: now).create(on: tx)
            return row
        }
    }
}
