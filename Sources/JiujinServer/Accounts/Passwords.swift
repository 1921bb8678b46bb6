import Foundation
import NIOPosix
import Vapor

/// Password hashing (口令校验) on a thread of its own. Bcrypt is slow on
/// purpose; run on the shared task threads, a flood of sign-ins would starve
/// every other request, the single SQLite writer included. Here at most one
/// core hashes, at most `waitingLimit` checks wait (then 503 at once), and an
/// unknown name is checked against a hash of the same cost as a real one, so
/// both answer in the same time.
final class PasswordWork: Sendable {
    private let pool: NIOThreadPool
    private let waiting = LockedBox(0)
    private let waitingLimit: Int
    let cost: Int
    private let nobody = LockedBox<String?>(nil)

    init(cost: Int, waitingLimit: Int) {
        self.cost = cost
        self.waitingLimit = waitingLimit
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }

    /// Checks waiting or running now.
    var queued: Int { waiting.value }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await run { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }

    /// The same work as `verify` for a name that has no account (its answer is always no).
    func verifyNobody(_ password: String) async throws {
        let cost = cost
        let known = nobody.value
        let made = try await run { () -> String in
            let hash = try known ?? Bcrypt.hash("jiujin-no-such-account", cost: cost)
            _ = try? Bcrypt.verify(password, created: hash)
            return hash
        }
        nobody.update { if $0 == nil { $0 = made } }
    }

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await run { try Bcrypt.hash(password, cost: cost) }
    }

    /// Whether a stored hash was made at a lower cost than today's (then it is replaced at the next sign-in).
    func isWeaker(_ hash: String) -> Bool {
        // Modular crypt format: $2b$12$…
        let parts = hash.split(separator: "$")
        guard parts.count >= 2, let stored = Int(parts[1]) else { return true }
        return stored < cost
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard waiting.update({ n -> Bool in
            guard n < waitingLimit else { return false }
            n += 1
            return true
        }) else {
            throw APIError(.serviceUnavailable, "sign_in_busy", "登录人数过多，请稍后再试", retryAfter: 5)
        }
        defer { waiting.update { $0 -= 1 } }
        return try await pool.runIfActive(body)
    }
}

/// Progressive delay after failed sign-ins (登录失败延迟), kept per typed name
/// and address and per typed name alone — for names with and without an
/// account alike, so the answer never tells which names exist. Five failures
/// from one address make that address wait 30 s, then 60, 120 … up to 15
/// minutes for that name; an attacker elsewhere cannot lock the official out,
/// since only fifty failures from all addresses together slow the name itself
/// (5 s, 10 s … up to a minute). A success clears both; an administrator can clear a name.
/// Kept in memory: each jiujin process counts its own.
final class SignInThrottle: Sendable {
    private struct Count: Sendable {
        var failures = 0
        var blockedUntil: TimeInterval = 0
        var last: TimeInterval = 0
    }

    private struct State: Sendable {
        var pairs: [String: Count] = [:]
        var names: [String: Count] = [:]
    }

    static let freeFromAddress = 5
    static let maxFromAddress: TimeInterval = 15 * 60
    static let freeForName = 50
    static let maxForName: TimeInterval = 60
    private static let remembered = 100_000

    private let state = LockedBox(State())

    private static func name(_ raw: String) -> String { raw.lowercased() }

    /// Seconds this name must still wait from this address, or nil.
    func wait(name raw: String, address: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> TimeInterval? {
        let name = Self.name(raw)
        return state.update { s in
            let until = max(s.pairs[name + "|" + address]?.blockedUntil ?? 0, s.names[name]?.blockedUntil ?? 0)
            return until > now ? until - now : nil
        }
    }

    func failed(name raw: String, address: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) {
        let name = Self.name(raw)
        state.update { s in
            func count(_ c: inout Count, free: Int, first: TimeInterval, max: TimeInterval) {
                c.failures += 1
                c.last = now
                if c.failures >= free {
                    c.blockedUntil = now + min(max, first * pow(2, Double(min(c.failures - free, 20))))
                }
            }
            count(&s.pairs[name + "|" + address, default: Count()], free: Self.freeFromAddress, first: 30, max: Self.maxFromAddress)
            count(&s.names[name, default: Count()], free: Self.freeForName, first: 5, max: Self.maxForName)
            if s.pairs.count > Self.remembered { s.pairs = s.pairs.filter { now - $0.value.last < 86_400 } }
            if s.names.count > Self.remembered { s.names = s.names.filter { now - $0.value.last < 86_400 } }
        }
    }

    func succeeded(name raw: String, address: String) {
        let name = Self.name(raw)
        state.update { s in
            s.pairs[name + "|" + address] = nil
            s.names[name] = nil
        }
    }

    /// Whether this name is slowed from some address or everywhere (shown to administrators).
    func isSlowed(name raw: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Bool {
        let name = Self.name(raw)
        return state.update { s in
            (s.names[name]?.blockedUntil ?? 0) > now
                || s.pairs.contains { $0.key.hasPrefix(name + "|") && $0.value.blockedUntil > now }
        }
    }

    /// Clears every count of a name (an administrator's unlock).
    func clear(name raw: String) {
        let name = Self.name(raw)
        state.update { s in
            s.names[name] = nil
            s.pairs = s.pairs.filter { !$0.key.hasPrefix(name + "|") }
        }
    }
}
