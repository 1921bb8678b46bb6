import Foundation
import JiujinCore
import Logging
import Vapor

/// A message on its way to an applicant's phone.
struct OutgoingMessage: Content {
    var id: UUID
    var kind: String
    var phone: String
    var text: String
    var attempt: Int
}

/// Delivers one message (an SMS gateway, a webhook, a log). Throwing means "try again later".
protocol NotificationSender: Sendable {
    func send(_ message: OutgoingMessage) async throws
}

/// The built-in sender: writes the message to the log, phone masked.
struct LogSender: NotificationSender {
    let logger: Logger

    func send(_ message: OutgoingMessage) async throws {
        logger.info("notification", metadata: ["kind": .string(message.kind), "phone": .string(Masking.phone(message.phone)),
                                                 "chars": .stringConvertible(message.text.count)])
    }
}

/// Posts the message as JSON to a configured URL (JIUJIN_NOTIFY_WEBHOOK); any non-2xx is a failure.
struct WebhookSender: NotificationSender {
    let url: URI
    let client: Client

    func send(_ message: OutgoingMessage) async throws {
        let response = try await client.post(url) { req in
            try req.content.encode(message, as: .json)
            req.timeout = .seconds(10)
        }
        guard (200..<300).contains(response.status.code) else {
            throw Abort(.badGateway, reason: "webhook answered \(response.status.code)")
        }
    }
}
