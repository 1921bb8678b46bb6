import Fluent
import Foundation
import JiujinCore
import SQLKit
import Testing
@testable import JiujinServer
import VaporTesting

/// An audit trail that cannot be rewritten quietly, even by someone with the database: keyed seals on every event
/// and the case's key fields, and signed checkpoints kept outside the database.
@Suite struct AuditAnchorTests {
    /// Files a case of 个体工商户设立登记 and sends it on to review: three events.
    func fileCase(_ c: TestClient) async throws -> (id: UUID, number: String) {
        let agent = try await c.login("dl-100201")
        let made = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
        let id = try #require(UUID(uuidString: made.string("id") ?? ""))
        let approver = try await c.login("sp-100")
        #expect(try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "start_review"]).status == .ok)
        return (id, try #require(made.string("number")))
    }

    /// An intruder with the database: drops the guard, edits an event and recomputes every SHA-256 after it.
    func rewrite(_ app: Application, caseId: UUID, sequence: Int, comment: String) async throws {
        let sql = try #require(app.db as? SQLDatabase)
        try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
        var events = try await CaseRows.storedEvents(of: [caseId], on: sql).compactMap(\.event)
        var previous = CaseEvent.genesisHash
        for i in events.indices {
            if events[i].sequence == sequence { events[i].comment = comment }
            events[i].previousHash = previous
            events[i].hash = events[i].computeHash()
            previous = events[i].hash
            try await sql.update("case_events").set("comment", to: events[i].comment).set("previous_hash", to: events[i].previousHash)
                .set("hash", to: events[i].hash).where("case_id", .equal, caseId).where("sequence", .equal, events[i].sequence).run()
        }
        try await sql.update("cases").set("last_hash", to: previous).where("id", .equal, caseId).run()
        #expect(EventChain.verify(events) == .intact(count: events.count))
    }

    @Test func aRecomputedChainFailsTheKeyedSealAndAnEditedCaseRowFailsItsDigest() async throws {
        try await withJiujin { app, c in
            let (id, number) = try await fileCase(c)
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
            try await rewrite(app, caseId: id, sequence: 2, comment: "补录：材料齐全")
            let problem = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(problem.contains(number) && problem.contains("第 1 条事件") == false && problem.contains("审计密钥"), "\(problem)")
        }
        try await withJiujin { app, c in
            let (id, number) = try await fileCase(c)
            let sql = try #require(app.db as? SQLDatabase)
            try await sql.update("cases").set("applicant_name", to: "王五").where("id", .equal, id).run()
            let problem = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(problem.contains(number) && problem.contains("办件记录被改写"), "\(problem)")
        }
    }

    @Test func signedCheckpointsCatchTruncationDeletionAndForgedFiles() async throws {
        try await withJiujin { app, c in
            let (id, number) = try await fileCase(c)
            _ = try await fileCase(c)
            let anchors = AuditCheckpoints(directory: app.jiujin.options.auditDirectory, keys: app.jiujin.audit)
            #expect(try anchors.isDue(now: app.jiujin.now()))
            let first = try await anchors.write(app.db, now: app.jiujin.now(), logger: app.logger)
            #expect(first.cases >= 2 && first.changed.count == first.cases && first.previous == AuditCheckpoint.genesis)
            #expect(try anchors.isDue(now: app.jiujin.now()) == false)
            // One more event after the checkpoint, then a second checkpoint records only what moved.
            let approver = try await c.login("sp-100")
            #expect(try await c.send(.POST, "/api/v1/cases/\(id)/actions", token: approver, json: ["action": "pass_stage"]).status == .ok)
            let second = try await anchors.write(app.db, now: app.jiujin.now().addingTimeInterval(86_400), logger: app.logger)
            #expect(second.changed.map(\.caseId) == [id.uuidString.lowercased()] && second.previous == first.digest)
            let clean = try await AuditVerifier.verify(app)
            #expect(clean.firstProblem == nil && clean.checkpointsChecked == 2)

            // Truncation: the last event removed and the case row set back to the one before — a consistent chain
            // with valid seals, but the checkpoint vouched for the removed event.
            let sql = try #require(app.db as? SQLDatabase)
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            let events = try await CaseRows.storedEvents(of: [id], on: sql)
            let last = try #require(events.last), before = try #require(events.dropLast().last?.event)
            try await sql.delete(from: "case_events").where("id", .equal, last.id).run()
            try await sql.update("cases").set("event_count", to: before.sequence).set("last_hash", to: before.hash).set("status", to: "under_review")
                .set("stage_index", to: 0).where("id", .equal, id).run()
            let truncated = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(truncated.contains(number) && truncated.contains("审计锚点"), "\(truncated)")

            // A checkpoint file edited, or one removed from the middle, is refused by its signature or its link.
            let files = anchors.files()
            var edited = try JSONDecoder().decode(AuditCheckpoint.self, from: try Data(contentsOf: URL(fileURLWithPath: files[1])))
            edited.changed = []
            try JSONEncoder().encode(edited).write(to: URL(fileURLWithPath: files[1]))
            #expect(try await AuditVerifier.verify(app).firstProblem?.contains("签名无效") == true)
            try FileManager.default.removeItem(atPath: files[0])
            try? FileManager.default.removeItem(atPath: files[1])
            try JSONEncoder().encode(second).write(to: URL(fileURLWithPath: files[1]))
            #expect(try await AuditVerifier.verify(app).firstProblem?.contains("不衔接") == true)
        }
    }

    @Test func aWholeCaseDeletedAfterACheckpointIsNamed() async throws {
        try await withJiujin { app, c in
            let (id, _) = try await fileCase(c)
            _ = try await AuditCheckpoint.write(app)
            let sql = try #require(app.db as? SQLDatabase)
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            try await sql.delete(from: "case_events").where("case_id", .equal, id).run()
            try await sql.delete(from: "notifications").where("case_id", .equal, id).run()
            try await sql.delete(from: "cases").where("id", .equal, id).run()
            let problem = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(problem.contains(id.uuidString.lowercased()) && problem.contains("被删除"), "\(problem)")
        }
    }

    @Test func eventsWrittenBeforeTheSealsAreSealedOnceAtStart() async throws {
        try await withJiujin { app, c in
            let (_, number) = try await fileCase(c)
            let sql = try #require(app.db as? SQLDatabase)
            // As a database from before the seals: no digests, no macs, no note that the pass ran.
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            try await sql.raw("UPDATE case_events SET mac = NULL, case_digest = NULL").run()
            try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
            try await sql.raw("DELETE FROM data_upgrades WHERE name = 'audit-seals-v1'").run()
            let unsealed = try #require(try await AuditVerifier.verify(app).firstProblem)
            #expect(unsealed.contains(number) && unsealed.contains("审计密钥"))
            try await StoredDataUpgrades.run(app.db, ctx: app.jiujin)
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
            // Noted as done, and the guard is back.
            #expect(try await sql.raw("SELECT name FROM data_upgrades").all().count == 3)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE case_events SET comment = 'x'").run() }

            // Someone who strips the seal of an edited event and asks for the pass again gets nothing sealed.
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            try await sql.raw("UPDATE case_events SET comment = '改过', mac = NULL WHERE sequence = 1").run()
            try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
            try await sql.raw("DELETE FROM data_upgrades WHERE name = 'audit-seals-v1'").run()
            try await StoredDataUpgrades.run(app.db, ctx: app.jiujin)
            #expect(try await AuditVerifier.verify(app).firstProblem?.contains(number) == true)
            // Nor when every seal was stripped, once a checkpoint has vouched for the county.
            _ = try await AuditCheckpoint.write(app)
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            try await sql.raw("UPDATE case_events SET mac = NULL").run()
            try await M007_AppendOnlyRecords.protect(["case_events"], on: sql)
            try await sql.raw("DELETE FROM data_upgrades WHERE name = 'audit-seals-v1'").run()
            try await StoredDataUpgrades.run(app.db, ctx: app.jiujin)
            #expect(try await AuditVerifier.verify(app).firstProblem?.contains("审计密钥") == true)
        }
    }
}
