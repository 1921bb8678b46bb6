import Foundation
import JiujinCore
import Testing
@testable import JiujinServer
import VaporTesting

@Suite struct CalendarAPITests {
    @Test func addWorkingDaysAcrossEveryHolidayBoundary() async throws {
        let cases: [(String, Int, String)] = [
            ("2025-01-24", 1, "2025-01-26"), ("2025-01-27", 1, "2025-02-05"), ("2025-02-07", 1, "2025-02-08"),
            ("2025-04-03", 1, "2025-04-07"), ("2025-04-25", 1, "2025-04-27"), ("2025-04-30", 1, "2025-05-06"),
            ("2025-05-30", 1, "2025-06-03"), ("2025-09-26", 1, "2025-09-28"), ("2025-09-30", 1, "2025-10-09"),
            ("2025-10-10", 1, "2025-10-11"), ("2025-12-31", 1, "2026-01-04"), ("2026-02-13", 1, "2026-02-14"),
            ("2026-02-14", 1, "2026-02-24"), ("2026-02-27", 1, "2026-02-28"), ("2026-04-03", 1, "2026-04-07"),
            ("2026-04-30", 1, "2026-05-06"), ("2026-05-08", 1, "2026-05-09"), ("2026-06-18", 1, "2026-06-22"),
            ("2026-09-18", 1, "2026-09-20"), ("2026-09-24", 1, "2026-09-28"), ("2026-09-30", 1, "2026-10-08"),
            ("2026-10-09", 1, "2026-10-10"), ("2026-09-30", 20, "2026-11-03"), ("2026-11-20", 0, "2026-11-20"),
        ]
        try await withJiujin(demo: false) { _, c in
            for (from, days, expected) in cases {
                let r = try await c.send(.GET, "/api/v1/calendar/add-working-days?from=\(from)&days=\(days)")
                #expect(r.status == .ok)
                #expect(r.string("date") == expected, "\(from)+\(days)")
                #expect((r["warnings"] as? [Any])?.isEmpty == true)
            }
            let late = try await c.send(.GET, "/api/v1/calendar/add-working-days?from=2026-12-20&days=15")
            #expect(late.string("date") == "2027-01-08") // 2027-01-01 counts as a weekday until 2027 is loaded
            #expect((late["warnings"] as? [[String: Any]])?.first?["code"] as? String == "calendar_year_missing")
        }
    }

    @Test func badCalendarQueriesAreClearErrors() async throws {
        try await withJiujin(demo: false) { _, c in
            for q in ["from=2026-02-30&days=1", "from=20261120&days=1", "days=1", "from=2026-11-20", "from=2026-11-20&days=-1",
                      "from=2026-11-20&days=x", "from=2026-11-20&days=100000"] {
                let r = try await c.send(.GET, "/api/v1/calendar/add-working-days?\(q)")
                #expect(r.status == .unprocessableEntity, "\(q)")
                #expect(r.string("field") != nil && r.string("message") != nil, "\(q) \(r.text)")
            }
        }
    }

    @Test func onlyAdministratorsLoadAYearAndItTakesEffectAtOnce() async throws {
        try await withJiujin { _, c in
            let notice: [String: Any] = ["source": "国务院办公厅关于2027年部分节假日安排的通知（测试）", "holidays": [
                ["name": "元旦", "offFrom": "2027-01-01", "offTo": "2027-01-03", "workDays": []],
                ["name": "春节", "offFrom": "2027-02-05", "offTo": "2027-02-11", "workDays": ["2027-02-13"]],
            ]]
            let clerk = try await c.login("ck-county-1")
            #expect(try await c.send(.PUT, "/api/v1/calendar/years/2027", token: clerk, json: notice).status == .forbidden)
            #expect(try await c.send(.PUT, "/api/v1/calendar/years/2027", json: notice).status == .unauthorized)
            let admin = try await c.login("admin")
            let bad: [String: Any] = ["source": "x", "holidays": [["name": "春节", "offFrom": "2027-02-11", "offTo": "2027-02-05", "workDays": []]]]
            let rejected = try await c.send(.PUT, "/api/v1/calendar/years/2027", token: admin, json: bad)
            #expect(rejected.status == .unprocessableEntity && rejected.errorCode == "invalid_calendar")
            #expect(try await c.send(.GET, "/api/v1/calendar/years").array.count == 2)
            let ok = try await c.send(.PUT, "/api/v1/calendar/years/2027", token: admin, json: notice)
            #expect(ok.status == .ok)
            let r = try await c.send(.GET, "/api/v1/calendar/add-working-days?from=2027-02-04&days=1")
            #expect(r.string("date") == "2027-02-12")
            #expect((r["warnings"] as? [Any])?.isEmpty == true)
            #expect(try await c.send(.GET, "/api/v1/calendar/years").array.count == 3)
        }
    }
}
