import Fluent
import SQLKit

/// Indexes for the lists that staff open all day: cases by region, status and deadline; events by case.
struct M006_CreateIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("idx_cases_region_status", "cases", ["region_code", "status"]),
        ("idx_cases_deciding_status", "cases", ["deciding_org_id", "status"]),
        ("idx_cases_deadline", "cases", ["deadline"]),
        ("idx_service_points_region", "service_points", ["region_code"]),
        ("idx_api_tokens_staff", "api_tokens", ["staff_id"]),
        ("idx_delegations_to_org", "delegations", ["to_org_id"]),
    ]

    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        for i in Self.indexes {
            var builder = sql.create(index: i.name).on(i.table)
            for c in i.columns { builder = builder.column(c) }
            try await builder.run()
        }
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        for i in Self.indexes { try await sql.drop(index: i.name).run() }
    }
}
