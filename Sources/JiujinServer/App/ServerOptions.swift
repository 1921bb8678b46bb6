import Foundation
import JiujinCore
import Vapor

/// How the server is started: every setting jiujin reads from its environment,
/// read once, here (README lists them). Nothing else reads the environment.
public struct ServerOptions: Sendable {
    public enum Storage: Sendable {
        /// A SQLite file in the data directory.
        case sqliteFile(directory: String)
        /// A throwaway SQLite database (tests).
        case sqliteMemory
        /// PostgreSQL; `schema`, when set, is created and used as the search path (tests run side by side this way).
        case postgres(url: String, schema: String? = nil)
    }

    public var storage: Storage
    /// Load the demo county when the database is empty.
    public var loadDemo: Bool
    /// Fixed clock for tests; nil = the real time.
    public var fixedNow: Date?
    /// Run the notification dispatcher in the background (tests drive it by hand).
    public var backgroundJobs: Bool
    /// JIUJIN_DATA_DIR: the SQLite file and, without JIUJIN_SEAL_KEY, the seal master key file.
    public var dataDirectory: String
    /// JIUJIN_NOTIFY_WEBHOOK: post applicant messages as JSON here; nil = write them to the log.
    public var notifyWebhook: String?
    /// JIUJIN_SECURE_COOKIES=1: session cookies are marked Secure (behind HTTPS).
    public var secureCookies: Bool
    /// JIUJIN_SEAL_KEY: the master key (base64, 32 bytes) sealing the seal signing keys at rest.
    public var sealKey: String?
    /// JIUJIN_PUBLIC_URL: the address printed in QR codes, without a trailing slash.
    public var publicURL: String?
    /// Where this server listens (`http://127.0.0.1:8080`), set by `jiujin serve`: the address QR codes of the demo
    /// county use when JIUJIN_PUBLIC_URL is not set. Never the request's Host header.
    public var listenBase: String?
    /// JIUJIN_AUDIT_DIR: where signed audit checkpoints are written (default `<data dir>/audit-checkpoints`). Put it
    /// where the database's users cannot write, or copy the files off the machine.
    public var auditDirectory: String
    /// JIUJIN_FILES_DIR: where material files are stored by their SHA-256 (several processes on PostgreSQL share it).
    public var filesDirectory: String
    /// JIUJIN_MAX_FILE_MB, JIUJIN_MAX_CASE_MB: how large one material file, and all the files of one case, may be.
    public var fileLimits = FileLimits.standard
    /// JIUJIN_FOLLOWUP_DAYS: working days a bad rating's follow-up gets (1–30).
    public var followUpDays: Int
    /// JIUJIN_COMPLAINT_DAYS: working days within which a complaint is answered (1–30, default 5).
    public var complaintDays = 5
    /// JIUJIN_HOME: the folder holding Resources/Views and Public.
    public var home: String?
    /// JIUJIN_ENV: Vapor's environment name (production, development, testing).
    public var environmentName: String
    /// LOG_LEVEL: trace … critical; nil = info.
    public var logLevel: String?
    /// JIUJIN_WRITE_QUEUE_LIMIT: writes that may wait at once; beyond it a write is refused with 503 at once.
    public var writeQueueLimit: Int
    /// JIUJIN_WRITE_BATCH: the most units of work one SQLite transaction commits together.
    public var writeBatch: Int
    /// JIUJIN_DB_POOL: PostgreSQL connections per event loop (one event loop per core).
    public var postgresPool: Int
    /// JIUJIN_CLIENT_IP_HEADER: the header a trusted reverse proxy puts the client's address in (X-Real-IP,
    /// X-Forwarded-For); nil = the connection's peer address.
    public var clientIPHeader: String?
    /// JIUJIN_RATE_LIMIT_SCALE: multiplies every rate limit; 0 switches them off (load tests on loopback).
    public var rateLimitScale: Double
    /// JIUJIN_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// JIUJIN_ADMIN_PASSWORD: the password `jiujin create-admin` sets instead of printing an activation code.
    public var adminPassword: String?
    /// Bcrypt cost of every password hash, the stand-in for unknown names included (tests lower it).
    public var passwordCost: Int

    public init(storage: Storage, loadDemo: Bool = true, fixedNow: Date? = nil, backgroundJobs: Bool = true,
                dataDirectory: String = "./data", notifyWebhook: String? = nil, secureCookies: Bool = false, sealKey: String? = nil,
                publicURL: String? = nil, followUpDays: Int = 5, home: String? = nil, environmentName: String = "production",
                logLevel: String? = nil, writeQueueLimit: Int = 512, writeBatch: Int = 128, postgresPool: Int = 4,
                clientIPHeader: String? = nil, rateLimitScale: Double = 1, passwordCost: Int = 12, metricsToken: String? = nil) {
        self.storage = storage
        self.loadDemo = loadDemo
        self.fixedNow = fixedNow
        self.backgroundJobs = backgroundJobs
        self.dataDirectory = dataDirectory
        self.notifyWebhook = notifyWebhook
        self.secureCookies = secureCookies
        self.sealKey = sealKey
        self.publicURL = publicURL
        auditDirectory = dataDirectory + "/audit-checkpoints"
        filesDirectory = dataDirectory + "/files"
        self.followUpDays = followUpDays
        self.home = home
        self.environmentName = environmentName
        self.logLevel = logLevel
        self.writeQueueLimit = writeQueueLimit
        self.writeBatch = writeBatch
        self.postgresPool = postgresPool
        self.clientIPHeader = clientIPHeader
        self.rateLimitScale = rateLimitScale
        self.passwordCost = passwordCost
        self.metricsToken = metricsToken
    }

