import Foundation

/// A stretch of time during which a case's clock is stopped (计时暂停):
/// 补正 (waiting for the applicant's supplement) or 特别程序.
public struct ClockPause: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case supplement, specialProcedure }
    public var kind: Kind
    public var start: LocalDate
    /// nil while the pause is still running.
    public var end: LocalDate?

    public init(kind: Kind, start: LocalDate, end: LocalDate? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

/// The traffic light (红黄绿灯) of an open case: green while more than one
/// working day is left, yellow with one working day or less, red when overdue.
public enum TrafficLight: String, Codable, Sendable, CaseIterable {
    case green, yellow, red

    /// The light of a case in `status` due on `deadline`: nil unless the case's clock is running.
    public static func of(status: CaseStatus, deadline: LocalDate?, today: LocalDate, calendar: WorkingDayCalendar) -> TrafficLight? {
        guard status.isRunning, let deadline else { return nil }
        return of(deadline: deadline, today: today, calendar: calendar)
    }

    /// The light of a case due on `deadline`, seen on `today`.
    public static func of(deadline: LocalDate, today: LocalDate, calendar: WorkingDayCalendar) -> TrafficLight {
        if today > deadline { return .red }
        return calendar.workingDays(after: today, through: deadline).value <= 1 ? .yellow : .green
    }

    public var label: String {
        switch self {
        case .green: return "正常"
        case .yellow: return "临期"
        case .red: return "超期"
        }
    }
}

/// The promised-time clock of one case (承诺时限计时).
public struct CaseClock: Hashable, Sendable {
    public var startedOn: LocalDate
    public var limitDays: Int
    public var pauses: [ClockPause]

    public init(startedOn: LocalDate, limitDays: Int, pauses: [ClockPause] = []) {
        self.startedOn = startedOn
        self.limitDays = limitDays
        self.pauses = pauses
    }

    public var isPaused: Bool { pauses.contains { $0.end == nil } }

    /// Working days the case has spent paused, counting a running pause up to `today`.
    public func pausedWorkingDays(calendar: WorkingDayCalendar, today: LocalDate) -> CalendarAnswer<Int> {
        var total = 0
        var warnings: [CalendarWarning] = []
        for p in pauses {
            let answer = calendar.workingDays(after: p.start, through: p.end ?? max(today, p.start))
            total += answer.value
            warnings += answer.warnings
        }
        return CalendarAnswer(value: total, warnings: Array(Set(warnings)).sorted { $0.code + "\($0)" < $1.code + "\($1)" })
    }

    /// The promised deadline: the limit counted from the start, extended by every paused working day.
    public func deadline(calendar: WorkingDayCalendar, today: LocalDate) throws(CalendarError) -> CalendarAnswer<LocalDate> {
        let paused = pausedWorkingDays(calendar: calendar, today: today)
        let answer = try calendar.addWorkingDays(limitDays + paused.value, to: startedOn)
        let warnings = Array(Set(answer.warnings + paused.warnings)).sorted { "\($0)" < "\($1)" }
        return CalendarAnswer(value: answer.value, warnings: warnings)
    }

    /// Working days left until the deadline; when overdue, minus the working
    /// days since it (at least -1, so a weekend after the deadline still shows overdue).
    public func workingDaysLeft(calendar: WorkingDayCalendar, today: LocalDate) throws(CalendarError) -> Int {
        let due = try deadline(calendar: calendar, today: today).value
        if today <= due { return calendar.workingDays(after: today, through: due).value }
        return -max(1, calendar.workingDays(after: due, through: today).value)
    }

    public func light(calendar: WorkingDayCalendar, today: LocalDate) throws(CalendarError) -> TrafficLight {
        TrafficLight.of(deadline: try deadline(calendar: calendar, today: today).value, today: today, calendar: calendar)
    }
}
