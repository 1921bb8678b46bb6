import Fluent
import Foundation
import JiujinCore
import SQLKit

/// Passes over stored data that need the master key, run once at start after the migrations and noted in
/// `data_upgrades`: sealing case events written before the audit seals (`AuditSeal`, with the case as it stands),
/// and encrypting personal data written before `FieldCipher` (applicants' ID numbers and phones, queued messages'
/// phones; the phones' keyed hashes for the resident portal). Each pass touches only rows still in the old form, so running it again changes nothing.
enum StoredDataUpgrades {
    static func run(_ db: Database, ctx: JiujinContext) async throws {
        guard let sql = db as? SQLDatabase else { return }
        let done = Set(try await sql.raw("SELECT name FROM data_upgrades").all().map { try $0.decode(column: "name", as: String.self) })
        let passes: [(String, @Sendable (SQLDatabase) async throws -> Void)] = [
            ("personal-data-v1", { try await sealPersonalData(on: $0, cipher: ctx.cipher) }),
            ("phone-lookup-v1", { try await hashPhones(on: $0, cipher: ctx.cipher) }),
            ("audit-seals-v1", { try await sealEvents(on: $0, key: ctx.audit, cipher: ctx.cipher,
                                                      checkpoints: AuditCheckpoints(directory: ctx.options.auditDirectory, keys: ctx.audit)) }),
        ]
        for (name, pass) in passes where !done.contains(name) {
            try await ctx.write(db) { tx in
                let sql = try sqlDatabase(tx)
                try await pass(sql)
                // Another process starting at the same moment may have run it too: the passes are idempotent.
                try await sql.insert(into: "data_upgrades").columns("name", "done_at").values(SQLBind(name), SQLBind(ctx.now()))
                    .ignoringConflicts().run()
            }
        }
    }

    /// Seals the events of a database from before the seals; the append-only triggers step aside for this one pass.
    /// Only a database that was never sealed: if any event carries a seal, or a checkpoint was ever written, an
    /// event without one is not old but stripped (someone wants an edit sealed), and stays for `verify-audit` to name.
    static func sealEvents(on sql: SQLDatabase, key: AuditKeys, cipher: FieldCipher, checkpoints: AuditCheckpoints) async throws {
        let sealed = try await sql.raw("SELECT COUNT(*) AS n FROM case_events WHERE mac IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        guard sealed == 0, checkpoints.files().isEmpty else { return }
        let ids = try await sql.raw("SELECT DISTINCT case_id FROM case_events WHERE mac IS NULL").all()
            .map { try $0.decode(column: "case_id", as: UUID.self) }
        guard !ids.isEmpty else { return }
        try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
        for start in stride(from: 0, to: ids.count, by: 500) {
            for c in try await CaseRows.find(Array(ids[start..<min(start + 500, ids.count)]), cipher: cipher, on: sql) {
                let digest = AuditSeal.caseDigest(c)
                for row in try await sql.raw("SELECT id, hash FROM case_events WHERE case_id = \(bind: c.id) AND mac IS NULL").all() {
                    let hash = try row.decode(column: "hash", as: String.self)
                    try await sql.update("case_events").set("case_digest", to: digest)
                        .set("mac", to: AuditSeal.mac(eventHash: hash, caseDigest: digest, key: key.chainKey))
                        .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
                }
            }
        }
        try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
    }

    /// Encrypts every ID number and phone still in the clear.
    static func sealPersonalData(on sql: SQLDatabase, cipher: FieldCipher) async throws {
        let prefix = FieldCipher.prefix + "%"
        for row in try await sql.raw("SELECT id, applicant_id_number, applicant_phone FROM cases WHERE applicant_phone NOT LIKE \(bind: prefix)").all() {
            let number = try row.decode(column: "applicant_id_number", as: String?.self)
            try await sql.update("cases")
                .set("applicant_id_number", to: try cipher.seal(number, column: "applicant_id_number"))
                .set("applicant_phone", to: try cipher.seal(try row.decode(column: "applicant_phone", as: String.self), column: "applicant_phone"))
                .set("applicant_id_hash", to: number.map(cipher.lookupHash))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
        for row in try await sql.raw("SELECT id, phone FROM notifications WHERE phone NOT LIKE \(bind: prefix)").all() {
            try await sql.update("notifications").set("phone", to: try cipher.seal(try row.decode(column: "phone", as: String.self), column: "notifications.phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
    }

    /// Gives every case and queued message written before the resident portal its phone's keyed hash, so a resident
    /// signed in by that phone finds them.
    static func hashPhones(on sql: SQLDatabase, cipher: FieldCipher) async throws {
        for (table, column) in [("cases", "applicant_phone"), ("notifications", "phone")] {
            let hashColumn = table == "cases" ? "applicant_phone_hash" : "phone_hash"
            let sealedAs = table == "cases" ? "applicant_phone" : "notifications.phone"
            for row in try await sql.raw("SELECT id, \(ident: column) AS phone FROM \(ident: table) WHERE \(ident: hashColumn) IS NULL").all() {
                guard let phone = try cipher.open(try row.decode(column: "phone", as: String.self), column: sealedAs) else { continue }
                try await sql.update(table).set(SQLIdentifier(hashColumn), to: SQLBind(cipher.lookupHash(phone)))
                    .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
            }
        }
    }

    /// Puts personal data back in the clear (to move a database to a jiujin without encryption, and in tests).
    static func openPersonalData(on sql: SQLDatabase, cipher: FieldCipher) async throws {
        for row in try await sql.raw("SELECT id, applicant_id_number, applicant_phone FROM cases").all() {
            try await sql.update("cases")
                .set("applicant_id_number", to: try cipher.open(try row.decode(column: "applicant_id_number", as: String?.self), column: "applicant_id_number"))
                .set("applicant_phone", to: try cipher.open(try row.decode(column: "applicant_phone", as: String.self), column: "applicant_phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
        for row in try await sql.raw("SELECT id, phone FROM notifications").all() {
            try await sql.update("notifications")
                .set("phone", to: try cipher.open(try row.decode(column: "phone", as: String.self), column: "notifications.phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
    }
}
