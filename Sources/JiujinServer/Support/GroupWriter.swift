import Fluent
import Foundation
import SQLKit

/// Group commit on SQLite (组提交). One writer owns the write connection;
/// requests hand it units of work and await the result. The writer takes
/// everything queued (up to `maxBatch`) into one transaction — one fsync for
/// all of them — and runs each unit in its own savepoint, so a unit that fails
/// (a version conflict, a refused rule) rolls back alone while the others
/// commit. A caller hears back only after the commit, so acknowledged means
/// durable. Readers use other connections (WAL) and never wait for it.
actor GroupWriter {
    typealias Work = @Sendable (Database) async throws -> any Sendable

    private struct Unit {
        let work: Work
        let done: CheckedContinuation<any Sendable, Error>
    }

    private let database: @Sendable () -> Database
    private let queueLimit: Int
    private let maxBatch: Int
    private let stats: WriteStats
    private var queue: [Unit] = []
    private var draining = false

    init(database: @escaping @Sendable () -> Database, queueLimit: Int, maxBatch: Int, stats: WriteStats) {
        self.database = database
        self.queueLimit = queueLimit
        self.maxBatch = max(1, maxBatch)
        self.stats = stats
    }

    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (done: CheckedContinuation<any Sendable, Error>) in
            queue.append(Unit(work: { try await work($0) }, done: done))
            stats.queued(queue.count)
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        guard let typed = value as? T else { throw APIError(.internalServerError, "write_result", "写入结果类型不符") }
        return typed
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            stats.queued(queue.count)
            let outcomes = await commit(batch)
            for (unit, outcome) in zip(batch, outcomes) { unit.done.resume(with: outcome) }
        }
        draining = false
    }

    /// Runs a batch in one transaction; returns each unit's outcome. When the transaction as a whole fails
    /// (the commit is refused: disk full, I/O error), nothing of the batch is stored and every unit fails.
    private func commit(_ batch: [Unit]) async -> [Result<any Sendable, Error>] {
        let outcomes = LockedBox([Result<any Sendable, Error>](repeating: .failure(CancellationError()), count: batch.count))
        let works = batch.map(\.work)
        let started = ContinuousClock.now
        do {
            try await database().transaction { tx in
                let sql = try sqlDatabase(tx)
                for (i, work) in works.enumerated() {
                    try await sql.raw("SAVEPOINT unit").run()
                    do {
                        let value = try await work(tx)
                        try await sql.raw("RELEASE unit").run()
                        outcomes.update { $0[i] = .success(value) }
                    } catch {
                        outcomes.update { $0[i] = .failure(error) }
                        try await sql.raw("ROLLBACK TO unit").run()
                        try await sql.raw("RELEASE unit").run()
                    }
                }
            }
        } catch {
            stats.failedCommit(error)
            return Array(repeating: .failure(StorageFailure(underlying: error)), count: batch.count)
        }
        stats.committed(units: batch.count, in: ContinuousClock.now - started)
        return outcomes.value
    }
}

/// A write the database refused as a whole (disk full, I/O error, read-only
/// file): answered 503 with Retry-After; nothing of it was stored.
struct StorageFailure: Error, CustomStringConvertible {
    var underlying: Error
    var description: String { "storage failure: \(String(reflecting: underlying))" }
}