    /// The variables jiujin reads, with what they mean (for `--help` and the README).
    public static let variables: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "use PostgreSQL, e.g. postgres://jiujin:secret@db:5432/jiujin"),
        ("JIUJIN_DATA_DIR", "where jiujin.sqlite and the seal master key file live (default ./data)"),
        ("JIUJIN_HOME", "the folder holding Resources/Views and Public (default: the current directory)"),
        ("JIUJIN_ENV", "production (default), development or testing"),
        ("LOG_LEVEL", "trace … critical (default info)"),
        ("JIUJIN_NOTIFY_WEBHOOK", "post applicant messages as JSON to this URL"),
        ("JIUJIN_SECURE_COOKIES", "1 marks session cookies Secure"),
        ("JIUJIN_SEAL_KEY", "master key, 32 bytes in base64, sealing the seal signing keys"),
        ("JIUJIN_PUBLIC_URL", "the address printed in QR codes"),
        ("JIUJIN_FOLLOWUP_DAYS", "working days a bad rating's follow-up gets (default 5)"),
        ("JIUJIN_WRITE_QUEUE_LIMIT", "writes that may wait at once before new ones get 503 (default 512)"),
        ("JIUJIN_WRITE_BATCH", "the most writes SQLite commits in one transaction (default 128)"),
        ("JIUJIN_DB_POOL", "PostgreSQL connections per event loop, one loop per core (default 4)"),
        ("JIUJIN_CLIENT_IP_HEADER", "behind a reverse proxy: the header it writes the client address to (X-Real-IP, X-Forwarded-For)"),
        ("JIUJIN_METRICS_TOKEN", "when set, /metrics answers only Authorization: Bearer <this token>"),
        ("JIUJIN_ADMIN_PASSWORD", "jiujin create-admin only: the administrator's password, instead of an activation code"),
        ("JIUJIN_AUDIT_DIR", "where the daily signed audit checkpoints are written (default <JIUJIN_DATA_DIR>/audit-checkpoints)"),
        ("JIUJIN_FILES_DIR", "where material files (scans, photos, PDFs) are kept by their SHA-256 (default <JIUJIN_DATA_DIR>/files)"),
        ("JIUJIN_MAX_FILE_MB", "the largest material file accepted, in MB (default 10)"),
        ("JIUJIN_MAX_CASE_MB", "the most all the material files of one case may hold, in MB (default 50)"),
        ("JIUJIN_RATE_LIMIT_SCALE", "multiplies the rate limits of sign-in and the public pages (default 1; 0 = off)"),
    ]

    /// Reads the environment once. DATABASE_URL selects PostgreSQL, otherwise a SQLite file in JIUJIN_DATA_DIR.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, loadDemo: Bool = true) -> ServerOptions {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let dataDirectory = value("JIUJIN_DATA_DIR") ?? "./data"
        let storage: Storage = value("DATABASE_URL").map { .postgres(url: $0) } ?? .sqliteFile(directory: dataDirectory)
        let followUp = value("JIUJIN_FOLLOWUP_DAYS").flatMap(Int.init).flatMap { (1...30).contains($0) ? $0 : nil } ?? 5
        var publicURL = value("JIUJIN_PUBLIC_URL")
        while publicURL?.hasSuffix("/") == true { publicURL?.removeLast() }
        var options = ServerOptions(storage: storage, loadDemo: loadDemo, dataDirectory: dataDirectory, notifyWebhook: value("JIUJIN_NOTIFY_WEBHOOK"),
                             secureCookies: value("JIUJIN_SECURE_COOKIES") == "1", sealKey: value("JIUJIN_SEAL_KEY"), publicURL: publicURL,
                             followUpDays: followUp, home: value("JIUJIN_HOME"), environmentName: value("JIUJIN_ENV") ?? "production",
                             logLevel: value("LOG_LEVEL"),
                             writeQueueLimit: value("JIUJIN_WRITE_QUEUE_LIMIT").flatMap(Int.init).flatMap { (1...100_000).contains($0) ? $0 : nil } ?? 512,
                             writeBatch: value("JIUJIN_WRITE_BATCH").flatMap(Int.init).flatMap { (1...10_000).contains($0) ? $0 : nil } ?? 128,
                             postgresPool: value("JIUJIN_DB_POOL").flatMap(Int.init).flatMap { (1...64).contains($0) ? $0 : nil } ?? 4,
                             clientIPHeader: value("JIUJIN_CLIENT_IP_HEADER"),
                             rateLimitScale: value("JIUJIN_RATE_LIMIT_SCALE").flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 && $0 <= 1000 ? $0 : nil } ?? 1,
                             metricsToken: value("JIUJIN_METRICS_TOKEN"))
        if let audit = value("JIUJIN_AUDIT_DIR") { options.auditDirectory = audit }
        if let files = value("JIUJIN_FILES_DIR") { options.filesDirectory = files }
        let mb = { (name: String) in value(name).flatMap(Int.init).flatMap { (1...1024).contains($0) ? $0 * 1024 * 1024 : nil } }
        if let perFile = mb("JIUJIN_MAX_FILE_MB") { options.fileLimits.perFile = perFile }
        if let perCase = mb("JIUJIN_MAX_CASE_MB") { options.fileLimits.perCase = perCase }
        options.adminPassword = value("JIUJIN_ADMIN_PASSWORD")
        if let days = value("JIUJIN_COMPLAINT_DAYS").flatMap(Int.init), (1...30).contains(days) { options.complaintDays = days }
        return options
    }
}
