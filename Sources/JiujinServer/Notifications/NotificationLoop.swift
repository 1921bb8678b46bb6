import Vapor

/// Runs the dispatcher every two seconds while the server is up.
final class NotificationLoop: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ app: Application) throws {
        let context = app.jiujin
        let db = app.db
        let logger = app.logger
        task = Task {
            while !Task.isCancelled {
                do {
                    _ = try await context.dispatcher.runOnce(db: db, now: context.now())
                } catch {
                    logger.warning("notification round failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    func shutdown(_ app: Application) {
        task?.cancel()
    }
}
