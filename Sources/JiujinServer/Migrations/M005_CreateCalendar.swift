import Fluent

struct M005_CreateCalendar: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("calendar_years")
            .field("year", .int, .identifier(auto: false))
            .field("notice_json", .string, .required)
            .field("loaded_by", .string, .required)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("calendar_years").delete() }
}
