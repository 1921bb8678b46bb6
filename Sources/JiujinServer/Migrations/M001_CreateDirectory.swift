import Fluent

struct M001_CreateDirectory: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("regions")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("level", .string, .required)
            .field("parent_code", .string)
            .field("lat", .double)
            .field("lon", .double)
            .create()
        try await db.schema("organizations")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("region_code", .string, .required, .references("regions", "code"))
            .create()
        try await db.schema("service_points")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("region_code", .string, .required, .references("regions", "code"))
            .field("org_id", .string, .required, .references("organizations", "id"))
            .field("tier", .string)
            .field("record_json", .string, .required)
            .create()
    }

    func revert(on db: Database) async throws {
        for t in ["service_points", "organizations", "regions"] { try await db.schema(t).delete() }
    }
}
