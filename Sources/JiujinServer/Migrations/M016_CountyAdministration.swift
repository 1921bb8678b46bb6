import Fluent
import SQLKit

/// What a county keeps about itself beyond the demo: an organisation's 统一社会信用代码; a member's point (tellers
/// work only there), AB角 backup and agent mode (专职/兼职); and the administration log's before → after of every
/// change (`admin_changes.before_json`, `after_json`, searchable by when and by whom).
struct M016_CountyAdministration: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("organizations").field("credit_code", .string).update()
        try await db.schema("staff").field("point_id", .string).update()
        try await db.schema("staff").field("backup_id", .string).update()
        try await db.schema("staff").field("agent_mode", .string).update()
        try await db.schema("admin_changes").field("before_json", .string).update()
        try await db.schema("admin_changes").field("after_json", .string).update()
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_admin_changes_at").on("admin_changes").column("at").run()
        try await sql.create(index: "idx_staff_point").on("staff").column("point_id").run()
    }

    func revert(on db: Database) async throws {
        if let sql = db as? SQLDatabase {
            try await sql.drop(index: "idx_admin_changes_at").run()
            try await sql.drop(index: "idx_staff_point").run()
        }
        for (table, field) in [("organizations", "credit_code"), ("staff", "point_id"), ("staff", "backup_id"), ("staff", "agent_mode"),
                               ("admin_changes", "before_json"), ("admin_changes", "after_json")] {
            try await db.schema(table).deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}
