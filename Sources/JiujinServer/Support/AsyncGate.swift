import Foundation

/// A fair async mutex. SQLite has one writer at a time; queueing writes in the
/// process keeps concurrent requests from failing on the database lock.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard enabled else { return try await body() }
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}
