import Vapor

/// The methods each registered path answers. A known path asked with another method gets `405` and an `Allow`
/// header (RFC 9110) instead of `404`; `OPTIONS` on a known path answers `204` with `Allow`.
struct AllowedMethods: Sendable {
    private struct Entry: Sendable {
        var path: [PathComponent]
        var methods: Set<String>
    }

    private let entries: [Entry]

    init(routes: [Route]) {
        var byPath: [String: Entry] = [:]
        for route in routes {
            let key = route.path.map(\.description).joined(separator: "/")
            byPath[key, default: Entry(path: route.path, methods: [])].methods.insert(route.method.rawValue)
        }
        entries = Array(byPath.values)
    }

    /// The methods the path answers, with HEAD beside GET and OPTIONS; empty when no route has this path.
    func allowed(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
        var methods = Set<String>()
        for entry in entries where Self.matches(entry.path, segments[...]) { methods.formUnion(entry.methods) }
        guard !methods.isEmpty else { return [] }
        if methods.contains("GET") { methods.insert("HEAD") }
        methods.insert("OPTIONS")
        return methods.sorted()
    }

    private static func matches(_ pattern: [PathComponent], _ segments: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return segments.isEmpty }
        if case .catchall = first { return true }
        guard let segment = segments.first else { return false }
        switch first {
        case .constant(let c): guard c == segment else { return false }
        case .parameter, .anything: break
        case .catchall: return true
        }
        return matches(Array(pattern.dropFirst()), segments.dropFirst())
    }

    struct Key: StorageKey { typealias Value = AllowedMethods }
}

/// Answers `405 Method Not Allowed` (with `Allow`) when no route takes the method but one takes the path.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let notFound as RouteNotFound {
            let allowed = request.application.storage[AllowedMethods.Key.self]?.allowed(forPath: request.url.path) ?? []
            guard !allowed.isEmpty else { throw notFound }
            if request.method == .OPTIONS {
                return Response(status: .noContent, headers: ["Allow": allowed.joined(separator: ", ")])
            }
            throw APIError.methodNotAllowed(allowed)
        }
    }
}
