import Fluent

struct M002_CreateCatalog: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("service_items")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("department_id", .string, .required, .references("organizations", "id"))
            .field("is_instant", .bool, .required)
            .field("site_visits", .int, .required)
            .field("online_depth", .string, .required)
            .field("is_high_frequency", .bool, .required)
            .field("guide_json", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("delegations")
            .field("id", .string, .identifier(auto: false))
            .field("document_number", .string, .required)
            .field("from_org_id", .string, .required, .references("organizations", "id"))
            .field("to_org_id", .string, .required, .references("organizations", "id"))
            .field("item_codes_json", .string, .required)
            .field("can_accept", .bool, .required)
            .field("can_decide", .bool, .required)
            .field("valid_from", .string, .required)
            .field("valid_to", .string)
            .field("revoked_on", .string)
            .field("revoke_reason", .string)
            .field("seal_number", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("delegation_changes")
            .id()
            .field("delegation_id", .string, .required, .references("delegations", "id"))
            .field("change", .string, .required)
            .field("actor_id", .string, .required)
            .field("snapshot_json", .string, .required)
            .field("at", .datetime, .required)
            .create()
    }

    func revert(on db: Database) async throws {
        for t in ["delegation_changes", "delegations", "service_items"] { try await db.schema(t).delete() }
    }
}
