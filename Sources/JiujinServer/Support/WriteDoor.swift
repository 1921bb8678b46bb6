import Fluent
import Foundation
import SQLKit

/// The one door for writes (写入口). Every write of the server passes here:
/// it queues behind the other writes where the database has a single writer
/// (SQLite), runs in one transaction, and first claims the optimistic version
/// of the row it changes, so that a concurrent change is refused (409) and
/// nothing half-written is ever stored.
///
/// A unit of work gets only the transaction and touches only the database —
/// no network, no signing, no waiting on anything else. That keeps it short
/// under the gate and lets a later version commit several units in one
/// transaction (group commit) without changing a caller.
final class WriteDoor: Sendable {
    private let gate: AsyncGate

    /// `serialized`: queue writes in the process (SQLite has one writer at a time).
    init(serialized: Bool) {
        gate = AsyncGate(enabled: serialized)
    }

    func write<T: Sendable>(_ db: Database, claiming claim: VersionClaim? = nil,
                            _ work: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await gate.run {
            try await db.transaction { tx in
                if let claim { try await claim.take(on: tx) }
                return try await work(tx)
            }
        }
    }
}

/// "Row `id` of `table` is at `version`; this write moves it to `version + 1`."
/// On PostgreSQL the row lock makes a concurrent writer wait, then find the version gone.
struct VersionClaim: Sendable {
    var table: String
    var id: UUID
    var version: Int

    func take(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { throw APIError(.internalServerError, "no_sql", "数据库不支持") }
        let claimed = try await sql.update(table)
            .set("version", to: SQLBind(version + 1))
            .where("id", .equal, SQLBind(id))
            .where("version", .equal, SQLBind(version))
            .returning("id")
            .all()
        guard claimed.count == 1 else { throw APIError.versionConflict }
    }
}
