import Vapor

/// Writes the buffered access and verification records once a second, and what
/// is left when the server stops.
final class RecordFlusher: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBoot(_ app: Application) throws {
        let context = app.jiujin
        let db = app.db
        let logger = app.logger
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    try await context.records.flush(db)
                } catch {
                    logger.error("writing buffered records failed; kept for the next round", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task?.cancel()
        do {
            try await app.jiujin.records.flush(app.db)
        } catch {
            app.logger.error("buffered records could not be written at shutdown", metadata: ["error": "\(error)"])
        }
    }
}
