import ArgumentParser
import Foundation
import JiujinCore
import JiujinServer
import Logging
import Vapor

/// jiujin's command line (swift-argument-parser): `jiujin serve` by default.
@main
struct Jiujin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jiujin",
        abstract: "就近办 jiujin: a county's grassroots government services on one catalog, one case file and one seal registry.",
        discussion: "Settings come from the environment, read once at start:\n\n"
            + ServerOptions.variables.map { "  \($0.name)\n      \($0.meaning)" }.joined(separator: "\n"),
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, ImportCommand.self, ExportCommand.self, VerifyAudit.self, CheckpointCommand.self,
                      BackupCommand.self, RestoreCommand.self],
        defaultSubcommand: Serve.self)
}

/// Starts the server; with SQLite it migrates on start and loads the demo county into an empty database.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the workbench, the public pages and the API.",
        discussion: "With SQLite (the default) the schema is migrated on start. With DATABASE_URL run `jiujin migrate` first.")

    @ArgumentParser.Option(name: [.customLong("hostname"), .customShort("H")], help: "The address to listen on.")
    var hostname = "127.0.0.1"

    @ArgumentParser.Option(name: [.long, .short], help: "The port to listen on.")
    var port = 8080

    @ArgumentParser.Flag(name: .customLong("no-demo"),
          help: "Start without the demo county (JIUJIN_PUBLIC_URL required); the demo password never signs in, first passwords come from activation codes (jiujin create-admin).")
    var noDemo = false

    func run() async throws {
        var options = ServerOptions.fromEnvironment(loadDemo: !noDemo)
        options.listenBase = "http://\(hostname):\(port)"
        let app = try await JiujinApp.make(options, vaporArguments: ["serve", "--hostname", hostname, "--port", String(port)])
        do {
            try await configure(app, options: options)
            print(Self.banner(host: hostname, port: port, demo: !noDemo, options: options))
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            if let e = error as? ConfigurationError {
                FileHandle.standardError.write(Data("jiujin 未启动 / not started: \(e.description)\n".utf8))
                throw ExitCode(2)
            }
            throw error
        }
        try await app.asyncShutdown()
    }

    static func banner(host: String, port: Int, demo: Bool, options: ServerOptions) -> String {
        var lines = ["", "就近办 jiujin 已启动：http://\(host):\(port)",
                     "  接口说明 OpenAPI: http://\(host):\(port)/api/openapi.yaml  健康检查: /healthz  指标: /metrics"]
        switch options.storage {
        case .sqliteFile(let dir): lines.append("  数据库：SQLite \(dir)/jiujin.sqlite")
        case .postgres: lines.append("  数据库：PostgreSQL（DATABASE_URL）")
        case .sqliteMemory: lines.append("  数据库：内存 SQLite")
        }
        if demo {
            lines += ["", "演示账号（演示数据，密码均为 \(DemoCounty.demoPassword)）：",
                      "  admin           系统管理员（县行政审批服务局）",
                      "  jiandu          监督管理人员",
                      "  ck-county-1     县政务服务中心综合受理窗口",
                      "  ck-100          青石镇便民服务中心窗口      sp-100   青石镇审批人员",
                      "  dl-100201       青石镇王官庄村帮办代办员",
                      "  sp-scjg         县市场监督管理局审批人员    （其余部门 sp-<部门>，其余镇 ck-/sp-<镇代码>）",
                      "  登录接口：POST /api/v1/auth/token {\"username\":\"dl-100201\",\"password\":\"\(DemoCounty.demoPassword)\"}"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Creates or updates the schema and does nothing else.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or update the database schema, nothing else.")

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        try await JiujinApp.run(options, command: "migrate") { app in
            try await JiujinServer.migrate(app, options: options)
            print("数据库迁移完成 / migrations applied")
        }
    }
}

/// The first administrator, or a fresh activation code for one (创建管理员).
struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an administrator account, or give an existing one a new activation code (创建管理员).",
        discussion: "Prints a one-time activation code (valid 7 days); the administrator sets a password with it at /activate. "
            + "In an empty database give --county and --division to create the county and its approval bureau.")

    @ArgumentParser.Argument(help: "The account's username (letters, digits, - _ .).")
    var username: String

    @ArgumentParser.Option(name: .long, help: "The person's name, for a new account.")
    var name: String?

    @ArgumentParser.Option(name: .long, help: "The organisation id the account belongs to.")
    var org: String?

    @ArgumentParser.Option(name: .long, help: "The county's name, when the database has no organisations yet.")
    var county: String?

    @ArgumentParser.Option(name: .long, help: "The county's 12-digit division code, with --county.")
    var division: String?

    @ArgumentParser.Flag(name: .customLong("password-stdin"),
                         help: "Read the password from standard input (one line) instead of printing an activation code.")
    var passwordFromStdin = false

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        // Never a default: from standard input when asked, else JIUJIN_ADMIN_PASSWORD, else an activation code.
        let password = passwordFromStdin ? readLine(strippingNewline: true) ?? "" : options.adminPassword
        let (username, name, org, county, division) = (self.username, self.name, self.org, self.county, self.division)
        let outcome = try await JiujinApp.maintain(options, command: "create-admin", refusal: "创建管理员失败 / create-admin refused") { app in
            try await FirstAdministrator.run(app, username: username, name: name, orgId: org, county: county, division: division, password: password)
        }
        guard let code = outcome.code else {
            print("\(outcome.created ? "已创建管理员 / administrator created" : "已更新管理员密码 / password set for"): "
                  + "\(outcome.username)（\(outcome.orgName)），可直接登录 / sign in with the password given")
            return
        }
        print("""
            \(outcome.created ? "已创建管理员 / administrator created" : "已重置管理员 / new activation code for"): \(outcome.username)（\(outcome.orgName)）
            激活码 / activation code: \(code)
            有效期至 / valid until: \(outcome.expiresAt)
            请在 /activate 页面用此激活码设置密码；激活码只显示这一次。
            """)
    }
}

