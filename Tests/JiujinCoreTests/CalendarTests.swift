import Foundation
import Testing
@testable import JiujinCore

@Suite struct CalendarTests {
    let calendar = WorkingDayCalendar()

    func d(_ s: String) -> LocalDate { LocalDate(s)! }

    @Test func localDateRoundTripsAndWeekdays() {
        #expect(d("2026-11-21").isoWeekday == 6)
        #expect(d("1970-01-01").isoWeekday == 4)
        #expect(d("2024-02-29").description == "2024-02-29")
        #expect(LocalDate("2025-02-29") == nil)
        #expect(LocalDate("2025-13-01") == nil)
        #expect(LocalDate("2025-1-01") == nil)
        #expect(LocalDate("abcd-ef-gh") == nil)
        for n in stride(from: -1000, through: 30000, by: 37) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
        // 2025-11-21T16:00:00Z is midnight in Beijing.
        #expect(LocalDate(Date(timeIntervalSince1970: 1_763_740_800 - 60), in: .china) == d("2025-11-21"))
        #expect(LocalDate(Date(timeIntervalSince1970: 1_763_740_800 + 60), in: .china) == d("2025-11-22"))
    }

    /// Every holiday and make-up day of 2025 and 2026: (from, +1 working day, +20 working days).
    static let boundaries: [(String, String, String)] = [
        ("2025-01-24", "2025-01-26", "2025-02-27"), ("2025-01-26", "2025-01-27", "2025-02-28"),
        ("2025-01-27", "2025-02-05", "2025-03-03"), ("2025-02-07", "2025-02-08", "2025-03-06"),
        ("2025-02-08", "2025-02-10", "2025-03-07"), ("2025-04-03", "2025-04-07", "2025-05-06"),
        ("2025-04-25", "2025-04-27", "2025-05-27"), ("2025-04-30", "2025-05-06", "2025-06-03"),
        ("2025-05-30", "2025-06-03", "2025-06-30"), ("2025-09-26", "2025-09-28", "2025-10-30"),
        ("2025-09-30", "2025-10-09", "2025-11-04"), ("2025-10-10", "2025-10-11", "2025-11-06"),
        ("2025-10-11", "2025-10-13", "2025-11-07"), ("2025-12-31", "2026-01-04", "2026-01-29"),
        ("2026-01-04", "2026-01-05", "2026-01-30"), ("2026-02-13", "2026-02-14", "2026-03-19"),
        ("2026-02-14", "2026-02-24", "2026-03-20"), ("2026-02-27", "2026-02-28", "2026-03-26"),
        ("2026-02-28", "2026-03-02", "2026-03-27"), ("2026-04-03", "2026-04-07", "2026-05-07"),
        ("2026-04-30", "2026-05-06", "2026-06-01"), ("2026-05-08", "2026-05-09", "2026-06-04"),
        ("2026-06-18", "2026-06-22", "2026-07-17"), ("2026-09-18", "2026-09-20", "2026-10-22"),
        ("2026-09-24", "2026-09-28", "2026-10-29"), ("2026-09-30", "2026-10-08", "2026-11-03"),
        ("2026-10-09", "2026-10-10", "2026-11-05"), ("2026-10-10", "2026-10-12", "2026-11-06"),
    ]

    @Test(arguments: boundaries)
    func addWorkingDaysAcrossHolidays(from: String, plusOne: String, plusTwenty: String) throws {
        #expect(try calendar.addWorkingDays(1, to: d(from)).value == d(plusOne))
        #expect(try calendar.addWorkingDays(20, to: d(from)).value == d(plusTwenty))
        #expect(try calendar.addWorkingDays(1, to: d(from)).warnings.isEmpty)
    }

