import Fluent
import SQLKit

/// Indexes in the order the case lists sort, so a list stops after its first n rows instead of sorting every case
/// in scope: soonest deadline first (inbox, 督办, the API list) and newest first (the case list page).
struct M011_CaseListIndexes: AsyncMigration {
    static let indexes: [(name: String, columns: [String])] = [
        ("idx_cases_deadline_created", ["deadline", "created_at"]),
        ("idx_cases_created", ["created_at"]),
    ]

    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        for i in Self.indexes {
            var builder = sql.create(index: i.name).on("cases")
            for c in i.columns { builder = builder.column(c) }
            try await builder.run()
        }
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        for i in Self.indexes { try await sql.drop(index: i.name).run() }
    }
}
