import Vapor

/// Keeps the directory snapshot current when another process (a second jiujin on
/// the same PostgreSQL, an import, an administrator's SQL) changes it: once a
/// second it reads the directory version row and reloads when it moved on.
/// Writes do not depend on it: they confirm the version inside their transaction.
final class DirectoryWatcher: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ app: Application) throws {
        let context = app.jiujin
        let db = app.db
        let logger = app.logger
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    try await context.refreshIfStale(db)
                } catch {
                    logger.warning("directory refresh failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func shutdown(_ app: Application) {
        task?.cancel()
    }
}
