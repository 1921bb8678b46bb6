import AsyncKit
import FluentPostgresDriver
import FluentSQLiteDriver
import JiujinCore
import Vapor

/// Turns every error into a JSON body with a Chinese message; a malformed
/// request is always a 4xx, and only a genuine fault of the server is a 500.
/// `map` is the one mapping from errors to statuses, used by pages too.
struct JSONErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let abort as AbortError where (300..<400).contains(abort.status.code) {
            return Response(status: abort.status, headers: abort.headers)
        } catch {
            let api = Self.map(error)
            if api.status == .internalServerError {
                request.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            } else if api.code == APIError.storageUnavailable.code {
                request.logger.error("write refused by the database: disk full or I/O error", metadata: ["error": "\(String(reflecting: error))"])
            }
            let response = Response(status: api.status)
            // Messages quote input clipped (TextLimit.echo); this is the last guard that no error repeats a payload.
            // Keys in a fixed order: two refusals that mean the same are the same bytes (a guess learns nothing).
            let body = ErrorBody(error: api.code, message: TextLimit.echo(api.message, max: 300), field: api.field.map { TextLimit.echo($0, max: 100) })
            response.body = .init(string: try JSONCoding.string(body))
            response.headers.contentType = .json
            if api.status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            api.addHeaders(to: response)
            return response
        }
    }

    static func map(_ error: Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as DecodingError: return decoding(e)
        case let e as any DomainError: return APIError(e)
        case is DirectoryVersion.Changed: return .directoryChanged
        case is StorageFailure: return .storageUnavailable
        case is ConnectionPoolTimeoutError: return .overloaded
        case let e as SQLiteError where isStorage(e): return .storageUnavailable
        case let e as PSQLError where isStorage(e): return .storageUnavailable
        case let e as AbortError:
            return APIError(e.status, code(for: e.status), message(for: e.status))
        default:
            return APIError(.internalServerError, "internal_error", "服务器内部错误，请稍后重试；如持续出现请联系管理员")
        }
    }

    /// The database cannot store anything now (disk full, I/O error, read-only or unopenable file).
    static func isStorage(_ e: SQLiteError) -> Bool {
        switch e.reason {
        case .full, .ioError, .readOnly, .cantOpen, .noMemory: return true
        default:
            let name = String(describing: e.reason)
            return name.hasPrefix("ioError") || name.hasPrefix("readonly") || name.hasPrefix("cantOpen")
        }
    }

    /// PostgreSQL's classes 53 (insufficient resources: disk full, out of memory) and 58 (system error: I/O).
    static func isStorage(_ e: PSQLError) -> Bool {
        guard let state = e.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("53") || state.hasPrefix("58")
    }

    static func decoding(_ e: DecodingError) -> APIError {
        func path(_ c: [CodingKey]) -> String? {
            let p = c.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? nil : p
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            let field = path(ctx.codingPath + [key]) ?? key.stringValue
            return APIError(.badRequest, "missing_field", "缺少必填字段「\(field)」", field: field)
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            let field = path(ctx.codingPath)
            return APIError(.badRequest, "invalid_field", "字段「\(field ?? "请求体")」的类型不正确", field: field)
        case .dataCorrupted(let ctx):
            if let field = path(ctx.codingPath) {
                return APIError(.badRequest, "invalid_field", "字段「\(field)」的值格式不正确", field: field)
            }
            return APIError(.badRequest, "malformed_json", "请求体不是有效的 JSON")
        @unknown default:
            return APIError(.badRequest, "malformed_json", "请求体不是有效的 JSON")
        }
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 401: return "unauthenticated"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 413: return "payload_too_large"
        case 415: return "unsupported_media_type"
        case 422: return "unprocessable"
        case 429: return "too_many_requests"
        default: return status.code >= 500 ? "internal_error" : "bad_request"
        }
    }

    static func message(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: return "请求格式不正确"
        case 401: return "请先登录"
        case 403: return "无权执行此操作"
        case 404: return "请求的地址或资源不存在"
        case 405: return "不支持该请求方法"
        case 409: return "操作与当前状态冲突"
        case 413: return "请求内容过大"
        case 415: return "不支持的内容类型，请使用 application/json"
        case 422: return "请求内容无法处理，请检查填写的内容"
        case 429: return "请求过于频繁，请稍后再试"
        case 503: return "服务暂不可用，请稍后再试"
        default: return status.code >= 500 ? "服务器内部错误，请稍后重试" : "请求有误"
        }
    }
}
