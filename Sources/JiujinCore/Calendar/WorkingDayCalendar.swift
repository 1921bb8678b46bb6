import Foundation

/// The working-day calendar (工作日历) every time limit is counted on:
/// weekends are off, official holidays are off, make-up days (调休) are worked.
/// Years without a loaded notice fall back to "weekdays work" and every
/// answer that touched such a year carries a warning.
public struct WorkingDayCalendar: Sendable {
    public private(set) var years: [Int: CalendarYear]
    private var off: Set<LocalDate>
    private var work: Set<LocalDate>

    public init(years: [CalendarYear] = CalendarYear.builtIn) {
        self.years = [:]
        self.off = []
        self.work = []
        for y in years { load(y) }
    }

    /// Adds or replaces one year's notice.
    public mutating func load(_ year: CalendarYear) {
        if let old = years[year.year] {
            off.subtract(old.offDays)
            work.subtract(old.workDays)
        }
        years[year.year] = year
        off.formUnion(year.offDays)
        work.formUnion(year.workDays)
    }

    public var coveredYears: [Int] { years.keys.sorted() }

    public func covers(_ year: Int) -> Bool { years[year] != nil }

    public func isWorkingDay(_ d: LocalDate) -> Bool {
        if work.contains(d) { return true }
        if off.contains(d) { return false }
        return !d.isWeekend
    }

    /// The holiday a date falls in, if any (for display).
    public func holidayName(_ d: LocalDate) -> String? {
        years[d.year]?.holidays.first { d >= $0.offFrom && d <= $0.offTo }?.name
    }

    /// The end of the Nth working day after `start` (the start day itself is
    /// not counted: a case accepted on day D with limit N is due at the end of
    /// the Nth working day after D). N = 0 gives `start` (即办).
    public func addWorkingDays(_ days: Int, to start: LocalDate) throws(CalendarError) -> CalendarAnswer<LocalDate> {
        guard days >= 0 else { throw .negativeDays(days) }
        guard days <= 1000 else { throw .tooManyDays(days) }
        var d = start
        var left = days
        var touched: Set<Int> = []
        while left > 0 {
            d = d.adding(days: 1)
            touched.insert(d.year)
            if isWorkingDay(d) { left -= 1 }
        }
        return CalendarAnswer(value: d, warnings: warnings(for: touched))
    }

    /// Working days in the half-open range (from, to]: how many working days
    /// pass when time moves from `from` to `to`.
    public func workingDays(after from: LocalDate, through to: LocalDate) -> CalendarAnswer<Int> {
        guard to > from else { return CalendarAnswer(value: 0, warnings: []) }
        var count = 0
        var touched: Set<Int> = []
        var d = from
        while d < to {
            d = d.adding(days: 1)
            touched.insert(d.year)
            if isWorkingDay(d) { count += 1 }
        }
        return CalendarAnswer(value: count, warnings: warnings(for: touched))
    }

    private func warnings(for touched: Set<Int>) -> [CalendarWarning] {
        touched.sorted().filter { !covers($0) }.map { .yearNotCovered($0) }
    }
}

/// A calendar result together with the warnings that qualify it.
public struct CalendarAnswer<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var warnings: [CalendarWarning]
}

/// A reason a date computed by the calendar may be wrong.
public enum CalendarWarning: Hashable, Sendable, Codable {
    /// The computation ran through a year whose official notice is not loaded;
    /// only weekends were treated as days off there.
    case yearNotCovered(Int)

    public var code: String {
        switch self { case .yearNotCovered: return "calendar_year_missing" }
    }

    public var message: String {
        switch self {
        case .yearNotCovered(let y):
            return "\(y) 年的法定节假日安排尚未录入，该年仅按周末计算休息日，结果可能不准确，请管理员录入后复核"
        }
    }
}
