import Fluent
import SQLKit

/// One row counting changes to what the directory snapshot is built from
/// (regions, organisations, points, items, delegations, seals, calendar
/// years). Triggers bump it on every insert, update or delete of those tables,
/// whoever makes the change — this process, another jiujin process on the same
/// PostgreSQL, or an administrator with `psql` — so a snapshot can tell it is
/// stale with one primary-key read.
struct M010_DirectoryVersion: AsyncMigration {
    static let tables = ["regions", "organizations", "service_points", "service_items", "delegations", "seals", "calendar_years"]

    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.raw("CREATE TABLE directory_versions (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)").run()
        try await sql.raw("INSERT INTO directory_versions (id, version) VALUES (1, 1)").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION jiujin_bump_directory_version() RETURNS trigger AS $$
                BEGIN UPDATE directory_versions SET version = version + 1 WHERE id = 1; RETURN NULL; END; $$ LANGUAGE plpgsql
                """).run()
            for t in Self.tables {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: t)_directory_version AFTER INSERT OR UPDATE OR DELETE ON \(ident: t)
                    FOR EACH STATEMENT EXECUTE FUNCTION jiujin_bump_directory_version()
                    """).run()
            }
        } else {
            for t in Self.tables {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER \(unsafeRaw: t)_directory_version_\(unsafeRaw: op.lowercased()) AFTER \(unsafeRaw: op) ON \(ident: t)
                        BEGIN UPDATE directory_versions SET version = version + 1 WHERE id = 1; END
                        """).run()
                }
            }
        }
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            for t in Self.tables { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_directory_version ON \(ident: t)").run() }
            try await sql.raw("DROP FUNCTION IF EXISTS jiujin_bump_directory_version()").run()
        } else {
            for t in Self.tables {
                for op in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_directory_version_\(unsafeRaw: op)").run()
                }
            }
        }
        try await sql.raw("DROP TABLE IF EXISTS directory_versions").run()
    }

}
