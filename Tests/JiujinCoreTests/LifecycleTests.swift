import Foundation
import Testing
@testable import JiujinCore

@Suite struct LifecycleTests {
    @Test func theHappyPathOfAnOrdinaryCase() throws {
        var s: CaseStatus? = nil
        let steps: [(CaseAction, ActorRole, CaseStatus)] = [
            (.accept, .villageAgent, .accepted), (.startReview, .approver, .underReview),
            (.passStage, .approver, .underReview), (.startSpecialProcedure, .approver, .specialProcedure),
            (.endSpecialProcedure, .approver, .underReview), (.approve, .approver, .approved),
            (.deliver, .villageAgent, .delivered), (.close, .system, .closed),
        ]
        for (action, role, expected) in steps {
            s = try CaseLifecycle.next(from: s, action: action, role: role, isInstant: false, reason: "理由")
            #expect(s == expected)
        }
    }

    @Test func supplementReturnsWhereTheCaseWas() throws {
        let atIntake = try CaseLifecycle.next(from: .needsSupplement, action: .supplement, role: .windowClerk,
                                              isInstant: false, resumeTo: .accepted)
        #expect(atIntake == .accepted)
        let inReview = try CaseLifecycle.next(from: .needsSupplement, action: .supplement, role: .approver,
                                              isInstant: false, resumeTo: .underReview)
        #expect(inReview == .underReview)
    }

    @Test func instantItemsAreDecidedAtTheWindow() throws {
        #expect(try CaseLifecycle.next(from: .accepted, action: .approve, role: .villageAgent, isInstant: true) == .approved)
        #expect(throws: LifecycleError.notAllowed(action: .approve, from: .accepted)) {
            try CaseLifecycle.next(from: .accepted, action: .approve, role: .villageAgent, isInstant: false)
        }
    }

    @Test func everyStatusActionRolePairIsEitherInTheTableOrATypedError() {
        let statuses: [CaseStatus?] = [nil] + CaseStatus.allCases.map { Optional($0) }
        var allowed = 0
        for s in statuses {
            for a in CaseAction.allCases {
                for r in ActorRole.allCases {
                    do {
                        _ = try CaseLifecycle.next(from: s, action: a, role: r, isInstant: false, reason: "理由")
                        allowed += 1
                        let listed = CaseLifecycle.transitions.contains { $0.action == a && $0.from.contains(s) && $0.roles.contains(r) }
                        #expect(listed)
                    } catch {
                        #expect(!error.message.isEmpty)
                    }
                }
            }
        }
        #expect(allowed > 20)
        // Terminal statuses allow nothing.
        for s in CaseStatus.allCases where s.isTerminal {
            for r in ActorRole.allCases { #expect(CaseLifecycle.available(from: s, role: r, isInstant: true).isEmpty) }
        }
    }

    @Test func rolesAndReasonsAreEnforced() {
        #expect(throws: LifecycleError.roleNotPermitted(role: .windowClerk, action: .approve)) {
            try CaseLifecycle.next(from: .underReview, action: .approve, role: .windowClerk, isInstant: false)
        }
        #expect(throws: LifecycleError.roleNotPermitted(role: .applicant, action: .accept)) {
            try CaseLifecycle.next(from: .submitted, action: .accept, role: .applicant, isInstant: false)
        }
        #expect(throws: LifecycleError.reasonRequired(.refuse)) {
            try CaseLifecycle.next(from: .underReview, action: .refuse, role: .approver, isInstant: false, reason: "  ")
        }
        #expect(throws: LifecycleError.notAllowed(action: .approve, from: .closed)) {
            try CaseLifecycle.next(from: .closed, action: .approve, role: .approver, isInstant: false)
        }
    }

    @Test func caseNumbersFormatAndParse() {
        let n = CaseNumber(county: DivisionCode("990101000000")!, date: LocalDate("2026-11-21")!, sequence: 42)
        #expect(n.description == "990101-20261121-000042")
        #expect(CaseNumber("990101-20261121-000042") == n)
        #expect(CaseNumber("990101-20261121-1234567")?.sequence == 1_234_567)
        for bad in ["", "990101-20261321-000001", "99010-20261121-000001", "990101-20261121-000000", "990101-20261121-00001x"] {
            #expect(CaseNumber(bad) == nil, "\(bad)")
        }
    }

    func chain(_ n: Int) -> [CaseEvent] {
        var events: [CaseEvent] = []
        var prev = CaseEvent.genesisHash
        for i in 1...n {
            let e = CaseEvent(caseId: "c1", sequence: i, action: .passStage, fromStatus: .underReview, toStatus: .underReview,
                              actorId: "u\(i)", actorRole: .approver, orgId: "o", pointId: nil,
                              at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), comment: "第\(i)步",
                              details: ["stage": "审查", "b": "2"], previousHash: prev)
            events.append(e)
            prev = e.hash
        }
        return events
    }

    @Test func theEventChainHoldsAndAnyTamperingIsNamed() {
        let events = chain(5)
        #expect(EventChain.verify(events) == .intact(count: 5))
        #expect(events[0].hash.count == 64)
        var tampered = events
        tampered[2].comment = "改过的"
        #expect(EventChain.verify(tampered) == .broken(sequence: 3, reason: "事件内容与哈希不符（被篡改）"))
        var relinked = events
        relinked[3].previousHash = CaseEvent.genesisHash
        relinked[3].hash = relinked[3].computeHash()
        if case .broken(let seq, _) = EventChain.verify(relinked) { #expect(seq == 4) } else { Issue.record("not broken") }
        var dropped = events
        dropped.remove(at: 1)
        if case .broken(let seq, _) = EventChain.verify(dropped) { #expect(seq == 3) } else { Issue.record("not broken") }
        var detail = events
        detail[4].details["stage"] = "决定"
        #expect(EventChain.verify(detail) != .intact(count: 5))
    }
}
