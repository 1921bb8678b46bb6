import Crypto
import Fluent
import Foundation
import JiujinCore
import Testing
@testable import JiujinServer
import VaporTesting

/// Accounts a county can run for real: no demo password without the demo, activation codes, administrators who
/// deactivate, unlock and reset, sessions that end with a password, and the split between IT and the business.
@Suite struct AccountAdministrationTests {
    func activate(_ c: TestClient, _ name: String, _ code: String, _ password: String) async throws -> Reply {
        try await c.send(.POST, "/api/v1/auth/activate", json: ["username": name, "code": code, "newPassword": password])
    }

    @Test func withoutTheDemoTheFirstAdministratorComesFromAnActivationCode() async throws {
        try await withJiujin(demo: false) { app, c in
            let made = try await FirstAdministrator.run(app, username: "root", name: "张管理", orgId: nil, county: "临沭县", division: "371329000000")
            let madeCode = try #require(made.code)
            #expect(made.created && made.orgName == "临沭县行政审批服务局" && ActivationCode.normalize(madeCode) != nil)
            // The new account has no password anybody knows, and the demo password never signs in without the demo —
            // even on an account whose stored hash is still the demo one.
            #expect(try await c.send(.POST, "/api/v1/auth/token", json: ["username": "root", "password": DemoCounty.demoPassword]).status == .unauthorized)
            let row = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "root").first())
            row.passwordHash = try Bcrypt.hash(DemoCounty.demoPassword, cost: 4)
            try await row.save(on: app.db)
            let demo = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "root", "password": DemoCounty.demoPassword])
            #expect(demo.status == .unauthorized && demo.errorCode == "invalid_credentials")
            // A wrong code, a weak password, then the right code (typed in lower case with spaces) once.
            #expect(try await activate(c, "root", "AAAA-BBBB-CCCC", "Linshu2026admin").errorCode == "invalid_activation")
            #expect(try await activate(c, "root", madeCode, "short").errorCode == "weak_password")
            let typed = madeCode.lowercased().replacingOccurrences(of: "-", with: " ")
            #expect(try await activate(c, "root", typed, "Linshu2026admin").status == .noContent)
            #expect(try await activate(c, "root", madeCode, "Linshu2026other").errorCode == "invalid_activation")
            let token = try await c.login("root", password: "Linshu2026admin")
            #expect(try await c.send(.GET, "/api/v1/staff", token: token).list("items").count == 1)
            // create-admin again (a lost password): a new code, the old password and every token stop working.
            let again = try await FirstAdministrator.run(app, username: "root", name: nil, orgId: nil, county: nil, division: nil)
            #expect(!again.created)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: token).status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/auth/token", json: ["username": "root", "password": "Linshu2026admin"]).status == .unauthorized)
            // A second administrator must name an organisation now that there is one.
            await #expect(throws: ConfigurationError.self) {
                _ = try await FirstAdministrator.run(app, username: "second", name: "李", orgId: nil, county: "临沭县", division: "371329000000")
            }
            await #expect(throws: ConfigurationError.self) {
                _ = try await FirstAdministrator.run(app, username: "bad name!", name: "李", orgId: "dept-xzsp", county: nil, division: nil)
            }
            let actions = try await AdminChangeModel.query(on: app.db).sort(\.$at).all().map(\.action)
            #expect(actions.starts(with: ["created", "activation_issued", "activated"]) && actions.last == "reset")
        }
    }

    @Test func createAdminCanSetAGivenPasswordButNeverAWeakOne() async throws {
        try await withJiujin(demo: false) { app, c in
            await #expect(throws: ConfigurationError.self) {
                _ = try await FirstAdministrator.run(app, username: "root", name: "张管理", orgId: nil, county: "临沭县", division: "371329000000",
                                                     password: DemoCounty.demoPassword)
            }
            #expect(try await StaffModel.query(on: app.db).count() == 0)
            let made = try await FirstAdministrator.run(app, username: "root", name: "张管理", orgId: nil, county: "临沭县", division: "371329000000",
                                                        password: "Linshu2026admin")
            #expect(made.code == nil && made.created)
            _ = try await c.login("root", password: "Linshu2026admin")
            // No activation code is left open for the account.
            let id = try #require(try await StaffModel.query(on: app.db).first()?.id)
            #expect(try await ActivationCodeModel.query(on: app.db).filter(\.$staffId == id).filter(\.$usedAt == nil).count() == 0)
        }
    }

    @Test func administratorsResetDeactivateAndUnlockAndEveryOldSessionEnds() async throws {
        try await withJiujin(tune: { $0.clientIPHeader = "X-Real-IP" }) { app, c in
            let admin = try await c.login("admin")
            let list = try await c.send(.GET, "/api/v1/staff", token: admin)
            let clerkRow = try #require(list.list("items").first { $0["username"] as? String == "ck-100" })
            let clerkId = try #require(clerkRow["id"] as? String)
            #expect(list.list("items").allSatisfy { ($0["phone"] as? String).map { $0.contains("*") } ?? true })
            // Only administrators: not a supervisor, not a stranger.
            #expect(try await c.send(.GET, "/api/v1/staff", token: try await c.login("jiandu")).status == .forbidden)
            #expect(try await c.send(.GET, "/api/v1/staff").status == .unauthorized)
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/reset", token: try await c.login("sp-100")).status == .forbidden)
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/explode", token: admin).status == .notFound)
            #expect(try await c.send(.POST, "/api/v1/staff/nobody/reset", token: admin).status == .notFound)
            let adminId = try #require(list.list("items").first { $0["username"] as? String == "admin" }?["id"] as? String)
            #expect(try await c.send(.POST, "/api/v1/staff/\(adminId)/deactivate", token: admin).errorCode == "account_action_refused")

            // The clerk is signed in twice; a reset ends both and the old password.
            let clerkToken = try await c.login("ck-100")
            let browser = WebClient(app: app)
            _ = try await browser.signIn("ck-100")
            #expect(try await browser.get("/window").status == .ok)
            let reset = try await c.send(.POST, "/api/v1/staff/\(clerkId)/reset", token: admin, json: ["reason": "忘记密码"])
            let code = try #require(reset.string("activationCode"))
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: clerkToken).status == .unauthorized)
            #expect(try await browser.get("/window").location?.hasPrefix("/login") == true)
            #expect(try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": DemoCounty.demoPassword]).status == .unauthorized)
            // Activation on the page.
            let web = WebClient(app: app)
            #expect(try await web.get("/activate").html.contains("激活码"))
            let mismatch = try await web.post("/activate", [("username", "ck-100"), ("code", code), ("newPassword", "Qinghe2026clerk"),
                                                            ("confirmPassword", "Qinghe2026other")])
            #expect(mismatch.status == .unprocessableEntity && mismatch.html.contains("不一致"))
            let done = try await web.post("/activate", [("username", "ck-100"), ("code", code), ("newPassword", "Qinghe2026clerk"),
                                                        ("confirmPassword", "Qinghe2026clerk")])
            #expect(done.status == .seeOther && done.location == "/login?done=activated")
            let fresh = try await c.login("ck-100", password: "Qinghe2026clerk")

            // Deactivation ends the token; the account answers like a wrong password; reactivation restores it.
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/deactivate", token: admin, json: ["reason": "调岗"]).status == .ok)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: fresh).status == .unauthorized)
            let off = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": "Qinghe2026clerk"])
            #expect(off.errorCode == "invalid_credentials")
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/deactivate", token: admin).errorCode == "account_action_refused")
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/reactivate", token: admin).status == .ok)
            _ = try await c.login("ck-100", password: "Qinghe2026clerk")

            // Five failures from one address slow the name there; the administrator's unlock lifts it.
            let address = [("X-Real-IP", "203.0.113.7")]
            for _ in 0..<5 {
                _ = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": "wrong"], headers: address)
            }
            let slowed = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": "Qinghe2026clerk"], headers: address)
            #expect(slowed.status == .tooManyRequests)
            #expect(try await c.send(.GET, "/api/v1/staff", token: admin).list("items").first { $0["id"] as? String == clerkId }?["throttled"] as? Bool == true)
            #expect(try await c.send(.POST, "/api/v1/staff/\(clerkId)/unlock", token: admin).status == .ok)
            let after = try await c.send(.POST, "/api/v1/auth/token", json: ["username": "ck-100", "password": "Qinghe2026clerk"], headers: address)
            #expect(after.status == .ok)

            // The demo county's own import is the first entry of every demo account.
            let changes = try await AdminChangeModel.query(on: app.db).filter(\.$subjectId == clerkId).filter(\.$actorId != "demo").sort(\.$at).all()
            #expect(changes.map(\.action) == ["reset", "activated", "deactivated", "reactivated", "unlocked"])
            #expect(changes.first?.reason == "忘记密码" && changes.first?.actorId == adminId)
            await #expect(throws: (any Error).self) { try await changes[0].delete(on: app.db) }
        }
    }

    @Test func theAccountsPageShowsTheCodeOnceAndRefusesOthers() async throws {
        try await withJiujin { app, _ in
            let admin = WebClient(app: app)
            _ = try await admin.signIn("admin")
            let page = try await admin.get("/admin/staff")
            #expect(page.status == .ok && page.html.contains("ck-100") && !page.html.contains("13"  + "800000100"))
            let clerkId = try #require(try await StaffModel.query(on: app.db).filter(\.$username == "ck-100").first()?.id)
            let issued = try await admin.post("/admin/staff/\(clerkId)/reset", [("reason", "新入职")])
            #expect(issued.status == .ok && issued.html.contains("激活码"))
            let supervisor = WebClient(app: app)
            _ = try await supervisor.signIn("jiandu")
            #expect(try await supervisor.get("/admin/staff").status == .forbidden)
            #expect(try await supervisor.post("/admin/staff/\(clerkId)/deactivate", []).status == .forbidden)
            #expect(try await StaffModel.find(clerkId, on: app.db)?.active == true)
        }
    }

    @Test func aPasswordChangeEndsEveryOtherSessionAndToken() async throws {
        try await withJiujin { app, c in
            let kept = try await c.login("sp-100")
            let other = try await c.login("sp-100")
            let browser = WebClient(app: app)
            _ = try await browser.signIn("sp-100")
            let changed = try await c.send(.POST, "/api/v1/auth/password", token: kept,
                                           json: ["currentPassword": DemoCounty.demoPassword, "newPassword": "Qinghe2026review"])
            #expect(changed.status == .noContent)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: kept).status == .ok)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: other).status == .unauthorized)
            #expect(try await browser.get("/inbox").location?.hasPrefix("/login") == true)
            // On the page: the browser that changes keeps its session, the token ends.
            let web = WebClient(app: app)
            _ = try await web.signIn("sp-100", password: "Qinghe2026review")
            _ = try await web.get("/account/password")
            let page = try await web.post("/account/password", [("currentPassword", "Qinghe2026review"), ("newPassword", "Qinghe2027review"),
                                                                ("confirmPassword", "Qinghe2027review")])
            #expect(page.status == .seeOther)
            #expect(try await web.get("/inbox").status == .ok)
            #expect(try await c.send(.GET, "/api/v1/auth/me", token: kept).status == .unauthorized)
        }
    }

    @Test func supervisorsGrantAuthorityAndRetireSealsAdministratorsKeepAccountsAndKeys() async throws {
        try await withJiujin { app, c in
            let admin = try await c.login("admin"), supervisor = try await c.login("jiandu")
            let body: [String: Any] = ["documentNumber": "青禾政发〔2026〕77号", "toOrgIds": ["town-107"], "itemCodes": ["SCJ0701"],
                                       "canAccept": true, "canDecide": false, "validFrom": "2026-11-20"]
            #expect(try await c.send(.POST, "/api/v1/delegations", token: admin, json: body).status == .forbidden)
            #expect(try await c.send(.POST, "/api/v1/delegations/del-scjg-001/revoke", token: admin, json: ["reason": "x"]).status == .forbidden)
            // Backdating needs a reason, and the reason is kept with the record.
            var backdated = body
            backdated["validFrom"] = "2026-11-01"
            let refused = try await c.send(.POST, "/api/v1/delegations", token: supervisor, json: backdated)
            #expect(refused.status == .unprocessableEntity && refused.errorCode == "backdate_reason_required")
            backdated["backdateReason"] = "委托书11月1日已签发，今日补录"
            let made = try await c.send(.POST, "/api/v1/delegations", token: supervisor, json: backdated)
            #expect(made.status == .created || made.status == .ok, "\(made.text)")
            let reasons = try await DelegationChangeModel.query(on: app.db).filter(\.$reason != nil).filter(\.$actorId != "demo").all().compactMap(\.reason)
            #expect(reasons == ["委托书11月1日已签发，今日补录"])
            #expect(try await c.send(.POST, "/api/v1/delegations", token: supervisor, json: body).status != .unprocessableEntity)
            let web = WebClient(app: app)
            _ = try await web.signIn("admin")
            #expect(try await web.get("/admin/delegations").status == .forbidden)
            #expect(try await web.get("/admin/seals").status == .forbidden)
            #expect(!(try await web.get("/").html.contains("/admin/delegations")))
            #expect(try await web.get("/").html.contains("/admin/staff"))
        }
    }
}

