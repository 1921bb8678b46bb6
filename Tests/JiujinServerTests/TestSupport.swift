import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import SQLKit
import Testing
import VaporTesting

/// Friday 2026-11-20, 10:00 in Beijing.
let testNow = Date(timeIntervalSince1970: 1_795_140_000)

/// The master key of tests on PostgreSQL, where jiujin requires one (32 zero-to-31 bytes, base64).
let testSealKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()

/// Builds an app on its own database (a fresh in-memory SQLite, or its own
/// schema on the PostgreSQL of TEST_DATABASE_URL), runs the body, shuts down.
func withJiujin(demo: Bool = true, tune: (inout ServerOptions) -> Void = { _ in },
                _ body: (Application, TestClient) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    var schema: String?
    do {
        let storage: ServerOptions.Storage
        if let url = Environment.get("TEST_DATABASE_URL"), !url.isEmpty {
            schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            storage = .postgres(url: url, schema: schema)
        } else {
            storage = .sqliteMemory
        }
        var options = ServerOptions(storage: storage, loadDemo: demo, fixedNow: testNow, backgroundJobs: false)
        options.passwordCost = 4 // bcrypt's least: the tests sign in hundreds of times
        if case .postgres = storage { options.sealKey = testSealKey }
        if !demo { options.publicURL = "https://jiujin.test" }
        options.auditDirectory = NSTemporaryDirectory() + "jiujin-audit-" + UUID().uuidString
        options.filesDirectory = NSTemporaryDirectory() + "jiujin-files-" + UUID().uuidString
        tune(&options)
        try await configure(app, options: options)
        try await body(app, TestClient(app: app))
    } catch {
        await dropSchema(app, schema)
        try? await app.asyncShutdown()
        throw error
    }
    await dropSchema(app, schema)
    try await app.asyncShutdown()
}

/// Two jiujin processes on one PostgreSQL database (TEST_DATABASE_URL): separate apps, separate snapshots and
/// pools, one schema. Without PostgreSQL the body is not run (SQLite has one process per file).
func withTwoJiujinsOnPostgres(_ body: (TestClient, TestClient) async throws -> Void) async throws {
    guard let url = Environment.get("TEST_DATABASE_URL"), !url.isEmpty else { return }
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let first = try await Application.make(.testing)
    let second = try await Application.make(.testing)
    do {
        try await configure(first, options: ServerOptions(storage: .postgres(url: url, schema: schema), fixedNow: testNow, backgroundJobs: false,
                                                          sealKey: testSealKey, passwordCost: 4))
        try await configure(second, options: ServerOptions(storage: .postgres(url: url, schema: schema), fixedNow: testNow, backgroundJobs: false,
                                                           sealKey: testSealKey, passwordCost: 4))
        try await body(TestClient(app: first), TestClient(app: second))
    } catch {
        try? await second.asyncShutdown()
        await dropSchema(first, schema)
        try? await first.asyncShutdown()
        throw error
    }
    try await second.asyncShutdown()
    await dropSchema(first, schema)
    try await first.asyncShutdown()
}

private func dropSchema(_ app: Application, _ schema: String?) async {
    guard let schema, let sql = app.db as? SQLDatabase else { return }
    try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
}

/// A response with its JSON parsed loosely, for assertions.
struct Reply {
    var status: HTTPStatus
    var text: String
    var json: Any?
    var headers = HTTPHeaders()

    subscript(_ key: String) -> Any? { (json as? [String: Any])?[key] }
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { self[key] as? Int }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    func list(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    var errorCode: String? { string("error") }
    var field: String? { string("field") }
}

struct TestClient {
    let app: Application

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, raw: String? = nil,
              contentType: String = "application/json", headers extra: [(String, String)] = []) async throws -> Reply {
        var headers = HTTPHeaders(extra)
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var body: ByteBuffer?
        var json = json
        // An agent files with the resident's 委托书, as the intake page always asks; tests of the rule itself send
        // `"authorization": NSNull()` to leave it out.
        if method == .POST, path == "/api/v1/cases", let token, var fields = json as? [String: Any],
           try await TokenService(db: app.db, ctx: app.jiujin).staff(for: token)?.role == .villageAgent {
            if fields["authorization"] == nil {
                fields["authorization"] = Self.authorization
            } else if fields["authorization"] is NSNull {
                fields["authorization"] = nil
            }
            json = fields
        }
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
            headers.replaceOrAdd(name: .contentType, value: contentType)
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.replaceOrAdd(name: .contentType, value: contentType)
        }
        let res = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        let text = String(buffer: res.body)
        return Reply(status: res.status, text: text, json: try? JSONSerialization.jsonObject(with: Data(text.utf8)), headers: res.headers)
    }

    func login(_ username: String, password: String = DemoCounty.demoPassword) async throws -> String {
        let r = try await send(.POST, "/api/v1/auth/token", json: ["username": username, "password": password])
        guard r.status == .ok, let token = r.string("token") else {
            Issue.record("login \(username) failed: \(r.status) \(r.text)")
            throw Abort(.unauthorized)
        }
        return token
    }

    /// A resident's 委托书 as an agent gives it.
    static var authorization: [String: Any] { ["scope": "代为申请办理", "signedOn": "2026-11-20", "validUntil": "2026-12-31"] }

    /// A valid intake body for a natural person.
    static func intake(_ item: String, name: String = "刘坤", id: String = "11010519491231002X", phone: String = "13812345678",
                       extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["itemCode": item, "applicant": ["kind": "person", "name": name, "idNumber": id, "phone": phone]]
        for (k, v) in extra { body[k] = v }
        return body
    }

    /// Signs a resident in as an app does: asks for a code, reads it from the outbox (the SMS), trades it for a
    /// bearer token (`rsd_…`). With the tests' fixed clock, ask once per number and app.
    func resident(_ phone: String = "13812345678") async throws -> String {
        let sent = try await send(.POST, "/api/v1/resident/codes", json: ["phone": phone])
        guard sent.status == .accepted else {
            Issue.record("code for \(phone) refused: \(sent.status) \(sent.text)")
            throw Abort(.badRequest)
        }
        let r = try await send(.POST, "/api/v1/resident/token", json: ["phone": phone, "code": try await signInCode(app, phone)])
        guard r.status == .created, let token = r.string("token") else {
            Issue.record("resident sign-in \(phone) failed: \(r.status) \(r.text)")
            throw Abort(.unauthorized)
        }
        return token
    }

    func counts() async throws -> (cases: Int, events: Int) {
        (try await CaseModel.query(on: app.db).count(), try await CaseEventModel.query(on: app.db).count())
    }
}

