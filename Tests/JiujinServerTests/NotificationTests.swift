import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import VaporTesting

/// A sender that fails, hangs or works, as the test says.
final class ScriptedSender: NotificationSender, @unchecked Sendable {
    enum Mode { case fail, hang, work }
    private let lock = NSLock()
    private var _mode: Mode
    private var _delivered: [OutgoingMessage] = []

    init(_ mode: Mode) { _mode = mode }

    var mode: Mode {
        get { lock.withLock { _mode } }
        set { lock.withLock { _mode = newValue } }
    }

    var delivered: [OutgoingMessage] { lock.withLock { _delivered } }

    func send(_ message: OutgoingMessage) async throws {
        switch mode {
        case .fail: throw Abort(.serviceUnavailable, reason: "gateway down")
        case .hang:
            // Ignores cancellation on purpose: a truly stuck gateway.
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        case .work: lock.withLock { _delivered.append(message) }
        }
    }
}

@Suite struct NotificationTests {
    @Test func aFailingSenderNeitherFailsTheCaseActionNorLosesTheMessage() async throws {
        try await withJiujin { app, c in
            let sender = ScriptedSender(.fail)
            app.jiujin.dispatcher.use(sender)
            let agent = try await c.login("dl-100201")
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(created.status == .created)
            let first = try await app.jiujin.dispatcher.runOnce(db: app.db, now: app.jiujin.now())
            #expect(first == .init(sent: 0, failed: 1))
            let queued = try #require(try await NotificationModel.query(on: app.db).first())
            #expect(queued.status == "pending" && queued.attempts == 1 && queued.lastError != nil)
            #expect(queued.nextAttemptAt == app.jiujin.now().addingTimeInterval(5))
            // Not due yet: nothing is tried.
            #expect(try await app.jiujin.dispatcher.runOnce(db: app.db, now: app.jiujin.now()) == .init())
            sender.mode = .work
            let later = app.jiujin.now().addingTimeInterval(6)
            #expect(try await app.jiujin.dispatcher.runOnce(db: app.db, now: later) == .init(sent: 1, failed: 0))
            #expect(sender.delivered.count == 1)
            #expect(sender.delivered[0].text.contains("已受理") && sender.delivered[0].text.contains(created.string("number")!))
            #expect(sender.delivered[0].phone == "13812345678")
            #expect(try await app.jiujin.dispatcher.runOnce(db: app.db, now: later.addingTimeInterval(3600)) == .init())
        }
    }

    @Test func aHangingSenderTimesOutAndTheMessageIsRetried() async throws {
        try await withJiujin { app, c in
            let sender = ScriptedSender(.hang)
            app.jiujin.dispatcher.use(sender)
            let agent = try await c.login("dl-100201")
            // The sender hangs forever, yet the action completes: it only writes the outbox.
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508"))
            #expect(created.status == .created)
            #expect(try await NotificationModel.query(on: app.db).filter(\.$status == "pending").count() == 1)
            // Dispatching with a hung sender returns by itself after the time limit (shortened here).
            let round = try await Task {
                try await NotificationDispatcher.withTimeout(.milliseconds(200)) { try await sender.send(.init(id: UUID(), kind: "x", phone: "1", text: "x", attempt: 1)) }
            }.result
            #expect(throws: NotificationDispatcher.TimedOut.self) { try round.get() }
            sender.mode = .work
            #expect(try await app.jiujin.dispatcher.runOnce(db: app.db, now: app.jiujin.now()).sent == 1)
        }
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect(NotificationDispatcher.backoff(afterAttempt: 1) == 5)
        #expect(NotificationDispatcher.backoff(afterAttempt: 2) == 10)
        #expect(NotificationDispatcher.backoff(afterAttempt: 5) == 80)
        #expect(NotificationDispatcher.backoff(afterAttempt: 20) == 3600)
    }

    @Test func aSupplementRequestListsEverythingMissing() async throws {
        try await withJiujin { app, c in
            let clerk = try await c.login("ck-county-1")
            let r = try await c.send(.POST, "/api/v1/cases", token: clerk, json: TestClient.intake("YBJ0503", extra: [
                "decision": "request_supplement", "regionCode": "990101100201",
                "materials": [["name": "认定申请表", "provided": true]],
            ]))
            #expect(r.status == .created)
            let n = try #require(try await NotificationModel.query(on: app.db).first())
            #expect(n.kind == "supplement")
            #expect(n.text.contains("二级以上医院诊断证明") && n.text.contains("病历资料"))
        }
    }
}

@Suite struct WebhookSenderTests {
    /// A real HTTP receiver on loopback: the webhook posts JSON; a 500 is a failure to retry.
    @Test func postsJSONAndTreatsErrorsAsFailures() async throws {
        let receiver = try await Application.make(.testing)
        let received = LockedBox<[OutgoingMessage]>([])
        let failNext = LockedBox(false)
        receiver.post("hook") { req async throws -> HTTPStatus in
            if failNext.value { return .internalServerError }
            let m = try req.content.decode(OutgoingMessage.self)
            received.update { $0.append(m) }
            return .accepted
        }
        try await receiver.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            let port = try #require(receiver.http.server.shared.localAddress?.port)
            let sender = WebhookSender(url: URI(string: "http://127.0.0.1:\(port)/hook"), client: receiver.client)
            let message = OutgoingMessage(id: UUID(), kind: "accepted", phone: "13812345678", text: "已受理", attempt: 1)
            try await sender.send(message)
            #expect(received.value.map(\.text) == ["已受理"])
            failNext.value = true
            await #expect(throws: (any Error).self) { try await sender.send(message) }
            #expect(received.value.count == 1)
        } catch {
            await receiver.server.shutdown()
            try await receiver.asyncShutdown()
            throw error
        }
        await receiver.server.shutdown()
        try await receiver.asyncShutdown()
    }
}
