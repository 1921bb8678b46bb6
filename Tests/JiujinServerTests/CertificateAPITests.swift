import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

@Suite struct CertificateAPITests {
    func issueResidence(_ c: TestClient, _ app: Application) async throws -> (token: String, caseId: String, cert: CertificateModel) {
        let agent = try await c.login("dl-100201")
        let r = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508", name: "张珊", id: "440524188001010014"))
        #expect(r.status == .created)
        let caseId = try #require(r.string("id"))
        let cert = try #require(try await CertificateModel.query(on: app.db).filter(\.$caseId == UUID(uuidString: caseId)).first())
        return (agent, caseId, cert)
    }

    @Test func anInstantResidenceCertificateVerifiesOnlineAndOffline() async throws {
        try await withJiujin { app, c in
            let (_, _, cert) = try await issueResidence(c, app)
            #expect(cert.type == "居住证明" && cert.sealNumber == "CW-100201")
            #expect(cert.validUntil == "2027-05-19")
            let token = CertificateService(db: app.db, ctx: app.jiujin).token(cert)
            let ok = try await c.send(.GET, "/api/v1/certificates/\(cert.id!)?p=\(Base64URL.encode(token.payload))&s=\(Base64URL.encode(token.signature))")
            #expect(ok.string("status") == "authentic" && ok.string("holder") == "张*")
            #expect(!ok.text.contains("440524188001010014") && !ok.text.contains("张珊"))
            // Offline: only the published keys.
            let keys = try await c.send(.GET, "/api/v1/keys")
            let published = Dictionary(uniqueKeysWithValues: keys.list("keys").map { ($0["kid"] as! String, Base64URL.decode($0["publicKey"] as! String)!) })
            #expect(OfflineVerifier.verify(token, publicKeys: published, today: LocalDate("2026-11-20")!) != .badSignature)
            if case .authentic = OfflineVerifier.verify(token, publicKeys: published, today: LocalDate("2026-11-20")!) {} else { Issue.record("not authentic offline") }
            // One changed byte: both checks refuse it.
            var changed = token.payload
            changed[changed.count / 2] ^= 0x04
            let bad = try await c.send(.GET, "/api/v1/certificates/\(cert.id!)?p=\(Base64URL.encode(changed))&s=\(Base64URL.encode(token.signature))")
            #expect(bad.string("status") == "tampered" && bad["holder"] == nil)
            #expect(OfflineVerifier.verify(CertificateToken(id: token.id, payload: changed, signature: token.signature), publicKeys: published,
                                           today: LocalDate("2026-11-20")!) != .authentic(try JSONDecoder().decode(CertificatePayload.self, from: Data(token.payload))))
            #expect(try await c.send(.GET, "/api/v1/certificates/JJNOSUCHCERT").string("status") == "unknown")
            try await app.jiujin.records.flush(app.db)
            #expect(try await CertificateVerificationModel.query(on: app.db).count() == 3)
        }
    }

    @Test func revocationShowsAtOnceAndOnlyTheIssuerMayRevoke() async throws {
        try await withJiujin { app, c in
            let (_, _, cert) = try await issueResidence(c, app)
            let otherTown = try await c.login("sp-101")
            #expect(try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: otherTown, json: ["reason": "x"]).status == .forbidden)
            let supervisor = try await c.login("jiandu")
            #expect(try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: supervisor, json: ["reason": " "]).status == .unprocessableEntity)
            let revoked = try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: supervisor, json: ["reason": "申请人已迁出"])
            #expect(revoked.string("status") == "revoked")
            let page = try await c.send(.GET, "/v/\(cert.id!)")
            #expect(page.status == .ok && page.text.contains("已撤销") && page.text.contains("申请人已迁出"))
            #expect(try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: supervisor, json: ["reason": "again"]).status == .conflict)
        }
    }

    @Test func aRotatedOutKeyStillVerifiesItsCertificates() async throws {
        try await withJiujin { app, c in
            let (_, _, first) = try await issueResidence(c, app)
            let seal = try #require(try await SealModel.query(on: app.db).filter(\.$number == "CW-100201").first())
            let admin = try await c.login("admin")
            #expect(try await c.send(.POST, "/api/v1/seals/\(seal.id!)/rotate-key", token: try await c.login("jiandu")).status == .forbidden)
            let rotated = try await c.send(.POST, "/api/v1/seals/\(seal.id!)/rotate-key", token: admin)
            #expect(rotated.status == .ok)
            let newKid = try #require(rotated.string("kid"))
            #expect(newKid != first.kid)
            let (_, _, second) = try await issueResidence(c, app)
            #expect(second.kid == newKid)
            let keys = try await c.send(.GET, "/api/v1/keys")
            let statuses = Dictionary(uniqueKeysWithValues: keys.list("keys").map { ($0["kid"] as! String, $0["status"] as! String) })
            #expect(statuses[first.kid] == "retired" && statuses[newKid] == "active")
            for cert in [first, second] {
                #expect(try await c.send(.GET, "/api/v1/certificates/\(cert.id!)").string("status") == "authentic")
            }
        }
    }

    @Test func theLicenceLibraryWaivesWhatTheApplicantHolds() async throws {
        try await withJiujin { _, c in
            let clerk = try await c.login("ck-county-1")
            // 刘坤 holds an electronic ID card and household register in the demo library; 王建国 holds nothing.
            let materials: [[String: Any]] = [["name": "城乡居民基本养老保险参保登记表", "provided": true]]
            let held = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("RSJ0501", extra: ["materials": materials, "regionCode": "990101100201"]))
            #expect(held.status == .created, "\(held.text)")
            let waived = (held["materials"] as? [[String: Any]])?.filter { ($0["waivable"] as? Bool) == true }.compactMap { $0["name"] as? String }
            #expect(Set(waived ?? []) == ["居民身份证", "户口簿"])
            let none = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("RSJ0501", name: "王建国", id: "37030319850612100X".replacingOccurrences(of: "X", with: String(ResidentID.checkCharacter(of: "37030319850612100"))), extra: ["materials": materials, "regionCode": "990101100201"]))
            #expect(none.status == .unprocessableEntity && none.errorCode == "materials_missing")
            #expect(none.string("message")?.contains("居民身份证") == true)
        }
    }

    @Test func approvalIssuesTheLicenceAndThePrintedPageCarriesAQR() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let approver = try await c.login("sp-100")
            for a in ["start_review", "pass_stage", "approve"] {
                _ = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": a])
            }
            let cert = try #require(try await CertificateModel.query(on: app.db).filter(\.$caseId == UUID(uuidString: id)).first())
            #expect(cert.type == "营业执照" && cert.sealNumber == "审批专用章(03)" && cert.orgId == "town-100")
            let web = WebClient(app: app)
            _ = try await web.signIn("dl-100201")
            let page = try await web.get("/certificates/\(cert.id!)")
            #expect(page.status == .ok && page.html.contains("<svg") && page.html.contains("审批专用章(03)"))
            let neighbour = WebClient(app: app)
            _ = try await neighbour.signIn("dl-100202")
            #expect(try await neighbour.get("/certificates/\(cert.id!)").status == .notFound)
        }
    }

    @Test func retiringASealRetiresItsKeysAndEveryChangeNamesItsActor() async throws {
        try await withJiujin { app, c in
            let (_, _, cert) = try await issueResidence(c, app)
            let seal = try #require(try await SealModel.query(on: app.db).filter(\.$number == "CW-100201").first())
            let sealId = try #require(seal.id)
            let admin = try await c.login("admin")
            let rotated = try await c.send(.POST, "/api/v1/seals/\(sealId)/rotate-key", token: admin, json: ["reason": "年度轮换"])
            #expect(rotated.status == .ok)
            // The supervisor revokes a certificate and retires the seal (with a reason, else refused).
            let supervisor = try await c.login("jiandu")
            #expect(try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: admin, json: ["reason": "x"]).status == .forbidden)
            #expect(try await c.send(.POST, "/api/v1/certificates/\(cert.id!)/revoke", token: supervisor, json: ["reason": "申请人迁出"]).status == .ok)
            let web = WebClient(app: app)
            _ = try await web.signIn("jiandu")
            _ = try await web.get("/admin/seals")
            #expect(try await web.post("/admin/seals/\(sealId)/retire", []).status == .unprocessableEntity)
            #expect(try await web.post("/admin/seals/\(sealId)/retire", [("reason", "村站合并")]).status == .seeOther)
            let keys = try await c.send(.GET, "/api/v1/keys").list("keys").filter { $0["sealNumber"] as? String == "CW-100201" }
            #expect(keys.count == 2 && keys.allSatisfy { $0["status"] as? String == "retired" })
            // A retired seal neither rotates nor signs again.
            #expect(try await c.send(.POST, "/api/v1/seals/\(sealId)/rotate-key", token: admin).errorCode == "seal_retired")
            await #expect(throws: APIError.self) {
                _ = try await CertificateService(db: app.db, ctx: app.jiujin).keys.signer(forSealNumber: "CW-100201")
            }
            let changes = try await AdminChangeModel.query(on: app.db).all()
            let byAction = Dictionary(grouping: changes, by: { "\($0.subjectKind).\($0.action)" })
            #expect(byAction["key.rotated"]?.first?.actorRole == "administrator" && byAction["key.rotated"]?.first?.reason == "年度轮换")
            #expect(byAction["certificate.revoked"]?.first?.actorRole == "supervisor" && byAction["certificate.revoked"]?.first?.reason == "申请人迁出")
            #expect(byAction["seal.retired"]?.first?.subjectId == sealId && byAction["seal.retired"]?.first?.reason == "村站合并")
        }
    }
}
