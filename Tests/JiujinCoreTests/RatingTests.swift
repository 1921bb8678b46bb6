import Testing
@testable import JiujinCore

@Suite struct RatingTests {
    func d(_ s: String) -> LocalDate { LocalDate(s)! }

    @Test func roundsAreOneEachAndTheSecondWaitsForTheFollowUp() throws {
        #expect(throws: RatingError.caseNotFinished) { try RatingRules.nextRound(status: .underReview, roundsTaken: [], firstFollowUp: nil) }
        #expect(try RatingRules.nextRound(status: .closed, roundsTaken: [], firstFollowUp: nil) == 1)
        #expect(throws: RatingError.alreadyRated) { try RatingRules.nextRound(status: .closed, roundsTaken: [1], firstFollowUp: nil) }
        #expect(throws: RatingError.followUpPending) { try RatingRules.nextRound(status: .closed, roundsTaken: [1], firstFollowUp: .verified) }
        #expect(try RatingRules.nextRound(status: .closed, roundsTaken: [1], firstFollowUp: .resolved) == 2)
        #expect(throws: RatingError.alreadyRated) { try RatingRules.nextRound(status: .closed, roundsTaken: [1, 2], firstFollowUp: .resolved) }
        #expect(RatingLevel.dissatisfied.isBad && RatingLevel.veryDissatisfied.isBad && !RatingLevel.fair.isBad)
        #expect(RatingLevel.satisfied.isGood && !RatingLevel.fair.isGood)
    }

    @Test func aFollowUpTurnsOverdueAfterItsWorkingDayDeadline() throws {
        // Rated on Friday 2026-09-18; five working days cross the 09-20 make-up Sunday: due Thursday 09-24.
        let f = try FollowUp.open(on: d("2026-09-18"), days: 5, calendar: WorkingDayCalendar())
        #expect(f.dueOn == d("2026-09-24"))
        #expect(!f.isOverdue(today: d("2026-09-24")))
        #expect(f.isOverdue(today: d("2026-09-25")))
        let resolved = try f.applying(.verify, role: .approver, note: "已电话核实").applying(.resolve, role: .approver, outcome: .explained, note: "已解释政策")
        #expect(!resolved.isOverdue(today: d("2026-12-01")))
    }

    @Test func followUpRulesAreEnforced() throws {
        let f = FollowUp(openedOn: d("2026-11-20"), dueOn: d("2026-11-27"))
        #expect(throws: FollowUpError.notAllowed(.resolve, .open)) { try f.applying(.resolve, role: .approver, outcome: .fixedAtOnce, note: "x") }
        #expect(throws: FollowUpError.noteRequired) { try f.applying(.verify, role: .approver, note: " ") }
        #expect(throws: FollowUpError.roleNotPermitted(.approver, .judgeInvalid)) { try f.applying(.judgeInvalid, role: .approver, note: "恶意") }
        let verified = try f.applying(.verify, role: .windowClerk, note: "核实")
        #expect(throws: FollowUpError.outcomeRequired) { try verified.applying(.resolve, role: .approver, note: "x") }
        #expect(throws: FollowUpError.badExtension) { try verified.applying(.extend, role: .supervisor, newDue: d("2026-11-26"), note: "x") }
        let extended = try verified.applying(.extend, role: .supervisor, newDue: d("2026-12-04"), note: "需协调县局")
        #expect(!extended.isOverdue(today: d("2026-12-01")))
        let invalid = try extended.applying(.judgeInvalid, role: .supervisor, note: "与办件无关的恶意差评")
        #expect(invalid.status == .judgedInvalid)
        #expect(throws: FollowUpError.notAllowed(.judgeInvalid, .judgedInvalid)) { try invalid.applying(.judgeInvalid, role: .supervisor, note: "x") }
    }
}