    @Test func everyHolidayIsOffAndEveryMakeUpDayIsWorked() {
        for year in CalendarYear.builtIn {
            for day in year.offDays { #expect(!calendar.isWorkingDay(day), "\(day) should be off") }
            for day in year.workDays { #expect(calendar.isWorkingDay(day) && day.isWeekend, "\(day) should be worked") }
        }
        #expect(calendar.holidayName(d("2026-02-17")) == "春节")
    }

    @Test func yearTotalsMatchTheOfficialNotices() {
        #expect(calendar.workingDays(after: d("2024-12-31"), through: d("2025-12-31")).value == 248)
        #expect(calendar.workingDays(after: d("2025-12-31"), through: d("2026-12-31")).value == 248)
    }

    @Test func zeroDaysIsTheSameDayAndBadCountsAreRejected() throws {
        #expect(try calendar.addWorkingDays(0, to: d("2026-02-16")).value == d("2026-02-16"))
        #expect(throws: CalendarError.negativeDays(-1)) { try calendar.addWorkingDays(-1, to: d("2026-01-05")) }
        #expect(throws: CalendarError.tooManyDays(1001)) { try calendar.addWorkingDays(1001, to: d("2026-01-05")) }
    }

    @Test func uncoveredYearsWarnAndLoadingAYearClearsTheWarning() throws {
        let answer = try calendar.addWorkingDays(30, to: d("2026-12-15"))
        #expect(answer.warnings == [.yearNotCovered(2027)])
        #expect(answer.value == d("2027-01-26")) // weekends only in 2027 without the notice
        var later = calendar
        later.load(CalendarYear(year: 2027, source: "测试", holidays: [
            .init(name: "元旦", offFrom: d("2027-01-01"), offTo: d("2027-01-03")),
            .init(name: "测试假", offFrom: d("2027-01-20"), offTo: d("2027-01-22")),
        ]))
        let again = try later.addWorkingDays(30, to: d("2026-12-15"))
        #expect(again.warnings.isEmpty)
        #expect(again.value == d("2027-02-01")) // four more days off: 01-01 and 01-20..22
        // Replacing a year removes the old days.
        later.load(CalendarYear(year: 2027, source: "更正", holidays: []))
        #expect(later.isWorkingDay(d("2027-01-20")))
    }

    @Test func malformedYearsAreRejected() {
        let bad = CalendarYear(year: 2027, source: "x", holidays: [
            .init(name: "春节", offFrom: d("2027-02-10"), offTo: d("2027-02-05")),
        ])
        #expect(throws: CalendarError.self) { try bad.validate() }
        let weekdayWork = CalendarYear(year: 2027, source: "x", holidays: [
            .init(name: "春节", offFrom: d("2027-02-06"), offTo: d("2027-02-12"), workDays: [d("2027-02-15")]),
        ])
        #expect(throws: CalendarError.self) { try weekdayWork.validate() }
        let otherYear = CalendarYear(year: 2027, source: "x", holidays: [
            .init(name: "元旦", offFrom: d("2026-01-01"), offTo: d("2026-01-01")),
        ])
        #expect(throws: CalendarError.self) { try otherYear.validate() }
        for year in CalendarYear.builtIn { #expect(throws: Never.self) { try year.validate() } }
    }

    @Test func pausesExtendTheDeadlineAndLightsChange() throws {
        // Accepted Monday 2026-11-02, limit 5 → due Monday 2026-11-09.
        var clock = CaseClock(startedOn: d("2026-11-02"), limitDays: 5)
        #expect(try clock.deadline(calendar: calendar, today: d("2026-11-03")).value == d("2026-11-09"))
        #expect(try clock.light(calendar: calendar, today: d("2026-11-03")) == .green)
        #expect(try clock.light(calendar: calendar, today: d("2026-11-06")) == .yellow) // one working day left
        #expect(try clock.light(calendar: calendar, today: d("2026-11-09")) == .yellow) // due today
        #expect(try clock.light(calendar: calendar, today: d("2026-11-10")) == .red)
        #expect(try clock.workingDaysLeft(calendar: calendar, today: d("2026-11-11")) == -2)
        // A supplement pause from Wed 11-04 to Tue 11-10 spans 4 working days.
        clock.pauses = [ClockPause(kind: .supplement, start: d("2026-11-04"), end: d("2026-11-10"))]
        #expect(try clock.deadline(calendar: calendar, today: d("2026-11-10")).value == d("2026-11-13"))
        // A running pause keeps pushing the deadline.
        clock.pauses = [ClockPause(kind: .specialProcedure, start: d("2026-11-04"))]
        #expect(clock.isPaused)
        #expect(try clock.deadline(calendar: calendar, today: d("2026-11-06")).value == d("2026-11-11"))
        #expect(try clock.light(calendar: calendar, today: d("2026-11-20")) != .red)
    }
}
