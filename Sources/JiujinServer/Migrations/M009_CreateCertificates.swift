import Fluent
import SQLKit

/// Seal signing keys, electronic certificates (the licence library), their verifications, and ratings with follow-ups.
struct M009_CreateCertificates: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("seal_keys")
            .field("id", .string, .identifier(auto: false))
            .field("seal_id", .string, .required, .references("seals", "id"))
            .field("public_key", .string, .required)
            .field("private_key_sealed", .string, .required)
            .field("created_at", .datetime, .required)
            .field("retired_at", .datetime)
            .create()
        try await db.schema("certificates")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .uuid)
            .field("type", .string, .required)
            .field("holder_key", .string, .required)
            .field("holder_name", .string, .required)
            .field("org_id", .string, .required)
            .field("seal_number", .string, .required)
            .field("kid", .string, .required, .references("seal_keys", "id"))
            .field("issued_on", .string, .required)
            .field("valid_until", .string)
            .field("payload", .string, .required)
            .field("signature", .string, .required)
            .field("revoked_at", .datetime)
            .field("revoke_reason", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("certificate_verifications")
            .id()
            .field("certificate_id", .string, .required)
            .field("channel", .string, .required)
            .field("result", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await db.schema("ratings")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("round", .int, .required)
            .field("level", .int, .required)
            .field("channel", .string, .required)
            .field("indicators_json", .string, .required)
            .field("text", .string)
            .field("at", .datetime, .required)
            .unique(on: "case_id", "round")
            .create()
        try await db.schema("follow_ups")
            .id()
            .field("rating_id", .uuid, .required, .references("ratings", "id"))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("org_id", .string, .required)
            .field("status", .string, .required)
            .field("opened_on", .string, .required)
            .field("due_on", .string, .required)
            .field("outcome", .string)
            .field("note", .string)
            .field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "rating_id")
            .create()
        if let sql = db as? SQLDatabase {
            try await sql.create(index: "idx_certificates_holder").on("certificates").column("holder_key").run()
            try await sql.create(index: "idx_certificates_case").on("certificates").column("case_id").run()
        }
    }

    func revert(on db: Database) async throws {
        for t in ["follow_ups", "ratings", "certificate_verifications", "certificates", "seal_keys"] { try await db.schema(t).delete() }
    }
}
