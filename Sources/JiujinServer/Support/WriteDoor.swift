import Fluent
import Foundation
import SQLKit

/// The one door for writes (写入口). Every write of the server passes here as a
/// unit of work: a closure that gets the transaction and touches only the
/// database — no network, no signing, no waiting on anything else.
///
/// On SQLite one writer owns the write connection and commits the units queued
/// meanwhile together (`GroupWriter`: one transaction, one fsync, a savepoint a
/// unit). On PostgreSQL each unit is its own transaction. Either way the door
/// first claims the optimistic version of the row the unit changes (409 when
/// someone was quicker), confirms the directory snapshot the unit relied on is
/// still current, and sheds load beyond `queueLimit` writes waiting (503 with
/// Retry-After) instead of letting latency grow without bound.
final class WriteDoor: Sendable {
    private let grouped: GroupWriter?
    private let inFlight = LockedBox(0)
    private let queueLimit: Int
    private let stats: WriteStats

    /// `writer`: the database of the single write connection (SQLite), or nil to write on the caller's database.
    init(writer: (@Sendable () -> Database)?, queueLimit: Int, maxBatch: Int, stats: WriteStats) {
        self.queueLimit = queueLimit
        self.stats = stats
        grouped = writer.map { GroupWriter(database: $0, queueLimit: queueLimit, maxBatch: maxBatch, stats: stats) }
    }

    /// Writes waiting or running now.
    var depth: Int { inFlight.value }

    func write<T: Sendable>(_ db: Database, claiming claim: VersionClaim? = nil, directoryAt version: Int? = nil,
                            _ work: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let unit: @Sendable (Database) async throws -> T = { tx in
            if let claim { try await claim.take(on: tx) }
            if let version { try await DirectoryVersion.confirm(version, on: tx) }
            return try await work(tx)
        }
        guard inFlight.update({ n -> Bool in
            guard n < queueLimit else { return false }
            n += 1
            return true
        }) else {
            stats.refused()
            throw APIError.overloaded
        }
        defer { inFlight.update { $0 -= 1 } }
        if let grouped { return try await grouped.submit(unit) }
        return try await db.transaction { tx in try await unit(tx) }
    }
}

/// "Row `id` of `table` is at `version`; this write moves it to `version + 1`."
/// On PostgreSQL the row lock makes a concurrent writer wait, then find the version gone.
struct VersionClaim: Sendable {
    var table: String
    var id: UUID
    var version: Int

    func take(on db: Database) async throws {
        let claimed = try await sqlDatabase(db).update(table)
            .set("version", to: SQLBind(version + 1))
            .where("id", .equal, SQLBind(id))
            .where("version", .equal, SQLBind(version))
            .returning("id")
            .all()
        guard claimed.count == 1 else { throw APIError.versionConflict }
    }
}

/// The directory's version row (目录版本), bumped by triggers on every change to
/// what the snapshot is built from (migration M010).
enum DirectoryVersion {
    /// The snapshot a unit relied on is older than the database: reload and decide again.
    struct Changed: Error {}

    static func current(on db: Database) async throws -> Int {
        guard let sql = db as? SQLDatabase,
              let row = try await sql.raw("SELECT version FROM directory_versions WHERE id = 1").first() else { return 0 }
        return try row.decode(column: "version", as: Int.self)
    }

    /// Moves the version on by hand, for a change to a table without a trigger that snapshots still depend on
    /// (a seal key's retirement).
    static func bump(on db: Database) async throws {
        try await sqlDatabase(db).raw("UPDATE directory_versions SET version = version + 1 WHERE id = 1").run()
    }

    static func confirm(_ version: Int, on db: Database) async throws {
        guard try await current(on: db) == version else { throw Changed() }
    }
}

/// The SQL side of a Fluent database: both engines jiujin runs on have one.
func sqlDatabase(_ db: Database) throws -> SQLDatabase {
    guard let sql = db as? SQLDatabase else { throw APIError(.internalServerError, "no_sql", "数据库不支持 SQL") }
    return sql
}
