import Fluent
import SQLKit

/// Makes the records that must never change refuse UPDATE and DELETE in the
/// database itself: case events, delegation changes and personal-data reads.
/// The hash chain still catches edits made by someone who drops the triggers.
struct M007_AppendOnlyRecords: AsyncMigration {
    static let tables = ["case_events", "delegation_changes", "data_access_logs"]

    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await Self.protect(Self.tables, on: sql)
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await Self.unprotect(Self.tables, on: sql)
        if sql.dialect.name == "postgresql" { try await sql.raw("DROP FUNCTION IF EXISTS jiujin_append_only()").run() }
    }

    /// Triggers that refuse UPDATE and DELETE on these tables (later migrations protect their own tables with it).
    static func protect(_ tables: [String], on sql: SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION jiujin_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql
                """).run()
            for t in tables {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: t)_append_only BEFORE UPDATE OR DELETE ON \(ident: t)
                    FOR EACH ROW EXECUTE FUNCTION jiujin_append_only()
                    """).run()
            }
        } else {
            for t in tables {
                for op in ["UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER \(unsafeRaw: t)_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON \(ident: t)
                        BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: t) is append-only'); END
                        """).run()
                }
            }
        }
    }

    static func unprotect(_ tables: [String], on sql: SQLDatabase) async throws {
        for t in tables {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_append_only ON \(ident: t)").run()
            } else {
                for op in ["update", "delete"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_no_\(unsafeRaw: op)").run() }
            }
        }
    }
}
