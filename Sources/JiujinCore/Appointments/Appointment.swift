import Foundation

/// A bookable time at a point on one day (预约时段): a piece of the point's opening hours, with room for a number of
/// residents (its windows, each serving `perWindow` in the slot).
public struct AppointmentSlot: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Which of the point's hours the slot comes from.
    public enum Kind: String, Sendable, CaseIterable {
        case regular, extended, weekend, holiday

        public var label: String {
            switch self {
            case .regular: return "工作日"
            case .extended: return "延时服务"
            case .weekend: return "周末"
            case .holiday: return "节假日"
            }
        }
    }

    public var day: LocalDate
    /// Minutes after midnight.
    public var start: Int
    public var end: Int
    public var kind: Kind
    public var capacity: Int

    public init(day: LocalDate, start: Int, end: Int, kind: Kind, capacity: Int) {
        self.day = day
        self.start = start
        self.end = end
        self.kind = kind
        self.capacity = capacity
    }

    /// The slot's key within its point: `2026-11-23 09:00`.
    public var key: String { day.description + " " + OpeningHours.Slot.clock(start) }

    public var description: String { "\(day) \(OpeningHours.Slot.clock(start))-\(OpeningHours.Slot.clock(end))" }

    public static func < (a: AppointmentSlot, b: AppointmentSlot) -> Bool { (a.day, a.start) < (b.day, b.start) }
}

/// How a point's opening hours become bookable slots (预约办): the day's kind comes from the official calendar
/// (a 调休 Saturday is a working day, a holiday Monday is not), each opening period is cut into `length`-minute
/// slots, and each slot holds `windows × perWindow` bookings.
public enum AppointmentPlan {
    public static let defaultLength = 30
    /// How far ahead residents may book, in days.
    public static let horizonDays = 30

    public static func slots(on day: LocalDate, hours: OpeningHours, calendar: WorkingDayCalendar, windows: Int,
                             length: Int = defaultLength, perWindow: Int = 1) -> [AppointmentSlot] {
        guard windows > 0, length > 0, perWindow > 0 else { return [] }
        var periods: [(OpeningHours.Slot, AppointmentSlot.Kind)] = []
        if calendar.isWorkingDay(day) {
            periods = hours.workdays.map { ($0, .regular) } + hours.extended.map { ($0, .extended) }
        } else if calendar.holidayName(day) != nil {
            periods = hours.holidays.map { ($0, .holiday) }
        } else {
            periods = hours.weekend.map { ($0, .weekend) }
        }
        var out: [AppointmentSlot] = []
        for (period, kind) in periods {
            var t = period.start
            while t + length <= period.end {
                out.append(AppointmentSlot(day: day, start: t, end: t + length, kind: kind, capacity: windows * perWindow))
                t += length
            }
        }
        return out.sorted()
    }

    /// The slot of `day` starting at `start` (minutes), if the point offers one.
    public static func slot(on day: LocalDate, at start: Int, hours: OpeningHours, calendar: WorkingDayCalendar, windows: Int,
                            length: Int = defaultLength) -> AppointmentSlot? {
        slots(on: day, hours: hours, calendar: calendar, windows: windows, length: length).first { $0.start == start }
    }
}

