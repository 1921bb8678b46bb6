import Fluent
import Foundation
import JiujinCore
@testable import JiujinServer
import SQLKit
import Testing
import VaporTesting

@Suite struct OperationsTests {
    @Test func healthAndMetrics() async throws {
        try await withJiujin { _, c in
            let h = try await c.send(.GET, "/healthz", token: try await c.login("admin"))
            #expect(h.status == .ok && h.string("status") == "ok")
            #expect((h["calendarYears"] as? [Int]) == [2025, 2026])
            _ = try await c.send(.GET, "/api/v1/items?q=yyzz")
            let m = try await c.send(.GET, "/metrics")
            #expect(m.status == .ok)
            #expect(m.text.contains("jiujin_http_requests_total"))
            #expect(m.text.contains("route=\"/api/v1/items\""))
            #expect(m.text.contains("jiujin_cases{status=\"accepted\"} 0"))
            #expect(m.text.contains("jiujin_catalog_items 94"))
        }
    }

    @Test func unknownRoutesAndMethodsAreJSONErrors() async throws {
        try await withJiujin(demo: false) { _, c in
            let missing = try await c.send(.GET, "/api/v1/nothing-here")
            #expect(missing.status == .notFound && missing.errorCode == "not_found")
            // A known path asked with a method it does not answer: 405 naming the methods it does.
            let wrongMethod = try await c.send(.DELETE, "/api/v1/items")
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.errorCode == "method_not_allowed")
            #expect(wrongMethod.headers.first(name: .allow) == "GET, HEAD, OPTIONS")
            let withParameter = try await c.send(.PUT, "/api/v1/cases/\(UUID())/actions")
            #expect(withParameter.status == .methodNotAllowed && withParameter.headers.first(name: .allow) == "OPTIONS, POST")
            let options = try await c.send(.OPTIONS, "/api/v1/delegations")
            #expect(options.status == .noContent && options.headers.first(name: .allow) == "GET, HEAD, OPTIONS, POST")
            let page = try await c.send(.PATCH, "/login")
            #expect(page.status == .methodNotAllowed)
            #expect(try await c.send(.TRACE, "/api/v1/nothing-here").status == .notFound)
        }
    }

    /// Every API route the server registers is described in openapi.yaml, with its method (pages are not API).
    @Test func theOpenAPIDocumentDescribesEveryRoute() async throws {
        try await withJiujin(demo: false) { app, c in
            let doc = try await c.send(.GET, "/api/openapi.yaml")
            #expect(doc.status == .ok)
            #expect(doc.text.hasPrefix("openapi: 3.1.0"))
            var sections: [String: [String]] = [:]
            var current: String?
            for line in doc.text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("  /") && line.hasSuffix(":") {
                    current = String(line.dropFirst(2).dropLast())
                    sections[current!] = []
                } else if !line.hasPrefix(" ") && !line.isEmpty {
                    current = nil
                } else if let c = current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                    sections[c]?.append(String(line.trimmingCharacters(in: .whitespaces).dropLast()))
                }
            }
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" else { continue }
                let methods = sections[path]
                #expect(methods != nil, "\(path) is not in openapi.yaml")
                #expect(methods?.contains(route.method.rawValue.lowercased()) == true, "\(route.method) \(path) is not in openapi.yaml")
            }
        }
    }

    @Test func tamperingWithAStoredEventIsNamedByTheAudit() async throws {
        try await withJiujin { app, c in
            let agent = try await c.login("dl-100201")
            let created = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("MZJ0508"))
            let other = try await c.send(.POST, "/api/v1/cases", token: agent, json: TestClient.intake("SCJ0701"))
            #expect(created.status == .created && other.status == .created)
            let clean = try await AuditVerifier.verify(app)
            #expect(clean.firstProblem == nil && clean.casesChecked == 2 && clean.eventsChecked == 3)
            let id = try #require(UUID(uuidString: created.string("id") ?? ""))
            let number = try #require(created.string("number"))
            let sql = try #require(app.db as? SQLDatabase)
            // The database itself refuses to change or delete events…
            await #expect(throws: (any Error).self) {
                try await sql.update("case_events").set("comment", to: SQLBind("改过的记录")).where("case_id", .equal, SQLBind(id)).run()
            }
            await #expect(throws: (any Error).self) { try await sql.delete(from: "case_events").run() }
            #expect(try await AuditVerifier.verify(app).firstProblem == nil)
            // …so an intruder first removes the guard; the hash chain still tells.
            try await M007_AppendOnlyRecords.unprotect(["case_events"], on: sql)
            try await sql.update("case_events").set("comment", to: SQLBind("改过的记录"))
                .where("case_id", .equal, SQLBind(id)).where("sequence", .equal, SQLBind(2)).run()
            let report = try await AuditVerifier.verify(app)
            let problem = try #require(report.firstProblem)
            #expect(problem.contains(number) && problem.contains("第 2 条事件"), "\(problem)")
        }
    }

    @Test func migrationsRevertAndReapply() async throws {
        try await withJiujin(demo: false) { app, _ in
            try await app.autoRevert()
            try await app.autoMigrate()
            #expect(try await CaseModel.query(on: app.db).count() == 0)
        }
    }
}

@Suite struct DatabaseSelectionTests {
    /// When TEST_DATABASE_URL is set the suite must really run on PostgreSQL.
    @Test func theSuiteRunsOnTheDatabaseItWasAskedFor() async throws {
        try await withJiujin(demo: false) { app, _ in
            let sql = try #require(app.db as? SQLDatabase)
            let wantsPostgres = !(Environment.get("TEST_DATABASE_URL") ?? "").isEmpty
            #expect(sql.dialect.name == (wantsPostgres ? "postgresql" : "sqlite"))
        }
    }
}
