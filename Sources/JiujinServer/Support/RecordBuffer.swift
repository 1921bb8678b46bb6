import Fluent
import Foundation
import Logging

/// Records written late, in batches (缓冲写入): who looked at whose personal
/// data, which certificate was checked from where. They are append-only logs of
/// reads, so a page view must not cost an fsync; they are kept in memory and
/// written through the write door together at most a second later
/// (a `RepeatingJob` in configure). A crash may lose the last second of them — never a case
/// write, which always commits before it is acknowledged (docs/architecture.md).
actor RecordBuffer {
    typealias Insert = @Sendable (Database) async throws -> Void

    private var pending: [Insert] = []
    private var last: Task<Void, Never>?
    private let door: WriteDoor
    private let logger = Logger(label: "jiujin.records")
    /// Beyond this many waiting records the oldest are dropped with an error in the log (the database is failing).
    static let capacity = 100_000

    init(door: WriteDoor) { self.door = door }

    func append(_ insert: @escaping Insert) {
        if pending.count >= Self.capacity {
            pending.removeFirst()
            logger.error("record buffer full: the oldest access or verification record was dropped")
        }
        pending.append(insert)
    }

    var count: Int { pending.count }

    /// Writes what is waiting in one transaction. Flushes run one after the other, so when this returns every
    /// record appended before it is stored. On failure the records are kept for the next round.
    func flush(_ db: Database) async throws {
        let batch = pending
        pending.removeAll()
        let previous = last
        let door = self.door
        let write = Task<Error?, Never> {
            await previous?.value
            guard !batch.isEmpty else { return nil }
            do {
                try await door.write(db) { tx in for insert in batch { try await insert(tx) } }
                return nil
            } catch {
                return error
            }
        }
        last = Task { _ = await write.value }
        if let error = await write.value {
            pending.insert(contentsOf: batch, at: 0)
            if pending.count > Self.capacity { pending.removeFirst(pending.count - Self.capacity) }
            throw error
        }
    }
}
