import Fluent

/// What the staff workbench adds: browser sessions, numbered seals, the
/// notification outbox, proxy-service records and delivery on cases.
struct M008_CreateWorkbench: AsyncMigration {
    static let caseColumns = ["seal_number", "proxy_json", "delivery_method", "tracking_number"]

    func prepare(on db: Database) async throws {
        try await db.schema("web_sessions")
            .field("id", .string, .identifier(auto: false))
            .field("staff_id", .string, .required, .references("staff", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await db.schema("seals")
            .field("id", .string, .identifier(auto: false))
            .field("number", .string, .required)
            .field("name", .string, .required)
            .field("owner_org_id", .string, .required, .references("organizations", "id"))
            .field("holder_org_id", .string, .required, .references("organizations", "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("retired_at", .datetime)
            .unique(on: "number")
            .create()
        try await db.schema("notifications")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("kind", .string, .required)
            .field("phone", .string, .required)
            .field("text", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        try await db.schema("case_feedback")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("staff_id", .string, .required)
            .field("channel", .string, .required)
            .field("text", .string, .required)
            .field("at", .datetime, .required)
            .create()
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for column in Self.caseColumns { try await db.schema("cases").field(.string(column), .string).update() }
    }

    func revert(on db: Database) async throws {
        for column in Self.caseColumns { try await db.schema("cases").deleteField(.string(column)).update() }
        for t in ["case_feedback", "notifications", "seals", "web_sessions"] { try await db.schema(t).delete() }
    }
}
