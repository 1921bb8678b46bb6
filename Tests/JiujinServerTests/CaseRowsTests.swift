import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// `CaseRows` is the one mapping between a case and its row: what it writes it reads back unchanged, every
/// optional column filled or empty, on both engines; the lists, which read through `CaseModel`, see the same row.
@Suite struct CaseRowsTests {
    @Test func aCaseReadsBackExactlyAsWrittenWithEveryColumnFilledAndEmpty() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701", extra: [
                "regionCode": "990101100201",
                "authorization": ["scope": "代为申请", "signedOn": "2026-11-20", "validUntil": "2027-02-20"],
            ]))
            let id = try #require(UUID(uuidString: created.string("id") ?? ""))
            let sql = try sqlDatabase(app.db)
            let stored = try #require(try await CaseRows.find(id, cipher: app.jiujin.cipher, on: sql))
            #expect(stored.number == created.string("number") && stored.proxy?.authorization.scope == "代为申请")

            // Every optional column set, then every one cleared.
            var full = stored
            full.resumeStatus = .underReview
            full.assigneeId = "u-sp-100"
            full.pauses = [ClockPause(kind: .supplement, start: LocalDate(year: 2026, month: 11, day: 23)!, end: LocalDate(year: 2026, month: 11, day: 25)!)]
            full.reason = "理由：材料「一」与「二」不符"
            full.decidedAt = Date(timeIntervalSince1970: 1_795_000_000)
            full.sealNumber = "审批专用章(03)"
            full.deliveryMethod = .express
            full.trackingNumber = "SF1234567890"
            full.version += 1
            try await app.jiujin.write(app.db) { [full] tx in try await CaseRows.update(full, cipher: app.jiujin.cipher, on: try sqlDatabase(tx)) }
            #expect(try await CaseRows.find(id, cipher: app.jiujin.cipher, on: sql) == full)
            let model = try #require(try await CaseModel.find(id, on: app.db))
            #expect(model.trackingNumber == "SF1234567890" && model.version == full.version && model.status == full.status.rawValue)
            #expect(model.decidedAt == full.decidedAt && model.resumeStatus == "under_review")

            var empty = full
            empty.resumeStatus = nil
            empty.assigneeId = nil
            empty.pauses = []
            empty.reason = nil
            empty.decidedAt = nil
            empty.sealNumber = nil
            empty.proxy = nil
            empty.deliveryMethod = nil
            empty.trackingNumber = nil
            empty.acceptedOn = nil
            empty.deadline = nil
            try await app.jiujin.write(app.db) { [empty] tx in try await CaseRows.update(empty, cipher: app.jiujin.cipher, on: try sqlDatabase(tx)) }
            #expect(try await CaseRows.find(id, cipher: app.jiujin.cipher, on: sql) == empty)
            #expect(try await CaseRows.find(number: stored.number, cipher: app.jiujin.cipher, on: sql) == empty)
            #expect(try await CaseRows.find(UUID(), cipher: app.jiujin.cipher, on: sql) == nil)

            // The events read back with their hashes, so the chain still verifies.
            let events = try await CaseRows.events(of: id, on: sql)
            #expect(events.count == stored.eventCount && events.last?.hash == stored.lastHash)
            #expect(EventChain.verify(events) == .intact(count: events.count))
        }
    }
}
