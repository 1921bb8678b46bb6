import Fluent
import Foundation
import SQLKit

/// Guide versions and forms: every administrative change to an item stores its whole guide as a new version in
/// `item_guides` (append-only; the stored items start at version 1), a case keeps the version it was taken in under
/// (`cases.guide_version`), and the blank and example forms of the materials are stored in `item_forms` (a newer
/// upload of the same name replaces an older one for downloads; none is deleted).
struct M017_GuideVersions: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("item_guides")
            .id()
            .field("item_code", .string, .required)
            .field("version", .int, .required)
            .field("guide_json", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("actor_id", .string, .required)
            .unique(on: "item_code", "version")
            .create()
        try await db.schema("item_forms")
            .id()
            .field("item_code", .string, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("sha256", .string, .required)
            .field("size", .int, .required)
            .field("content", .data, .required)
            .field("uploaded_at", .datetime, .required)
            .field("uploaded_by", .string, .required)
            .create()
        try await db.schema("cases").field("guide_version", .int).update()
        guard let sql = db as? SQLDatabase else { return }
        // The items stored before versions were kept are version 1 as they stand.
        let now = Date()
        let items = try await sql.select().column("code").column("guide_json").from("service_items").all()
        for chunk in stride(from: 0, to: items.count, by: 100) {
            var insert = sql.insert(into: "item_guides").columns("id", "item_code", "version", "guide_json", "recorded_at", "actor_id")
            for row in items[chunk..<min(chunk + 100, items.count)] {
                insert = insert.values(SQLBind(UUID()), SQLBind(try row.decode(column: "code", as: String.self)), SQLBind(1),
                                       SQLBind(try row.decode(column: "guide_json", as: String.self)), SQLBind(now), SQLBind("system"))
            }
            try await insert.run()
        }
        try await sql.create(index: "idx_item_forms_name").on("item_forms").column("item_code").column("file_name").run()
        try await M007_AppendOnlyRecords.protect(["item_guides", "item_forms"], on: sql)
    }

    func revert(on db: Database) async throws {
        if let sql = db as? SQLDatabase {
            try await M007_AppendOnlyRecords.unprotect(["item_guides", "item_forms"], on: sql)
        }
        try await db.schema("cases").deleteField("guide_version").update()
        try await db.schema("item_forms").delete()
        try await db.schema("item_guides").delete()
    }
}
