import Foundation

/// Wrong query codes per case number, from every address together: after five, the case number rests for
/// 15 minutes, then 30, doubling up to a day; a right code clears it. With 31⁸ possible codes and five tries per
/// rest, guessing one case's code would take millennia. Kept in memory: each jiujin process counts its own.
final class QueryCodeGuard: Sendable {
    private struct Count: Sendable {
        var failures = 0
        var restUntil: TimeInterval = 0
        var last: TimeInterval = 0
    }

    static let free = 5
    static let firstRest: TimeInterval = 15 * 60
    static let longestRest: TimeInterval = 24 * 3600
    private static let remembered = 100_000
    private let counts = LockedBox([String: Count]())

    /// Seconds the case number still rests, or nil.
    func wait(number: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> TimeInterval? {
        counts.update { c in
            guard let until = c[number]?.restUntil, until > now else { return nil }
            return until - now
        }
    }

    func failed(number: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) {
        counts.update { c in
            var n = c[number] ?? Count()
            n.failures += 1
            n.last = now
            if n.failures >= Self.free {
                n.restUntil = now + min(Self.longestRest, Self.firstRest * pow(2, Double(min(n.failures - Self.free, 20))))
            }
            c[number] = n
            if c.count > Self.remembered { c = c.filter { now - $0.value.last < Self.longestRest } }
        }
    }

    func succeeded(number: String) {
        counts.update { $0[number] = nil }
    }
}
