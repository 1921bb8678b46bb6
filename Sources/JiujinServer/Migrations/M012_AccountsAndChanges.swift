import Foundation
import Fluent
import JiujinCore
import SQLKit

/// Account administration and who-changed-what: one-time activation codes, the append-only record of changes to
/// accounts, seals, keys and certificates (`admin_changes`), and each case's random query code (查询密码) that
/// residents use to rate and follow it. Cases filed before this migration get a code here.
struct M012_AccountsAndChanges: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("activation_codes")
            .field("id", .uuid, .identifier(auto: false))
            .field("staff_id", .string, .required, .references("staff", "id"))
            .field("code_hash", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "code_hash")
            .create()
        try await db.schema("admin_changes")
            .field("id", .uuid, .identifier(auto: false))
            .field("subject_kind", .string, .required)
            .field("subject_id", .string, .required)
            .field("action", .string, .required)
            .field("actor_id", .string, .required)
            .field("actor_role", .string, .required)
            .field("reason", .string)
            .field("at", .datetime, .required)
            .create()
        try await db.schema("cases").field("query_code", .string).update()
        try await db.schema("delegation_changes").field("reason", .string).update()
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_activation_codes_staff").on("activation_codes").column("staff_id").run()
        try await sql.create(index: "idx_admin_changes_subject").on("admin_changes").column("subject_kind").column("subject_id").run()
        try await M007_AppendOnlyRecords.protect(["admin_changes"], on: sql)
        let rows = try await sql.raw("SELECT id FROM cases WHERE query_code IS NULL").all()
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            try await sql.update("cases").set("query_code", to: QueryCode.generate()).where("id", .equal, id).run()
        }
    }

    func revert(on db: Database) async throws {
        if let sql = db as? SQLDatabase { try await M007_AppendOnlyRecords.unprotect(["admin_changes"], on: sql) }
        try await db.schema("cases").deleteField("query_code").update()
        try await db.schema("delegation_changes").deleteField("reason").update()
        try await db.schema("admin_changes").delete()
        try await db.schema("activation_codes").delete()
    }
}
