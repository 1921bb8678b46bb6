import Fluent

struct M003_CreateStaff: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("staff")
            .field("id", .string, .identifier(auto: false))
            .field("username", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("org_id", .string, .required, .references("organizations", "id"))
            .field("phone", .string)
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("active", .bool, .required)
            .unique(on: "username")
            .create()
        try await db.schema("api_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("staff_id", .string, .required, .references("staff", "id"))
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: Database) async throws {
        for t in ["api_tokens", "staff"] { try await db.schema(t).delete() }
    }
}