/// Loads the county's own places and people from a workbook (导入).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the county's regions, organisations and staff from an .xlsx workbook or CSV files (导入).",
        discussion: "Sheets 区划, 机构, 人员 (a folder of CSV files named after the sheets works too). Everything is checked "
            + "first: any problem is listed by sheet, row and column, and nothing is imported (exit 2). Re-importing is keyed "
            + "by codes and changes only what changed. New accounts get one-time activation codes.")

    @ArgumentParser.Argument(help: "The .xlsx workbook, a .csv file, or a folder of .csv files.")
    var file: String

    @ArgumentParser.Flag(name: .long, help: "Check and report what would change, store nothing.")
    var dryRun = false

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        let (file, dryRun) = (self.file, self.dryRun)
        let report = try await JiujinApp.maintain(options, command: "import", refusal: "导入失败 / import refused") { app in
            try await CountyImport.run(app, path: file, dryRun: dryRun)
        }
        if report.failed {
            FileHandle.standardError.write(Data((report.lines.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(2)
        }
        print(report.lines.joined(separator: "\n"))
    }
}

/// Writes the county's places and people as a workbook, or the empty template (导出、导入模板).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the county's regions, organisations and staff as an .xlsx workbook, or with --template the import template.",
        discussion: "The export is what `jiujin import` reads: importing it changes nothing. The template has one example row per sheet "
            + "and drop-down lists for every enumerated column.")

    @ArgumentParser.Argument(help: "The .xlsx file to write (must not exist).")
    var file: String

    @ArgumentParser.Flag(name: .long, help: "Write the empty template with example rows instead.")
    var template = false

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        let (file, template) = (self.file, self.template)
        print(try await JiujinApp.maintain(options, command: "export", refusal: "导出失败 / export refused") { app in
            try await CountyExport.run(app, path: file, template: template)
        })
    }
}

