import Foundation
@testable import JiujinCore
import Testing

/// 预约办: slots from a point's structured hours on the official calendar, capacity, and the booking's life.
@Suite struct AppointmentTests {
    let calendar = WorkingDayCalendar()
    let hours = OpeningHours(workdays: [.init(start: 510, end: 720), .init(start: 810, end: 1050)],
                             extended: [.init(start: 1050, end: 1140)], weekend: [.init(start: 540, end: 720)])

    @Test func slotsFollowTheOfficialCalendar() {
        // Monday 2026-11-23: a working day, with the 延时 evening slots; two windows, two residents a slot.
        let monday = AppointmentPlan.slots(on: LocalDate("2026-11-23")!, hours: hours, calendar: calendar, windows: 2)
        #expect(monday.count == 7 + 8 + 3)
        #expect(monday.first?.description == "2026-11-23 08:30-09:00" && monday.first?.capacity == 2)
        #expect(monday.filter { $0.kind == .extended }.map(\.start) == [1050, 1080, 1110])
        // The 12:00-13:30 break has no slot; a period's tail shorter than a slot is not offered.
        #expect(!monday.contains { $0.start >= 720 && $0.start < 810 })
        // Saturday 2026-11-28: the weekend hours; Saturday 2026-10-10 is a 调休 working day; 2026-10-01 a holiday (closed).
        #expect(AppointmentPlan.slots(on: LocalDate("2026-11-28")!, hours: hours, calendar: calendar, windows: 1).map(\.kind)
            == Array(repeating: .weekend, count: 6))
        #expect(AppointmentPlan.slots(on: LocalDate("2026-10-10")!, hours: hours, calendar: calendar, windows: 1).first?.kind == .regular)
        #expect(AppointmentPlan.slots(on: LocalDate("2026-10-01")!, hours: hours, calendar: calendar, windows: 1).isEmpty)
        #expect(AppointmentPlan.slots(on: LocalDate("2026-11-23")!, hours: hours, calendar: calendar, windows: 0).isEmpty)
        #expect(AppointmentPlan.slot(on: LocalDate("2026-11-23")!, at: 515, hours: hours, calendar: calendar, windows: 1) == nil)
    }

    @Test func aSlotNeverHoldsMoreThanItsCapacity() throws {
        let today = LocalDate("2026-11-20")!
        let slot = try #require(AppointmentPlan.slot(on: LocalDate("2026-11-23")!, at: 540, hours: hours, calendar: calendar, windows: 3))
        for booked in 0..<3 { #expect(throws: Never.self) { try Appointment.book(slot, booked: booked, today: today, minuteNow: 600) } }
        #expect(throws: AppointmentError.full(slot.description)) { try Appointment.book(slot, booked: 3, today: today, minuteNow: 600) }
        // Not in the past, not beyond the horizon.
        #expect(throws: AppointmentError.inThePast) { try Appointment.book(slot, booked: 0, today: slot.day, minuteNow: 541) }
        #expect(throws: AppointmentError.tooFarAhead(AppointmentPlan.horizonDays)) {
            try Appointment.book(slot, booked: 0, today: slot.day.adding(days: -31), minuteNow: 0)
        }
    }

    @Test func aBookingIsCancelledBeforeItsTimeAndMarkedOnTheDay() throws {
        let slot = try #require(AppointmentPlan.slot(on: LocalDate("2026-11-23")!, at: 540, hours: hours, calendar: calendar, windows: 1))
        let booked = try Appointment.book(slot, booked: 0, today: LocalDate("2026-11-20")!, minuteNow: 600)
        #expect(try booked.applying(.cancel, today: LocalDate("2026-11-22")!, minuteNow: 0, byStaff: false).status == .cancelled)
        #expect(throws: AppointmentError.alreadyStarted) { try booked.applying(.cancel, today: slot.day, minuteNow: 545, byStaff: false) }
        #expect(throws: AppointmentError.staffOnly(.arrive)) { try booked.applying(.arrive, today: slot.day, minuteNow: 530, byStaff: false) }
        #expect(try booked.applying(.arrive, today: slot.day, minuteNow: 530, byStaff: true).status == .arrived)
        #expect(throws: AppointmentError.notYetStarted) { try booked.applying(.markNoShow, today: slot.day, minuteNow: 530, byStaff: true) }
        let absent = try booked.applying(.markNoShow, today: slot.day, minuteNow: 600, byStaff: true)
        #expect(absent.status == .noShow)
        #expect(throws: AppointmentError.notAllowed(.cancel, .noShow)) { try absent.applying(.cancel, today: slot.day, minuteNow: 0, byStaff: true) }
        // The reminder goes out the working day before: Friday for a Monday slot; for the day after the National Day
        // holiday (Thursday 2026-10-08) it is Wednesday 2026-09-30.
        #expect(booked.reminderDay(calendar: calendar) == LocalDate("2026-11-20"))
        let afterHoliday = Appointment(slot: AppointmentSlot(day: LocalDate("2026-10-08")!, start: 540, end: 570, kind: .regular, capacity: 1))
        #expect(afterHoliday.reminderDay(calendar: calendar) == LocalDate("2026-09-30"))
    }
}
