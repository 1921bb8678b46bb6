import Fluent
import JiujinCore
import Vapor

/// The working-day calendar: arithmetic for anyone, new years for administrators.
struct CalendarController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("calendar", "add-working-days", use: addWorkingDays)
        routes.get("calendar", "years", use: years)
        routes.put("calendar", "years", ":year", use: putYear)
    }

    struct AddResult: Content {
        var from: String
        var days: Int
        var date: String
        var weekday: Int
        var warnings: [WarningView]
    }

    func addWorkingDays(req: Request) async throws -> AddResult {
        guard let rawFrom = req.queryText("from") else { throw APIError.invalid("from", "缺少起算日期 from（YYYY-MM-DD）", code: "missing_field") }
        guard let from = LocalDate(rawFrom) else { throw APIError.invalid("from", "起算日期格式应为 YYYY-MM-DD，且须为真实日期") }
        guard let rawDays = req.queryText("days") else { throw APIError.invalid("days", "缺少工作日天数 days", code: "missing_field") }
        guard let days = Int(rawDays) else { throw APIError.invalid("days", "工作日天数应为整数") }
        do {
            let answer = try req.jiujin.calendar.addWorkingDays(days, to: from)
            return AddResult(from: from.description, days: days, date: answer.value.description, weekday: answer.value.isoWeekday,
                             warnings: answer.warnings.map { WarningView(code: $0.code, message: $0.message) })
        } catch {
            throw APIError.invalid("days", error.message)
        }
    }

    struct YearView: Content {
        var year: Int
        var source: String
        var holidays: [CalendarYear.Holiday]
        var offDays: Int
        var makeUpWorkDays: Int
    }

    func years(req: Request) async throws -> [YearView] {
        let calendar = req.jiujin.calendar
        return calendar.coveredYears.compactMap { calendar.years[$0] }.map {
            YearView(year: $0.year, source: $0.source, holidays: $0.holidays, offDays: $0.offDays.count, makeUpWorkDays: $0.workDays.count)
        }
    }

    struct YearInput: Content {
        var source: String
        var holidays: [CalendarYear.Holiday]
    }

    /// Loads or replaces one year's official notice; administrators only.
    func putYear(req: Request) async throws -> YearView {
        let staff = try req.requireStaff([.administrator])
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw APIError.invalid("year", "年份应为整数") }
        let input = try req.content.decode(YearInput.self)
        guard !input.source.trimmed.isEmpty, input.source.count <= 300 else {
            throw APIError.invalid("source", "请填写发文依据（如国务院办公厅通知，300字以内）")
        }
        let notice = CalendarYear(year: year, source: input.source.trimmed, holidays: input.holidays)
        do { try notice.validate() } catch { throw APIError.invalid("holidays", error.message, code: "invalid_calendar") }
        let row = try CalendarYearModel(notice, loadedBy: staff.id)
        try await req.jiujin.write(req.db) { tx in
            try await CalendarYearModel.query(on: tx).filter(\.$id == year).delete()
            try await row.create(on: tx)
        }
        try await req.jiujin.reloadCalendar(req.db)
        return YearView(year: year, source: notice.source, holidays: notice.holidays, offDays: notice.offDays.count,
                        makeUpWorkDays: notice.workDays.count)
    }
}