/// Walks every case's hash chain; exit 0 when all hold, 2 naming the first broken event.
struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit",
        abstract: "Check every case's event chain, its keyed seals and the signed checkpoints (审计校验).",
        discussion: "Exit status 0 when every chain holds; 2 naming the first broken event (edited, deleted or appended) or "
            + "the first case that disagrees with a checkpoint. Checkpoints are read from JIUJIN_AUDIT_DIR or --checkpoints.")

    @ArgumentParser.Option(name: .long, help: "A directory of checkpoint files (e.g. a copy kept off the machine).")
    var checkpoints: String?

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        var problem: String?
        try await JiujinApp.run(options, command: "verify-audit") { app in
            try await JiujinServer.migrate(app, options: options)
            let report = try await AuditVerifier.verify(app, checkpointDirectory: checkpoints)
            problem = report.firstProblem
            if problem == nil {
                print("审计校验通过 / audit chain intact: \(report.casesChecked) 件办件，\(report.eventsChecked) 条事件，"
                      + "\(report.checkpointsChecked) 个审计锚点，\(report.filesChecked) 个材料文件")
            }
        }
        if let problem {
            FileHandle.standardError.write(Data("审计校验失败 / audit chain broken: \(problem)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Writes a signed checkpoint of every case's chain head now (审计锚点); `serve` writes one a day by itself.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Write a signed checkpoint of every case's chain head now (审计锚点).",
        discussion: "The file goes to JIUJIN_AUDIT_DIR (default <JIUJIN_DATA_DIR>/audit-checkpoints); copy it off the machine.")

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        let cp = try await JiujinApp.maintain(options, command: "checkpoint", refusal: "审计锚点未写入 / checkpoint refused") { app in
            try await AuditCheckpoint.write(app)
        }
        print("审计锚点已写入 / checkpoint written: \(cp.cases) 件办件，根哈希 \(cp.root)，其中 \(cp.changed.count) 件有变化")
    }
}

/// A consistent copy of the SQLite database while jiujin serves (备份).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to FILE while jiujin serves (备份).",
        discussion: "The copy is one consistent snapshot, checked and synced before it gets its name. The seal master key "
            + "(seal-master.key or JIUJIN_SEAL_KEY) is not in it: keep the key apart. PostgreSQL: use pg_dump -Fc.")

    @ArgumentParser.Argument(help: "The backup file to write (must not exist).")
    var file: String

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        let started = Date()
        do {
            let report = try await DatabaseBackup.backup(options: options, to: file) { fraction in
                FileHandle.standardError.write(Data("\r备份中 / backing up \(Int(fraction * 100))%".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("备份完成 / backup written: \(report.path), \(report.bytes) bytes, \(report.cases) 件办件, \(report.events) 条事件, "
                  + String(format: "%.1f s", Date().timeIntervalSince(started)))
        } catch let failure as DatabaseBackup.Failure {
            FileHandle.standardError.write(Data("备份失败 / backup failed: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Puts a backup in place of the SQLite database (恢复); the server must be stopped.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite database with the backup FILE (恢复); stop jiujin first.",
        discussion: "The backup is checked first. An existing database is replaced only with --force and is kept beside it "
            + "as jiujin.sqlite.replaced-<time>. Run jiujin verify-audit afterwards.")

    @ArgumentParser.Argument(help: "The backup file to restore.")
    var file: String

    @ArgumentParser.Flag(name: .long, help: "Replace an existing database.")
    var force = false

    func run() async throws {
        let options = ServerOptions.fromEnvironment(loadDemo: false)
        do {
            let report = try await DatabaseBackup.restore(options: options, from: file, force: force)
            print("恢复完成 / restored: \(report.path), \(report.cases) 件办件, \(report.events) 条事件")
        } catch let failure as DatabaseBackup.Failure {
            FileHandle.standardError.write(Data("恢复失败 / restore refused: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Making and closing the Vapor application for a command.
enum JiujinApp {
    static func make(_ options: ServerOptions, vaporArguments: [String]) async throws -> Application {
        // Request logs are at info level, so that is the default unless LOG_LEVEL says otherwise.
        var env = Environment(name: options.environmentName, arguments: ["jiujin"] + vaporArguments + ["--log", options.logLevel ?? "info"])
        try LoggingSystem.bootstrap(from: &env)
        return try await Application.make(env)
    }

    /// A maintenance command: the schema migrated, then `body`; a setting or input it refuses (`ConfigurationError`)
    /// is printed after `refusal` and exits 2.
    static func maintain<T: Sendable>(_ options: ServerOptions, command: String, refusal: String,
                                      _ body: @escaping (Application) async throws -> T) async throws -> T {
        var result: T?
        do {
            try await run(options, command: command) { app in
                try await JiujinServer.migrate(app, options: options)
                result = try await body(app)
            }
        } catch let e as ConfigurationError {
            FileHandle.standardError.write(Data("\(refusal): \(e.description)\n".utf8))
            throw ExitCode(2)
        }
        guard let result else { throw ExitCode(1) }
        return result
    }

    static func run(_ options: ServerOptions, command: String, _ body: (Application) async throws -> Void) async throws {
        let app = try await make(options, vaporArguments: [command])
        do {
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