/// The master key and the data directory: never replaced, never readable by others.
@Suite struct KeyAndDataAtRestTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "jiujin-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func theMasterKeyFileIsTrimmedNeverReplacedAndRequiredOnPostgres() async throws {
        let dir = try scratch()
        let options = ServerOptions(storage: .sqliteFile(directory: dir))
        let logger = Logger(label: "test")
        let first = try SealKeys.masterKey(options: options, logger: logger)
        let path = dir + "/seal-master.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Read again, and with an editor's extra whitespace: the same key.
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try ("  " + text + "\n\n").write(toFile: path, atomically: true, encoding: .utf8)
        let again = try SealKeys.masterKey(options: options, logger: logger)
        #expect(first.withUnsafeBytes { Data($0) } == again.withUnsafeBytes { Data($0) })
        // A file that is not a key stops jiujin and stays as it was.
        try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try SealKeys.masterKey(options: options, logger: logger) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a key")
        #expect(throws: ConfigurationError.self) {
            try SealKeys.masterKey(options: ServerOptions(storage: .postgres(url: "postgres://x@127.0.0.1/j")), logger: logger)
        }
        #expect(throws: ConfigurationError.self) {
            try SealKeys.masterKey(options: ServerOptions(storage: .sqliteMemory, sealKey: "c2hvcnQ="), logger: logger)
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func theDataDirectoryAndDatabaseAreOnlyJiujinsAndARealCountyNeedsItsAddress() async throws {
        let dir = try scratch() + "/data"
        try await withJiujin(tune: { $0.storage = .sqliteFile(directory: dir); $0.sealKey = nil }) { _, c in
            #expect(try await c.send(.GET, "/api/v1/items").status == .ok)
            for (path, mode) in [(dir, 0o700), (dir + "/jiujin.sqlite", 0o600), (dir + "/seal-master.key", 0o600)] {
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == mode, "\(path)")
            }
        }
        try? FileManager.default.removeItem(atPath: dir)
        let app = try await Application.make(.testing)
        await #expect(throws: ConfigurationError.self) {
            try await configure(app, options: ServerOptions(storage: .sqliteMemory, loadDemo: false, publicURL: "http://jiujin.example"))
        }
        try await app.asyncShutdown()
    }

    @Test func idNumbersAndPhonesAreEncryptedAtRestAndStillServeTheirReaders() async throws {
        let dir = try scratch() + "/data"
        try await withJiujin(tune: { $0.storage = .sqliteFile(directory: dir) }) { app, c in
            let agent = try await c.login("dl-100201")
            let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701", name: "赵敏", phone: "13966660001"))
            #expect(made.status == .created, "\(made.text)")
            let id = try #require(made.string("id"))
            let sql = try sqlDatabase(app.db)
            let row = try #require(try await sql.raw("SELECT applicant_id_number, applicant_phone, applicant_id_hash FROM cases WHERE id = \(bind: UUID(uuidString: id)!)").first())
            let storedId = try #require(try row.decode(column: "applicant_id_number", as: String?.self))
            let storedPhone = try row.decode(column: "applicant_phone", as: String.self)
            #expect(storedId.hasPrefix("pd1:") && !storedId.contains("11010519491231002X"))
            #expect(storedPhone.hasPrefix("pd1:") && !storedPhone.contains("13966660001"))
            #expect(try row.decode(column: "applicant_id_hash", as: String?.self) == app.jiujin.cipher.lookupHash("11010519491231002X"))
            let queued = try await sql.raw("SELECT phone FROM notifications").all().map { try $0.decode(column: "phone", as: String.self) }
            #expect(!queued.isEmpty && queued.allSatisfy { $0.hasPrefix("pd1:") })
            // Another master key opens nothing; the server's own readers see the numbers.
            #expect(throws: FieldCipher.Unreadable.self) { try FieldCipher(master: SymmetricKey(size: .bits256)).open(storedId, column: "applicant_id_number") }
            #expect(throws: FieldCipher.Unreadable.self) { try app.jiujin.cipher.open(storedId, column: "applicant_phone") }
            let applicant = try await c.send(.GET, "/api/v1/cases/\(id)/applicant", token: agent)
            #expect(applicant.text.contains("11010519491231002X") && applicant.text.contains("13966660001"))
            #expect(try await app.jiujin.dispatcher.runOnce(db: app.db, now: app.jiujin.now()).sent > 0)
            // Neither number is anywhere in the database files.
            try await app.jiujin.records.flush(app.db)
            for name in ["jiujin.sqlite", "jiujin.sqlite-wal"] {
                guard let bytes = FileManager.default.contents(atPath: dir + "/" + name) else { continue }
                #expect(bytes.range(of: Data("11010519491231002X".utf8)) == nil, "\(name)")
                #expect(bytes.range(of: Data("13966660001".utf8)) == nil, "\(name)")
            }
            // Rows from before encryption are sealed by the migration, once.
            try await StoredDataUpgrades.openPersonalData(on: sql, cipher: app.jiujin.cipher)
            let plain = try #require(try await sql.raw("SELECT applicant_phone FROM cases WHERE id = \(bind: UUID(uuidString: id)!)").first())
            #expect(try plain.decode(column: "applicant_phone", as: String.self) == "13966660001")
            try await StoredDataUpgrades.sealPersonalData(on: sql, cipher: app.jiujin.cipher)
            try await StoredDataUpgrades.sealPersonalData(on: sql, cipher: app.jiujin.cipher)
            let again = try #require(try await CaseRows.find(UUID(uuidString: id)!, cipher: app.jiujin.cipher, on: sql))
            #expect(again.applicant.phone == "13966660001" && again.applicant.idNumber == "11010519491231002X")
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
