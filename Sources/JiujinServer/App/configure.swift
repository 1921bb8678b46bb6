import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import JiujinCore
import SQLKit
import Vapor

/// Sets up a jiujin application: database, migrations, demo data, middleware and routes.
public func configure(_ app: Application, options: ServerOptions) async throws {
    // Templates and assets live in Resources/Views and Public; JIUJIN_HOME points there when jiujin runs elsewhere.
    if let home = options.home {
        app.directory = DirectoryConfiguration(workingDirectory: home.hasSuffix("/") ? home : home + "/")
    }
    // SQL is not logged (PostgreSQL: only at trace level): its bound values carry names, ID numbers and phone numbers.
    switch options.storage {
    case .sqliteFile(let directory):
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: directory).appendingPathComponent("jiujin.sqlite").path
        app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
    case .postgres(let url, let schema):
        var config = try SQLPostgresConfiguration(url: url)
        if let schema { config.searchPath = [schema, "public"] }
        app.databases.use(.postgres(configuration: config, sqlLogLevel: .trace), as: .psql)
        if let schema, let sql = app.db as? SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
    }
    let isSQLite: Bool
    if case .postgres = options.storage { isSQLite = false } else { isSQLite = true }
    let sender: any NotificationSender
    if let hook = options.notifyWebhook {
        sender = WebhookSender(url: URI(string: hook), client: app.client)
    } else {
        sender = LogSender(logger: Logger(label: "jiujin.notifications"))
    }
    let context = JiujinContext(options: options, serializeWrites: isSQLite, sender: sender,
                                masterKey: try SealKeys.masterKey(options: options, logger: app.logger))
    app.storage[JiujinContextKey.self] = context

    if isSQLite, let sql = app.db as? SQLDatabase {
        // WAL lets readers go on while one writer writes; FULL syncs every commit so an acknowledged case survives power loss.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA synchronous=FULL").run()
    }
    addMigrations(app)
    try await app.autoMigrate()
    if options.loadDemo, try await DemoSeeder.isEmpty(app.db) {
        try await DemoSeeder.seed(app.db, context: context)
        try await context.reloadDirectory(app.db)
        try await DemoSeeder.seedLibrary(app.db, context: context)
        app.logger.info("demo county loaded (演示数据)")
    } else if !options.loadDemo {
        let flagged = try await DefaultPasswords.flagForChange(app.db, door: context.door)
        if flagged > 0 { app.logger.notice("accounts on the demo password must change it at next sign-in", metadata: ["count": "\(flagged)"]) }
    }
    try await context.reloadDirectory(app.db)
    try await context.reloadCalendar(app.db)

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware(metrics: context.metrics))
    app.middleware.use(JSONErrorMiddleware())
    app.middleware.use(WebErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))
    app.middleware.use(BearerAuthMiddleware())
    app.routes.defaultMaxBodySize = "1mb"
    try routes(app)
    if options.backgroundJobs { app.lifecycle.use(NotificationLoop()) }
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
}

/// Registers the migrations and runs them, without starting the server (`jiujin migrate`).
public func migrate(_ app: Application, options: ServerOptions) async throws {
    var quiet = options
    quiet.loadDemo = false
    try await configure(app, options: quiet)
}
