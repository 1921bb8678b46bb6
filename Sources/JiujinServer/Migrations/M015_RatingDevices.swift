import Fluent
import SQLKit

/// The window rating devices (评价器): tablets an administrator registers to a service point and pairs once with
/// a one-time code; a clerk sends a finished case to the device, and only the device records the rating.
struct M015_RatingDevices: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("rating_devices")
            .field("id", .string, .identifier(auto: false))
            .field("point_id", .string, .required)
            .field("name", .string, .required)
            .field("token_hash", .string)
            .field("pairing_hash", .string)
            .field("pairing_expires_at", .datetime)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("pending_case_id", .uuid)
            .field("pending_by", .string)
            .field("pending_at", .datetime)
            .create()
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_rating_devices_token").on("rating_devices").column("token_hash").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("rating_devices").delete()
    }
}
