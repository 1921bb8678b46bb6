import Vapor

/// Size limits of what a request may carry before any route sees it: the URL (414) and the header block (431).
/// Bodies are limited per route (`app.routes.defaultMaxBodySize`, 413); free text per field in the core (`TextLimit`).
/// Beyond 80 KB of URL or headers SwiftNIO's HTTP parser closes the connection before jiujin sees the request.
struct InputLimitsMiddleware: AsyncMiddleware {
    static let maxURLBytes = 16 * 1024
    static let maxHeaderBytes = 16 * 1024

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.url.string.utf8.count > Self.maxURLBytes {
            throw APIError(.uriTooLong, "uri_too_long", "请求地址过长（不超过\(Self.maxURLBytes / 1024) KB）")
        }
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > Self.maxHeaderBytes {
            throw APIError(.requestHeaderFieldsTooLarge, "header_too_large", "请求头过大（不超过\(Self.maxHeaderBytes / 1024) KB）")
        }
        return try await next.respond(to: request)
    }
}

/// Static files (`Public/`), asked only for the folders that are there: every other path (the API, pages, ids
/// of any length) never touches the file system, so a 5,000-character id is a 404 from its route, not a failed stat.
struct PublicFilesMiddleware: AsyncMiddleware {
    private let files: FileMiddleware
    private let folders: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? []
        folders = Set(listed.filter { !$0.hasPrefix(".") })
    }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard request.method == .GET || request.method == .HEAD,
              let first = path.split(separator: "/", maxSplits: 1).first, folders.contains(String(first)),
              path.split(separator: "/").allSatisfy({ $0.utf8.count <= 255 }) else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
