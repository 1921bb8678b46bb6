import Crypto
import Fluent
import JiujinCore
import SQLKit

/// The audit chain's keyed seals: every case event gets the digest of its case's key fields and an HMAC under the
/// audit key (`AuditSeal`); events stored before this migration are sealed here, once, with the case as it stands.
/// Also the append-only record of licence-library lookups.
struct M013_AuditSeals: AsyncMigration {
    let chainKey: SymmetricKey
    let cipher: FieldCipher

    func prepare(on db: Database) async throws {
        try await db.schema("licence_lookups")
            .field("id", .uuid, .identifier(auto: false))
            .field("actor_id", .string, .required)
            .field("holder_key", .string, .required)
            .field("item_code", .string, .required)
            .field("purpose", .string, .required)
            .field("revealed", .string, .required)
            .field("case_id", .uuid)
            .field("at", .datetime, .required)
            .create()
        for column in ["case_digest", "mac"] { try await db.schema("case_events").field(.string(column), .string).update() }
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_licence_lookups_at").on("licence_lookups").column("at").run()
        try await M007_AppendOnlyRecords.protect(["licence_lookups"], on: sql)
        // Seal what is already there: the append-only triggers step aside for this one pass.
        try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
        var offset = 0
        while true {
            let ids = try await sql.raw("SELECT id FROM cases ORDER BY id LIMIT 500 OFFSET \(unsafeRaw: String(offset))").all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            if ids.isEmpty { break }
            offset += ids.count
            for c in try await CaseRows.find(ids, cipher: cipher, on: sql) {
                let digest = AuditSeal.caseDigest(c)
                for row in try await sql.raw("SELECT id, hash FROM case_events WHERE case_id = \(bind: c.id)").all() {
                    let hash = try row.decode(column: "hash", as: String.self)
                    try await sql.update("case_events").set("case_digest", to: digest)
                        .set("mac", to: AuditSeal.mac(eventHash: hash, caseDigest: digest, key: chainKey))
                        .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
                }
            }
        }
        try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await M007_AppendOnlyRecords.unprotect(["licence_lookups", "case_events"], on: sql)
        for column in ["mac", "case_digest"] { try await db.schema("case_events").deleteField(.string(column)).update() }
        try await db.schema("licence_lookups").delete()
        try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
    }
}
