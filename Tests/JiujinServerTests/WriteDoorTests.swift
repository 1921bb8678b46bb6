import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import SQLKit
import Testing
import VaporTesting

/// The write door: group commit with a savepoint per unit, load shedding, the
/// single writer's durability setting, reads beside a long write, and the
/// directory snapshot's freshness (also across two processes on PostgreSQL).
@Suite struct WriteDoorTests {
    private static func keys(_ db: Database, prefix: String) async throws -> Set<String> {
        Set(try await CaseSequenceModel.query(on: db).all().compactMap(\.id).filter { $0.hasPrefix(prefix) })
    }

    @Test func unitsCommittedTogetherFailAlone() async throws {
        try await withJiujin(demo: false) { app, _ in
            let door = app.jiujin.door
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for i in 0..<30 {
                    group.addTask {
                        do {
                            try await door.write(app.db) { tx in
                                guard let sql = tx as? SQLDatabase else { return }
                                try await sql.raw("INSERT INTO case_sequences (key, next_value) VALUES (\(bind: "unit-\(i)"), 1)").run()
                                if i % 3 == 0 { throw APIError.versionConflict }
                            }
                            return (i, true)
                        } catch let e as APIError {
                            #expect(e.code == "version_conflict")
                            return (i, false)
                        }
                    }
                }
                var all: [Int: Bool] = [:]
                for try await (i, ok) in group { all[i] = ok }
                return all
            }
            #expect(outcomes.count == 30)
            #expect(outcomes.filter(\.value).count == 20)
            let stored = try await Self.keys(app.db, prefix: "unit-")
            #expect(stored == Set((0..<30).filter { $0 % 3 != 0 }.map { "unit-\($0)" }))
            // Several units shared a transaction (the batch-size histogram counted fewer batches than units).
            let metrics = app.jiujin.metrics.render()
            if app.db is SQLDatabase, (app.db as? SQLDatabase)?.dialect.name == "sqlite" {
                let count = metrics.split(separator: "\n").first { $0.hasPrefix("jiujin_write_batch_size_count") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                #expect(count > 0 && count < 30)
            }
        }
    }

