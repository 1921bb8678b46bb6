import Vapor

/// A background job of the server (后台任务): runs `round` every `interval`
/// while the server is up, logs a failed round and goes on, and runs
/// `atShutdown` once when the server stops.
final class RepeatingJob: LifecycleHandler, @unchecked Sendable {
    private let name: String
    private let interval: Duration
    private let round: @Sendable (Application) async throws -> Void
    private let atShutdown: (@Sendable (Application) async throws -> Void)?
    private var task: Task<Void, Never>?

    init(_ name: String, every interval: Duration, round: @escaping @Sendable (Application) async throws -> Void,
         atShutdown: (@Sendable (Application) async throws -> Void)? = nil) {
        self.name = name
        self.interval = interval
        self.round = round
        self.atShutdown = atShutdown
    }

    func didBoot(_ app: Application) throws {
        let (name, interval, round) = (self.name, self.interval, self.round)
        task = Task {
            while !Task.isCancelled {
                do {
                    try await round(app)
                } catch {
                    app.logger.warning("\(name) failed; trying again next round", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task?.cancel()
        guard let atShutdown else { return }
        do {
            try await atShutdown(app)
        } catch {
            app.logger.error("\(name) failed at shutdown", metadata: ["error": "\(error)"])
        }
    }
}