/// The six digits of the sign-in SMS whose code is still good for `phone`, as the resident reads it on their phone
/// (the outbox holds the texts sealed; the tests' fixed clock gives several codes one time, so the live one is found
/// by its hash).
func signInCode(_ app: Application, _ phone: String) async throws -> String {
    let cipher = app.jiujin.cipher
    let hash = cipher.lookupHash(phone)
    let sql = try sqlDatabase(app.db)
    let live = try await sql.raw("SELECT code_hash FROM resident_codes WHERE phone_hash = \(bind: hash) AND used_at IS NULL").all()
        .map { try $0.decode(column: "code_hash", as: String.self) }
    let texts = try await sql.raw("SELECT text FROM notifications WHERE kind = 'sign_in_code' AND phone_hash = \(bind: hash)").all()
        .compactMap { try cipher.open(try $0.decode(column: "text", as: String.self), column: "notifications.text") }
    let codes = texts.compactMap { text in text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init) }
    return try #require(codes.first { live.contains(ResidentSignIn.codeHash($0, phoneHash: hash, cipher: cipher)) } ?? codes.first)
}

/// The query code (查询密码) printed on a case's receipt.
func queryCode(_ app: Application, _ number: String) async throws -> String {
    try #require(try await CaseRows.queryCode(number: number, on: try sqlDatabase(app.db))?.code)
}

/// A browser: keeps cookies, posts forms with the page's CSRF token.
final class WebClient: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?

    init(app: Application) { self.app = app }

    struct Page {
        var status: HTTPStatus
        var location: String?
        var html: String
    }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(.GET, path, form: nil)
    }

    @discardableResult
    func post(_ path: String, _ form: [(String, String)], csrf override: String? = nil, withCSRF: Bool = true) async throws -> Page {
        var fields = form
        if withCSRF { fields.append(("_csrf", override ?? csrf ?? "")) }
        return try await send(.POST, path, form: fields)
    }

    /// Posts a multipart form with one file, as a browser's upload form does (the page's CSRF token included).
    @discardableResult
    /// A multipart form with several files (`field`, file name, content) and plain fields, with the session's CSRF token.
    func upload(_ path: String, files: [(field: String, name: String, data: Data)], fields: [(String, String)] = []) async throws -> Page {
        let (body, type) = multipart(files: files, fields: fields + [("_csrf", csrf ?? "")])
        return try await send(.POST, path, form: nil, raw: (body, type))
    }

    func upload(_ path: String, file: Data, name: String, fields: [(String, String)] = []) async throws -> Page {
        let boundary = "----jiujin" + UUID().uuidString
        var body = Data()
        for (k, v) in fields + [("_csrf", csrf ?? "")] {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file + Data("\r\n--\(boundary)--\r\n".utf8)
        return try await send(.POST, path, form: nil, raw: (body, "multipart/form-data; boundary=\(boundary)"))
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]?, raw: (Data, String)? = nil) async throws -> Page {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        var body: ByteBuffer?
        if let form {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let encoded = form.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&")
            body = ByteBuffer(string: encoded)
            headers.contentType = .urlEncodedForm
        } else if let raw {
            body = ByteBuffer(data: raw.0)
            headers.replaceOrAdd(name: .contentType, value: raw.1)
        }
        let res = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in res.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) } else if pair.count == 1 { cookies[String(pair[0])] = "" }
            if header.contains("Max-Age=0") { cookies.removeValue(forKey: String(pair[0])) }
        }
        let html = String(buffer: res.body)
        if let r = html.range(of: "name=\"_csrf\" value=\"") {
            let rest = html[r.upperBound...]
            csrf = String(rest[..<rest.firstIndex(of: "\"")!])
        }
        return Page(status: res.status, location: res.headers.first(name: .location), html: html)
    }

    func signIn(_ username: String, password: String = DemoCounty.demoPassword) async throws -> Page {
        try await get("/login")
        return try await post("/login", [("username", username), ("password", password), ("next", "/")])
    }
}


/// A multipart/form-data body and its content type.
func multipart(files: [(field: String, name: String, data: Data)], fields: [(String, String)] = []) -> (Data, String) {
    let boundary = "----jiujin" + UUID().uuidString
    var body = Data()
    for (k, v) in fields {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
    }
    for f in files {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(f.field)\"; filename=\"\(f.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += f.data + Data("\r\n".utf8)
    }
    body += Data("--\(boundary)--\r\n".utf8)
    return (body, "multipart/form-data; boundary=\(boundary)")
}
