import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import JiujinCore
import SQLKit
import Vapor

/// Sets up a jiujin application: database, migrations, demo data, middleware and routes.
/// `serving`: false for the maintenance commands (migrate, verify-audit…), which must not change accounts.
public func configure(_ app: Application, options: ServerOptions, serving: Bool = true) async throws {
    // A real county prints its address in every QR code and must be reached over https.
    if serving && !options.loadDemo {
        guard let url = options.publicURL, url.lowercased().hasPrefix("https://"), url.count > "https://".count else {
            throw ConfigurationError("JIUJIN_PUBLIC_URL (https://…) is required without the demo county: QR codes on receipts and "
                                      + "certificates print it")
        }
    }
    // Templates and assets live in Resources/Views and Public; JIUJIN_HOME points there when jiujin runs elsewhere.
    if let home = options.home {
        app.directory = DirectoryConfiguration(workingDirectory: home.hasSuffix("/") ? home : home + "/")
    }
    // SQL is not logged (PostgreSQL: only at trace level): its bound values carry names, ID numbers and phone numbers.
    // SQLite: readers share a pool; one more connection, on one event loop, is the single writer's (group commit).
    var writer: (@Sendable () -> Database)?
    switch options.storage {
    case .sqliteFile, .sqliteMemory:
        let config: SQLiteConfiguration
        if case .sqliteFile(let directory) = options.storage {
            try DataDirectory.prepare(directory)
            if serving {
                guard let lock = DataDirectoryLock(directory: directory) else {
                    throw Abort(.internalServerError, reason: "another jiujin is serving \(directory); one server per SQLite data directory")
                }
                app.storage[DataDirectoryLockKey.self] = lock
            }
            config = .file(URL(fileURLWithPath: directory).appendingPathComponent("jiujin.sqlite").path)
        } else {
            config = .init(storage: .memory(identifier: UUID().uuidString))
        }
        app.databases.use(.sqlite(config, sqlLogLevel: nil), as: .sqlite)
        app.databases.use(.sqlite(config, sqlLogLevel: nil), as: .jiujinWriter, isDefault: false)
        let loop = app.eventLoopGroup.next()
        let databases = app.databases
        let logger = app.logger
        writer = { databases.database(.jiujinWriter, logger: logger, on: loop)! }
    case .postgres(let url, let schema):
        var config = try SQLPostgresConfiguration(url: url)
        if let schema { config.searchPath = [schema, "public"] }
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: options.postgresPool, sqlLogLevel: .trace), as: .psql)
        if let schema, let sql = app.db as? SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
    }
    let isSQLite = writer != nil
    let sender: any NotificationSender
    if let hook = options.notifyWebhook {
        sender = WebhookSender(url: URI(string: hook), client: app.client)
    } else {
        sender = LogSender(logger: Logger(label: "jiujin.notifications"))
    }
    let context = JiujinContext(options: options, writer: writer, sender: sender,
                                masterKey: try SealKeys.masterKey(options: options, logger: app.logger))
    app.storage[JiujinContextKey.self] = context

    if isSQLite, let sql = app.db as? SQLDatabase, let write = writer?() as? SQLDatabase {
        // WAL lets readers go on while the writer writes; FULL syncs every commit, so an acknowledged case survives
        // power loss (it is also SQLite's compiled default, set here on the write connection to be explicit).
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await write.raw("PRAGMA synchronous=FULL").run()
    }
    addMigrations(app)
    try await app.autoMigrate()
    try await StoredDataUpgrades.run(app.db, ctx: context)
    if options.loadDemo, try await DemoSeeder.isEmpty(app.db) {
        try await DemoSeeder.seed(app.db, context: context)
        try await context.reloadDirectory(app.db)
        try await DemoSeeder.seedLibrary(app.db, context: context)
        app.logger.info("demo county loaded (演示数据)")
    }
    // Without the demo, the demo password is refused at sign-in (TokenService), so no account needs checking here:
    // bcrypt over every account at start would take minutes for a county's 3,000 staff.
    try await context.reloadDirectory(app.db)
    try await context.reloadCalendar(app.db)

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(https: options.secureCookies))
    app.middleware.use(RequestLogMiddleware(metrics: context.metrics))
    app.middleware.use(JSONErrorMiddleware())
    app.middleware.use(WebErrorMiddleware())
    app.middleware.use(InputLimitsMiddleware())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(BearerAuthMiddleware())
    app.middleware.use(MethodNotAllowedMiddleware())
    // Every form and JSON body of jiujin is a few KB; a route that takes files sets its own limit.
    app.routes.defaultMaxBodySize = "64kb"
    try routes(app)
    app.storage[AllowedMethods.Key.self] = AllowedMethods(routes: app.routes.all)
    // Access and verification records are written in batches once a second, and what is left at shutdown.
    app.lifecycle.use(RepeatingJob("writing buffered records", every: .seconds(1),
                                   round: { try await $0.jiujin.records.flush($0.db) },
                                   atShutdown: { try await $0.jiujin.records.flush($0.db) }))
    if options.backgroundJobs {
        // The outbox dispatcher (tests drive it by hand).
        app.lifecycle.use(RepeatingJob("notification round", every: .seconds(2),
                                       round: { app in _ = try await app.jiujin.dispatcher.runOnce(db: app.db, now: app.jiujin.now()) }))
        // Another process (a second jiujin on the same PostgreSQL, an import, hand-made SQL) may change the
        // directory: reload when its version row moved on. Writes do not depend on this: they confirm the version.
        app.lifecycle.use(RepeatingJob("directory refresh", every: .seconds(1), round: { try await $0.jiujin.refreshIfStale($0.db) }))
        // A signed checkpoint of every chain head once a day (checked every ten minutes), outside the database.
        app.lifecycle.use(RepeatingJob("audit checkpoint", every: .seconds(600), round: { app in
            let anchors = AuditCheckpoints(directory: app.jiujin.options.auditDirectory, keys: app.jiujin.audit)
            if try anchors.isDue(now: app.jiujin.now()) {
                try await anchors.write(app.db, now: app.jiujin.now(), logger: app.logger, onlyIfDue: true)
            }
        }))
    }
}

