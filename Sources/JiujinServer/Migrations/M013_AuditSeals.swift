import Fluent
import SQLKit

/// Room for the audit chain's keyed seals: each case event's digest of its case's key fields and its HMAC
/// (`AuditSeal`); the append-only record of licence-library lookups; and `data_upgrades`, where the passes that
/// rewrite stored data with the master key (sealing old events, encrypting old personal data) note that they ran.
/// Those passes need the key, so they run at start after the migrations (`StoredDataUpgrades`), not here.
struct M013_AuditSeals: AsyncMigration {
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
        try await db.schema("data_upgrades")
            .field("name", .string, .identifier(auto: false))
            .field("done_at", .datetime, .required)
            .create()
        for column in ["case_digest", "mac"] { try await db.schema("case_events").field(.string(column), .string).update() }
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_licence_lookups_at").on("licence_lookups").column("at").run()
        try await M007_AppendOnlyRecords.protect(["licence_lookups"], on: sql)
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await M007_AppendOnlyRecords.unprotect(["licence_lookups", "case_events"], on: sql)
        for column in ["mac", "case_digest"] { try await db.schema("case_events").deleteField(.string(column)).update() }
        try await db.schema("data_upgrades").delete()
        try await db.schema("licence_lookups").delete()
        try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
    }
}
