import JiujinCore
import Vapor

/// An error for API clients and pages: an HTTP status, a stable code, a
/// message in Chinese for people, and the field it concerns. Rendered as
/// `{"error": code, "message": …, "field": …}`. Core errors (`DomainError`)
/// become one in `APIError.from`, the only place that maps kinds to statuses.
struct APIError: AbortError, Sendable {
    var status: HTTPResponseStatus
    var code: String
    var message: String
    var field: String?
    /// Seconds after which a client may try again (503, 429): sent as Retry-After.
    var retryAfter: Int?
    /// For 405: the methods the path does answer, sent as Allow.
    var allow: [String]?

    var reason: String { message }

    init(_ status: HTTPResponseStatus, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> APIError {
        APIError(.unprocessableEntity, code, message, field: field)
    }

    static func notFound(_ what: String, code: String = "not_found") -> APIError {
        APIError(.notFound, code, "\(what)不存在")
    }

    static let unauthenticated = APIError(.unauthorized, "unauthenticated", "请先登录（缺少或无效的访问令牌）")

    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }

    /// More writes are waiting than the door lets queue (JIUJIN_WRITE_QUEUE_LIMIT).
    static let overloaded = APIError(.serviceUnavailable, "overloaded", "系统繁忙，请稍后再试", retryAfter: 1)

    /// A client asked a public door more often than its limits allow (`RateLimiter`).
    static func tooManyRequests(retryAfter seconds: TimeInterval) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "请求过于频繁，请稍后再试", retryAfter: max(1, Int(seconds.rounded(.up))))
    }

    /// The database refused to store a write (disk full, I/O error); nothing of it was stored.
    static let storageUnavailable = APIError(.serviceUnavailable, "storage_unavailable",
                                             "暂时无法保存（服务器存储空间不足或磁盘故障），本次提交未生效，请稍后重试", retryAfter: 30)

    /// The directory changed twice while a write relied on it.
    static let directoryChanged = APIError(.conflict, "directory_changed", "事项或委托刚刚调整，请刷新后重试")

    static func methodNotAllowed(_ allowed: [String]) -> APIError {
        var e = APIError(.methodNotAllowed, "method_not_allowed", "该地址不支持此请求方法（可用：\(allowed.joined(separator: "、"))）")
        e.allow = allowed
        return e
    }

    static let versionConflict = APIError(.conflict, "version_conflict", "该办件已被他人处理，请刷新后重试")

    /// A core rule's refusal, by its kind.
    init(_ e: any DomainError) {
        let status: HTTPResponseStatus
        switch e.kind {
        case .invalid: status = .unprocessableEntity
        case .conflict: status = .conflict
        case .forbidden: status = .forbidden
        case .notFound: status = .notFound
        }
        self.init(status, e.code, e.message, field: e.field)
    }
}

extension APIError {
    /// Retry-After and Allow, when the error carries them.
    func addHeaders(to response: Response) {
        if let seconds = retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds)) }
        if let allow { response.headers.replaceOrAdd(name: .allow, value: allow.joined(separator: ", ")) }
    }
}

/// The JSON body of every error response.
struct ErrorBody: Content {
    var error: String
    var message: String
    var field: String?
}
