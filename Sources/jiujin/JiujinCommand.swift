import Foundation
import JiujinCore
import JiujinServer
import Logging
import Vapor

/// jiujin's command line: serve, migrate, verify-audit.
@main
struct JiujinCommand {
    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        let command = args.first ?? "serve"
        if !args.isEmpty { args.removeFirst() }
        do {
            switch command {
            case "serve": try await serve(args)
            case "migrate": try await migrate()
            case "verify-audit": exit(try await verifyAudit())
            case "help", "--help", "-h": printUsage()
            default:
                FileHandle.standardError.write(Data("未知命令：\(command)\n".utf8))
                printUsage()
                exit(64)
            }
        } catch {
            FileHandle.standardError.write(Data("jiujin: \(String(describing: error))\n".utf8))
            exit(1)
        }
    }

    static func printUsage() {
        print("""
        用法 / usage:
          jiujin serve [--hostname 127.0.0.1] [--port 8080] [--no-demo]
          jiujin migrate
          jiujin verify-audit
        环境变量 / environment: JIUJIN_DATA_DIR (default ./data), DATABASE_URL (PostgreSQL), LOG_LEVEL
        """)
    }

    static func makeApp(_ arguments: [String]) async throws -> Application {
        // Request logs are at info level, so that is the default unless LOG_LEVEL or --log says otherwise.
        let logDefault = Environment.get("LOG_LEVEL") == nil && !arguments.contains("--log") ? ["--log", "info"] : []
        var env = Environment(name: Environment.get("JIUJIN_ENV") ?? "production", arguments: ["jiujin"] + arguments + logDefault)
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        // Templates and assets live in Resources/Views and Public beside the package; JIUJIN_HOME points there
        // when jiujin is started from another directory.
        if let home = Environment.get("JIUJIN_HOME"), !home.isEmpty {
            app.directory = DirectoryConfiguration(workingDirectory: home.hasSuffix("/") ? home : home + "/")
        }
        return app
    }

    static func serve(_ args: [String]) async throws {
        let noDemo = args.contains("--no-demo")
        let passThrough = args.filter { $0 != "--no-demo" }
        func value(_ flag: String, _ short: String) -> String? {
            guard let i = passThrough.firstIndex(where: { $0 == flag || $0 == short }), i + 1 < passThrough.count else { return nil }
            return passThrough[i + 1]
        }
        let host = value("--hostname", "-H") ?? "127.0.0.1"
        let port = value("--port", "-p") ?? "8080"
        let app = try await makeApp(["serve"] + passThrough)
        do {
            let options = ServerOptions.fromEnvironment(loadDemo: !noDemo)
            try await configure(app, options: options)
            print(banner(host: host, port: port, demo: !noDemo, options: options))
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func banner(host: String, port: String, demo: Bool, options: ServerOptions) -> String {
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

    static func migrate() async throws {
        let app = try await makeApp(["migrate"])
        do {
            try await JiujinServer.migrate(app, options: .fromEnvironment(loadDemo: false))
            print("数据库迁移完成 / migrations applied")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func verifyAudit() async throws -> Int32 {
        let app = try await makeApp(["verify-audit"])
        let code: Int32
        do {
            try await JiujinServer.migrate(app, options: .fromEnvironment(loadDemo: false))
            let report = try await AuditVerifier.verify(app.db)
            if let problem = report.firstProblem {
                FileHandle.standardError.write(Data("审计校验失败 / audit chain broken: \(problem)\n".utf8))
                code = 2
            } else {
                print("审计校验通过 / audit chain intact: \(report.casesChecked) 件办件，\(report.eventsChecked) 条事件")
                code = 0
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return code
    }
}