func addMigrations(_ app: Application) {
    app.migrations.add(M001_CreateDirectory())
    app.migrations.add(M002_CreateCatalog())
    app.migrations.add(M003_CreateStaff())
    app.migrations.add(M004_CreateCases())
    app.migrations.add(M005_CreateCalendar())
    app.migrations.add(M006_CreateIndexes())
    app.migrations.add(M007_AppendOnlyRecords())
    app.migrations.add(M008_CreateWorkbench())
    app.migrations.add(M009_CreateCertificates())
    app.migrations.add(M010_DirectoryVersion())
    app.migrations.add(M011_CaseListIndexes())
    app.migrations.add(M012_AccountsAndChanges())
    app.migrations.add(M013_AuditSeals())
    app.migrations.add(M014_PersonalDataAtRest())
    app.migrations.add(M015_RatingDevices())
    app.migrations.add(M016_CountyAdministration())
    app.migrations.add(M017_GuideVersions())
    app.migrations.add(M018_ResidentPortal())
}

/// The SQLite data directory holds every resident's case: only jiujin's own user may read it. The directory is
/// made (or tightened to) 0700, the database and its journal files 0600, and files jiujin makes later (WAL,
/// backups, the key) are private from the start (umask 077).
enum DataDirectory {
    static func prepare(_ directory: String) throws {
        umask(0o077)
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        for name in ["jiujin.sqlite", "jiujin.sqlite-wal", "jiujin.sqlite-shm", "seal-master.key"] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if files.fileExists(atPath: path) { try? files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        }
    }
}

struct DataDirectoryLockKey: StorageKey {
    typealias Value = DataDirectoryLock
}

extension DatabaseID {
    /// The single SQLite write connection.
    static let jiujinWriter = DatabaseID(string: "jiujin-writer")
}

/// Registers the migrations and runs them, without starting the server (`jiujin migrate`).
public func migrate(_ app: Application, options: ServerOptions) async throws {
    var quiet = options
    quiet.loadDemo = false
    try await configure(app, options: quiet, serving: false)
}