/// An appointment (预约): a resident, or staff for a phone caller, books a slot at a point for an item; it is
/// confirmed by a printed code, may be cancelled or moved before its time, and on the day staff mark the resident
/// arrived or absent. A case accepted from it links back to it.
public struct Appointment: Hashable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case booked, cancelled, arrived, noShow = "no_show"

        public var label: String {
            switch self {
            case .booked: return "已预约"
            case .cancelled: return "已取消"
            case .arrived: return "已到场"
            case .noShow: return "未到场"
            }
        }
    }

    public enum Action: String, Sendable {
        case cancel, arrive, markNoShow = "no_show"

        public var label: String {
            switch self {
            case .cancel: return "取消"
            case .arrive: return "签到"
            case .markNoShow: return "标记未到"
            }
        }
    }

    public var status: Status
    public var slot: AppointmentSlot

    public init(status: Status = .booked, slot: AppointmentSlot) {
        self.status = status
        self.slot = slot
    }

    /// A new booking of `slot`, which already holds `booked` live bookings, asked at `now` (minutes into `today`).
    public static func book(_ slot: AppointmentSlot, booked: Int, today: LocalDate, minuteNow: Int) throws(AppointmentError) -> Appointment {
        guard slot.day > today || (slot.day == today && slot.start > minuteNow) else { throw .inThePast }
        guard slot.day.dayNumber - today.dayNumber <= AppointmentPlan.horizonDays else { throw .tooFarAhead(AppointmentPlan.horizonDays) }
        guard booked < slot.capacity else { throw .full(slot.description) }
        return Appointment(slot: slot)
    }

    /// Cancelling is for the one who booked (or staff) before the slot starts; arriving and absence are for staff
    /// on the day, from the slot's start.
    public func applying(_ action: Action, today: LocalDate, minuteNow: Int, byStaff: Bool) throws(AppointmentError) -> Appointment {
        guard status == .booked else { throw .notAllowed(action, status) }
        let started = today > slot.day || (today == slot.day && minuteNow >= slot.start)
        var next = self
        switch action {
        case .cancel:
            guard !started else { throw .alreadyStarted }
            next.status = .cancelled
        case .arrive:
            guard byStaff else { throw .staffOnly(action) }
            guard today == slot.day else { throw .notToday }
            next.status = .arrived
        case .markNoShow:
            guard byStaff else { throw .staffOnly(action) }
            guard started else { throw .notYetStarted }
            next.status = .noShow
        }
        return next
    }

    /// The working day before the slot, when its reminder goes out.
    public func reminderDay(calendar: WorkingDayCalendar) -> LocalDate {
        var d = slot.day.adding(days: -1)
        for _ in 0..<30 where !calendar.isWorkingDay(d) { d = d.adding(days: -1) }
        return d
    }
}

public enum AppointmentError: DomainError, Hashable {
    case inThePast, tooFarAhead(Int), full(String), notAllowed(Appointment.Action, Appointment.Status), alreadyStarted, notYetStarted,
         notToday, staffOnly(Appointment.Action), noSuchSlot

    public var kind: ErrorKind {
        switch self {
        case .full, .notAllowed: return .conflict
        case .staffOnly: return .forbidden
        default: return .invalid
        }
    }

    public var code: String {
        switch self {
        case .inThePast: return "slot_in_the_past"
        case .tooFarAhead: return "slot_too_far_ahead"
        case .full: return "slot_full"
        case .notAllowed: return "invalid_transition"
        case .alreadyStarted: return "slot_started"
        case .notYetStarted: return "slot_not_started"
        case .notToday: return "not_today"
        case .staffOnly: return "role_not_permitted"
        case .noSuchSlot: return "unknown_slot"
        }
    }

    public var field: String? {
        switch self {
        case .inThePast, .tooFarAhead, .full, .noSuchSlot: return "slot"
        default: return nil
        }
    }

    public var message: String {
        switch self {
        case .inThePast: return "该时段已过，请选择之后的时段"
        case .tooFarAhead(let d): return "最多可预约\(d)天内的时段"
        case .full(let s): return "时段 \(s) 已约满，请选择其他时段"
        case .notAllowed(let a, let s): return "该预约当前为「\(s.label)」，不能\(a.label)"
        case .alreadyStarted: return "预约时段已开始，不能取消；如不能到场，请联系办事点"
        case .notYetStarted: return "预约时段尚未开始，不能标记未到"
        case .notToday: return "只能在预约当天签到"
        case .staffOnly(let a): return "只有工作人员可以\(a.label)"
        case .noSuchSlot: return "该办事点当天没有这个预约时段"
        }
    }
}
