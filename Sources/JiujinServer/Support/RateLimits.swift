import Foundation
import Vapor

/// The doors anyone on the internet can knock on, each with its own limits (限流).
enum RateDoor: String, Sendable, CaseIterable {
    /// `POST /login` and `POST /api/v1/auth/token`.
    case signIn = "sign_in"
    /// The public rating and follow pages and their API.
    case ratings
    /// Online applications.
    case applications
    /// Certificate checks: the verification page and the API.
    case verification
    /// Residents asking for and typing sign-in codes (the page and the API).
    case residentSignIn = "resident_sign_in"
    /// Complaints and suggestions filed, and looked up by number and code.
    case complaints

    /// Per client address: a burst, refilled at `perMinute`; and a ceiling for all addresses together.
    var limits: (burst: Double, perMinute: Double, globalBurst: Double, globalPerSecond: Double) {
        switch self {
        case .signIn: return (30, 30, 60, 20)
        case .ratings: return (60, 60, 400, 200)
        case .applications: return (20, 20, 100, 50)
        case .verification: return (120, 120, 4000, 2000)
        case .residentSignIn: return (20, 10, 300, 100)
        case .complaints: return (20, 10, 200, 50)
        }
    }
}

/// Token buckets per client address and one for everybody, per door. `scale` multiplies every limit
/// (JIUJIN_RATE_LIMIT_SCALE; 0 switches limiting off, for load tests on loopback).
final class RateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var at: TimeInterval

        /// Takes one token if there is one; else the seconds until there will be.
        mutating func take(burst: Double, perSecond: Double, now: TimeInterval) -> TimeInterval? {
            tokens = min(burst, tokens + max(0, now - at) * perSecond)
            at = now
            if tokens >= 1 {
                tokens -= 1
                return nil
            }
            return (1 - tokens) / perSecond
        }
    }

    private struct State: Sendable {
        var perAddress: [RateDoor: [String: Bucket]] = [:]
        var global: [RateDoor: Bucket] = [:]
    }

    private let state = LockedBox(State())
    private let scale: Double
    /// Addresses remembered per door before full buckets are forgotten.
    private let remembered = 100_000

    init(scale: Double) { self.scale = max(0, scale) }

    /// nil when the request may pass; else the seconds the client should wait (Retry-After).
    func admit(_ door: RateDoor, address: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> TimeInterval? {
        guard scale > 0 else { return nil }
        let l = door.limits
        let burst = max(1, l.burst * scale), perSecond = l.perMinute * scale / 60
        let globalBurst = max(1, l.globalBurst * scale), globalPerSecond = l.globalPerSecond * scale
        return state.update { s in
            var own = s.perAddress[door]?[address] ?? Bucket(tokens: burst, at: now)
            if let wait = own.take(burst: burst, perSecond: perSecond, now: now) {
                s.perAddress[door, default: [:]][address] = own
                return wait
            }
            var all = s.global[door] ?? Bucket(tokens: globalBurst, at: now)
            if let wait = all.take(burst: globalBurst, perSecond: globalPerSecond, now: now) {
                s.global[door] = all
                own.tokens += 1 // not spent: the request is refused for everybody's sake, not its own
                s.perAddress[door, default: [:]][address] = own
                return wait
            }
            s.global[door] = all
            s.perAddress[door, default: [:]][address] = own
            if let known = s.perAddress[door], known.count > remembered {
                // Forget addresses whose buckets have refilled: they would start full anyway.
                s.perAddress[door] = known.filter { $0.value.tokens + (now - $0.value.at) * perSecond < burst }
            }
            return nil
        }
    }
}

/// Refuses a request over its door's limits with 429 and Retry-After, before any work is done.
struct RateLimitMiddleware: AsyncMiddleware {
    let door: RateDoor

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let wait = req.jiujin.limiter.admit(door, address: req.clientAddress) {
            throw APIError.tooManyRequests(retryAfter: wait)
        }
        return try await next.respond(to: req)
    }
}

extension Request {
    /// The client's address: from the trusted proxy's header when one is configured (JIUJIN_CLIENT_IP_HEADER;
    /// for X-Forwarded-For the last entry, the one the proxy added), else the connection's peer. Never from a
    /// header the operator did not name, since any client can send any header.
    var clientAddress: String {
        if let header = jiujin.options.clientIPHeader,
           let value = headers[header].last?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !value.isEmpty, value.count <= 64 {
            return value
        }
        return remoteAddress?.ipAddress ?? "-"
    }
}
