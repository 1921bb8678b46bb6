import Foundation

/// One year of the official holiday arrangement (节假日安排): the days off and
/// the weekend days worked instead (调休上班). Loaded as data so that an
/// administrator can add next year's notice without a release.
public struct CalendarYear: Codable, Hashable, Sendable {
    /// One holiday of the notice, e.g. 春节.
    public struct Holiday: Codable, Hashable, Sendable {
        public var name: String
        public var offFrom: LocalDate
        public var offTo: LocalDate
        public var workDays: [LocalDate]

        public init(name: String, offFrom: LocalDate, offTo: LocalDate, workDays: [LocalDate] = []) {
            self.name = name
            self.offFrom = offFrom
            self.offTo = offTo
            self.workDays = workDays
        }
    }

    public var year: Int
    public var source: String
    public var holidays: [Holiday]

    public init(year: Int, source: String, holidays: [Holiday]) {
        self.year = year
        self.source = source
        self.holidays = holidays
    }

    public var offDays: Set<LocalDate> {
        var days = Set<LocalDate>()
        for h in holidays {
            var d = h.offFrom
            while d <= h.offTo { days.insert(d); d = d.adding(days: 1) }
        }
        return days
    }

    public var workDays: Set<LocalDate> { Set(holidays.flatMap(\.workDays)) }

    /// Checks that the notice is coherent before it is accepted into a calendar.
    public func validate() throws(CalendarError) {
        guard (2000...2200).contains(year) else { throw .invalidYear(year) }
        guard holidays.count <= 20 else { throw .invalidHoliday("一年最多20个节假日") }
        let off = offDays
        for h in holidays {
            if h.name.trimmingCharacters(in: .whitespaces).isEmpty { throw .invalidHoliday("节日名称不能为空") }
            if h.name.count > 20 { throw .invalidHoliday("节日名称不超过20字") }
            if h.workDays.count > 10 { throw .invalidHoliday("\(h.name)：调休上班日最多10天") }
            if h.offTo < h.offFrom { throw .invalidHoliday("\(h.name)：放假结束日期早于开始日期") }
            if h.offTo.dayNumber - h.offFrom.dayNumber > 14 { throw .invalidHoliday("\(h.name)：连续放假超过15天") }
            for d in [h.offFrom, h.offTo] + h.workDays where d.year != year {
                // A holiday may run into the next year only at New Year's eve; keep it simple and strict.
                throw .invalidHoliday("\(h.name)：日期 \(d) 不在 \(year) 年")
            }
            for w in h.workDays {
                if !w.isWeekend { throw .invalidHoliday("\(h.name)：调休上班日 \(w) 不是周末") }
                if off.contains(w) { throw .invalidHoliday("\(h.name)：\(w) 既是放假日又是上班日") }
            }
        }
    }

    /// The built-in official calendars (2025 and 2026) shipped with jiujin.
    public static let builtIn: [CalendarYear] = {
        guard let url = Bundle.module.url(forResource: "official-calendar", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else {
            preconditionFailure("official-calendar.json is missing from the JiujinCore bundle")
        }
        return file.years
    }()

    struct File: Codable { var years: [CalendarYear] }
}

/// Why a calendar operation could not be done.
public enum CalendarError: Error, Equatable, Sendable {
    case invalidYear(Int)
    case invalidHoliday(String)
    case negativeDays(Int)
    case tooManyDays(Int)

    public var message: String {
        switch self {
        case .invalidYear(let y): return "年份 \(y) 无效"
        case .invalidHoliday(let m): return m
        case .negativeDays: return "工作日天数不能为负数"
        case .tooManyDays(let n): return "工作日天数 \(n) 超出上限（1000）"
        }
    }
}