    @Test func aFullQueueRefusesNewWritesAtOnceWith503() async throws {
        try await withJiujin(tune: { $0.writeQueueLimit = 1 }) { app, c in
            let token = try await c.login("dl-100201")
            let (release, signal) = AsyncStream<Void>.makeStream()
            let held = Task {
                try await app.jiujin.door.write(app.db) { _ in for await _ in release { break } }
            }
            // Wait until the held write occupies the only place.
            for _ in 0..<200 where app.jiujin.door.depth == 0 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(app.jiujin.door.depth == 1)
            // The refusal comes while the held write still holds its place: it did not wait for it.
            let refused = try await c.send(.POST, "/api/v1/cases", token: token, json: TestClient.intake("SCJ0701"))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "overloaded")
            #expect(app.jiujin.door.depth == 1)
            let res = try await app.testing().sendRequest(.POST, "/api/v1/cases", headers: ["Authorization": "Bearer \(token)",
                                                                                             "Content-Type": "application/json"],
                                                         body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: TestClient.intake("SCJ0701", extra: ["authorization": TestClient.authorization]))))
            #expect(res.headers.first(name: .retryAfter) == "1")
            signal.yield()
            signal.finish()
            try await held.value
            #expect(try await c.counts().cases == 0)
            #expect(try await c.send(.POST, "/api/v1/cases", token: token, json: TestClient.intake("SCJ0701")).status == .created)
            #expect(app.jiujin.metrics.render().contains("jiujin_writes_shed_total 2"))
        }
    }

    @Test func readsDoNotWaitForAWriteInProgress() async throws {
        try await withJiujin { app, c in
            guard (app.db as? SQLDatabase)?.dialect.name == "sqlite" else { return }
            let (release, signal) = AsyncStream<Void>.makeStream()
            let held = Task {
                try await app.jiujin.door.write(app.db) { tx in
                    guard let sql = tx as? SQLDatabase else { return }
                    try await sql.raw("INSERT INTO case_sequences (key, next_value) VALUES ('held', 1)").run()
                    for await _ in release { break }
                }
            }
            for _ in 0..<200 where app.jiujin.door.depth == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))
            // The writer holds an open transaction; reads on the other connections go on and do not see it.
            let guide = try await c.send(.GET, "/api/v1/items/SCJ0701")
            #expect(guide.status == .ok)
            #expect(try await Self.keys(app.db, prefix: "held").isEmpty)
            signal.yield()
            signal.finish()
            try await held.value
            #expect(try await Self.keys(app.db, prefix: "held") == ["held"])
        }
    }

    @Test func theWriterSyncsEveryCommit() async throws {
        try await withJiujin(demo: false) { app, _ in
            guard (app.db as? SQLDatabase)?.dialect.name == "sqlite" else { return }
            let level = try await app.jiujin.door.write(app.db) { tx -> Int in
                guard let sql = tx as? SQLDatabase, let row = try await sql.raw("PRAGMA synchronous").first() else { return -1 }
                return try row.decode(column: "synchronous", as: Int.self)
            }
            #expect(level == 2)  // FULL
            let mode = try await (app.db as? SQLDatabase)?.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
        }
    }

    @Test func theSnapshotFollowsChangesMadeOutsideTheServer() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701")).string("id"))
            let approver = try await c.login("sp-100")
            #expect(try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "start_review"]).status == .ok)
            let before = app.jiujin.directory.version
            #expect(before == (try await DirectoryVersion.current(on: app.db)))
            // An administrator revokes by hand; the version row moves on, the snapshot does not know yet.
            let del = try #require(try await DelegationModel.find("del-scjg-100", on: app.db))
            del.revokedOn = "2026-11-20"
            del.revokeReason = "手工撤销"
            try await del.save(on: app.db)
            #expect(try await DirectoryVersion.current(on: app.db) > before)
            #expect(app.jiujin.directory.delegations.contains { $0.id == "del-scjg-100" })
            // The town is refused at once: the write confirms the version, finds it stale, reloads and decides again.
            let refused = try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "pass_stage"])
            #expect(refused.status == .forbidden)
            #expect(!app.jiujin.directory.delegations.contains { $0.id == "del-scjg-100" })
            #expect(app.jiujin.directory.version == (try await DirectoryVersion.current(on: app.db)))
            // Nothing changed and nothing is stale afterwards: refreshing is one read that finds nothing to do.
            try await app.jiujin.refreshIfStale(app.db)
            #expect(try await c.counts().events == 2)
        }
    }

    @Test func aRevocationInOneProcessStopsTheTownInAnother() async throws {
        try await withTwoJiujinsOnPostgres { first, second in
            let agent = try await second.login("dl-100201")
            let made = try await second.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(made.string("decidingOrgId") == "town-100")
            let id = try #require(made.string("id"))
            let approver = try await second.login("sp-100")
            #expect(try await second.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "start_review"]).status == .ok)
            // The county supervisor revokes in the first process.
            let admin = try await first.login("jiandu")
            let revoked = try await first.send(.POST, "/api/v1/delegations/del-scjg-100/revoke", token: admin, json: ["reason": "整改期间收回"])
            #expect(revoked.status == .ok, "\(revoked.text)")
            // The second process still holds the old snapshot, yet refuses at once.
            #expect(second.app.jiujin.directory.delegations.contains { $0.id == "del-scjg-100" })
            let refused = try await second.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "pass_stage"])
            #expect(refused.status == .forbidden || refused.status == .notFound)
            // A new case the village files in the second process goes to the bureau, not to the town.
            let after = try await second.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(after.status == .created)
            #expect(after.string("decidingOrgId") == "dept-scjg")
            #expect(!second.app.jiujin.directory.delegations.contains { $0.id == "del-scjg-100" })
            // Case numbers handed out by both processes are unique.
            let officer = try await first.login("ck-county-1")
            var numbers: [String] = []
            for client in [first, second, first, second] {
                let made = try await client.send(.POST, "/api/v1/cases", token: officer, json: TestClient.intake("GAJ0707"))
                numbers.append(try #require(made.string("number")))
            }
            #expect(Set(numbers).count == numbers.count)
        }
    }

    /// Sixteen approvers' clicks on one case at once: exactly one moves it, the others are refused (409 or the
    /// lifecycle's own refusal), the case moved one version and its history holds one event for it.
    @Test func concurrentActionsOnOneCaseMoveItOnce() async throws {
        try await withJiujin { app, c in
            let clerk = try await c.login("ck-county-1")
            let id = try #require(try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("GAJ0707")).string("id"))
            let approver = try await c.login("sp-gaj")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "start_review"]).status.code }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 || $0 == 422 }, "\(statuses)")
            let detail = try await c.send(.GET, "/api/v1/cases/\(id)", token: approver)
            #expect(detail["version"] as? Int == 2)
            #expect(detail.list("events").filter { $0["action"] as? String == "start_review" }.count == 1)
        }
    }

    /// The same on two processes sharing PostgreSQL, with intake from both at once: no lost update, unique numbers.
    @Test func twoProcessesLoseNoUpdateAndShareOneNumbering() async throws {
        try await withTwoJiujinsOnPostgres { first, second in
            let clerk = try await first.login("ck-county-1")
            let id = try #require(try await first.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("GAJ0707")).string("id"))
            let one = try await first.login("sp-gaj"), two = try await second.login("sp-gaj")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for i in 0..<16 {
                    let (client, token) = i % 2 == 0 ? (first, one) : (second, two)
                    group.addTask { try await client.send(.POST, "/api/v1/cases/\(id)/actions", token: token, json: ["action": "start_review"]).status.code }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            let detail = try await second.send(.GET, "/api/v1/cases/\(id)", token: two)
            #expect(detail["version"] as? Int == 2 && detail.list("events").count == 2)
            let otherClerk = try await second.login("ck-county-1")
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<24 {
                    let (client, token) = i % 2 == 0 ? (first, clerk) : (second, otherClerk)
                    group.addTask { try await client.send(.POST, "/api/v1/cases", token: token, json: TestClient.intake("GAJ0707")).string("number") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.compactMap { $0 }.count == 24 && Set(numbers.compactMap { $0 }).count == 24)
        }
    }
}
