import Foundation
import Testing
@testable import JiujinCore

/// The case aggregate on the demo county, without a server: every command in every status for every kind of
/// staff either moves the case as the lifecycle table says or is refused with a typed error, and what
/// `availableActions` offers is exactly what `applying` accepts.
@Suite struct CaseAggregateTests {
    static let demo = DemoCounty.build()
    static let directory = try! Directory(regions: demo.regions, organizations: demo.organizations, points: demo.servicePoints,
                                          items: demo.items, seals: demo.seals, delegations: demo.delegations)
    /// Friday 2026-11-20, 10:00 in Beijing.
    static let now = Date(timeIntervalSince1970: 1_795_140_000)

    static func staff(_ username: String) -> Staff {
        let member = demo.staff.first { $0.username == username }!
        return Staff(member: member, org: directory.organizations[member.orgId]!)
    }

    static func facts(_ itemCode: String, colleagues: [StaffMember] = [], delegations: [Delegation] = demo.delegations) -> CaseFacts {
        CaseFacts(directory: directory, item: directory.items[itemCode]!, delegations: delegations, colleagues: colleagues,
                  calendar: WorkingDayCalendar(), now: now, certificateId: "JJTEST000001")
    }

    static let applicant = try! Applicant.validated(kind: "person", name: "刘坤", idNumber: "11010519491231002X", creditCode: nil,
                                                    legalRepresentative: nil, phone: "13812345678", today: LocalDate("2026-11-20")!)

    /// A case of 个体工商户设立登记 by a resident of 王官庄村, taken in by the village's agent, decided by 青石镇 under delegation,
    /// put in `status` with the fields that status implies.
    static func sample(_ status: CaseStatus, item: String = "SCJ0701", stage: Int = 0) -> Case {
        let i = directory.items[item]!
        let instantVillage = i.decisionLevel == .village
        var c = Case(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, number: "990101-20261120-000001", itemCode: i.code,
                     itemName: i.name, applicant: applicant, channel: .villageAgent, region: DivisionCode("990101100201")!,
                     pointId: "sp-100201", acceptedBy: "u-dl-100201", acceptingOrgId: "village-100201",
                     decidingOrgId: instantVillage ? "village-100201" : "town-100",
                     delegationId: instantVillage ? nil : "del-scjg-100", status: status, stageIndex: stage, limitDays: i.promisedLimitDays,
                     materials: i.materials.map { StoredMaterial(name: $0.name, required: $0.required, provided: true, waivable: false) },
                     proxy: ProxyRecord(authorization: ProxyAuthorization(agentId: "u-dl-100201", agentName: "代办员", scope: "代为申请",
                                                                         signedOn: LocalDate("2026-11-20")!, validUntil: LocalDate("2027-01-20")!)),
                     createdAt: now, updatedAt: now)
        switch status {
        case .submitted:
            c.channel = .online
            c.pointId = nil
            c.acceptedBy = nil
            c.acceptingOrgId = nil
            c.proxy = nil
        case .needsSupplement:
            c.acceptedOn = LocalDate("2026-11-19")
            c.resumeStatus = .accepted
            c.pauses = [ClockPause(kind: .supplement, start: LocalDate("2026-11-19")!)]
        case .specialProcedure:
            c.acceptedOn = LocalDate("2026-11-19")
            c.pauses = [ClockPause(kind: .specialProcedure, start: LocalDate("2026-11-19")!)]
        case .rejectedAtIntake, .withdrawn:
            c.reason = "理由"
        default:
            c.acceptedOn = LocalDate("2026-11-19")
        }
        return c
    }

    /// One command of each kind, with a valid payload.
    static let commands: [CaseCommand] = [
        .accept(pointId: nil), .rejectAtIntake(reason: "材料不符合法定形式"), .requestSupplement(missing: ["经营场所使用证明"], reason: "请补正"),
        .supplement, .startReview, .passStage, .startSpecialProcedure(procedure: "实地核查"), .endSpecialProcedure, .approve,
        .refuse(reason: "不符合条件"), .deliver(DeliveryDraft(method: "agent", collectorName: "刘坤")), .close,
        .withdraw(reason: "不办了"), .reassign(assigneeId: "u-sp-100-b"),
    ]

    static let people = ["dl-100201", "dl-100202", "ck-100", "ck-101", "ck-county-1", "sp-100", "sp-101", "sp-scjg", "jiandu", "admin"]

    @Test func everyCommandInEveryStatusForEveryMemberMovesAsTheTableSaysOrIsATypedError() throws {
        var moved = 0, refused = 0
        for status in CaseStatus.allCases {
            for stage in [0, 1] {
                let c = Self.sample(status, stage: stage)
                for username in Self.people {
                    let staff = Self.staff(username)
                    let colleagues = Self.demo.staff.filter { $0.orgId == "town-100" && $0.role == .approver }
                    let facts = Self.facts(c.itemCode, colleagues: colleagues)
                    let offered = Set(c.availableActions(for: staff, facts: facts))
                    for command in Self.commands {
                        do {
                            let change = try c.applying(command, comment: "意见", by: staff, facts: facts)
                            moved += 1
                            let first = try #require(change.events.first)
                            #expect(first.action == command.action && first.fromStatus == status)
                            let allowed = try CaseLifecycle.next(from: status, action: command.action, role: staff.role,
                                                                 isInstant: false, resumeTo: c.resumeStatus, reason: "x")
                            #expect(first.toStatus == allowed, "\(command) from \(status) by \(username)")
                            #expect(change.case.eventCount == c.eventCount + change.events.count)
                            #expect(isChain(change.events, after: c.lastHash))
                            #expect(offered.contains(command.action), "\(command) from \(status) stage \(stage) by \(username) applied but not offered")
                        } catch let e as any DomainError {
                            refused += 1
                            #expect(!e.message.isEmpty && !e.code.isEmpty)
                            #expect(!offered.contains(command.action), "\(command) from \(status) stage \(stage) by \(username) offered but refused: \(e.message)")
                        }
                    }
                }
            }
        }
        #expect(moved > 40 && refused > 1000)
    }

    @Test func aVillageCaseGoesFromIntakeToArchiveThroughTheTown() throws {
        let agent = Self.staff("dl-100201"), approver = Self.staff("sp-100")
        let intake = Intake(pointId: nil, channel: nil, regionCode: nil, applicant: Self.applicant, materials: nil, decision: .accept,
                            reason: nil, comment: nil,
                            authorization: .init(scope: "代为申请、补正材料、领取结果", signedOn: "2026-11-20", validUntil: "2027-02-20"))
        let taken = try Case.intake(intake, id: UUID(), by: agent, held: [], facts: Self.facts("SCJ0701"))
        var c = taken.case
        #expect(c.status == .accepted && c.channel == .villageAgent && c.decidingOrgId == "town-100" && c.deadline == LocalDate("2026-11-23"))
        #expect(c.proxy?.stepsDone.keys.count == 3)
        #expect(taken.events.first?.details["delegation"] == "青禾市监发〔2026〕2号")
        for command in [CaseCommand.startReview, .passStage, .approve] {
            let change = try c.applying(command, comment: nil, by: approver, facts: Self.facts("SCJ0701"))
            c = change.case
            if command == .approve {
                #expect(change.certificate?.licenceType == "营业执照" && change.certificate?.sealNumber == "审批专用章(03)")
                #expect(change.events.last?.details["certificate"] == "JJTEST000001")
            }
        }
        let delivered = try c.applying(.deliver(DeliveryDraft(method: "express", carrier: "EMS", trackingNumber: "EM123")), comment: nil,
                                       by: agent, facts: Self.facts("SCJ0701"))
        #expect(delivered.case.status == .closed && delivered.events.map(\.action) == [.deliver, .close])
        #expect(delivered.case.proxy?.stepsDone[.rateAndArchive] != nil)
        #expect(ApplicantMessage.owed(by: delivered.case, after: delivered.events, county: "青禾县").first?.kind == "delivered")
    }

    @Test func revokingTheDelegationStopsTheTownAndReturnsTheCase() throws {
        let c = Self.sample(.underReview)
        var revoked = Self.demo.delegations.first { $0.id == "del-scjg-100" }!
        revoked.revokedOn = LocalDate("2026-11-20")
        let others = Self.demo.delegations.filter { $0.id != revoked.id } + [revoked]
        let facts = Self.facts("SCJ0701", delegations: others)
        #expect(throws: AuthorityError.self) { try c.applying(.passStage, comment: nil, by: Self.staff("sp-100"), facts: facts) }
        #expect(c.availableActions(for: Self.staff("sp-100"), facts: facts).isEmpty)
        let back = try #require(c.returned(afterRevoking: revoked, by: Self.staff("jiandu"), directory: Self.directory, now: Self.now))
        #expect(back.case.decidingOrgId == "dept-scjg" && back.case.delegationId == nil && back.events.first?.action == .reassign)
        #expect(c.returned(afterRevoking: Self.demo.delegations.first { $0.id != revoked.id }!, by: Self.staff("jiandu"),
                           directory: Self.directory, now: Self.now) == nil)
    }

    @Test func payloadsAreCheckedOnlyOnceTheCommandIsAllowed() throws {
        let c = Self.sample(.accepted)
        let approver = Self.staff("sp-100")
        // Not allowed: the refusal names the lifecycle, not the missing collector.
        #expect(throws: LifecycleError.self) {
            try c.applying(.deliver(DeliveryDraft(method: "window")), comment: nil, by: approver, facts: Self.facts("SCJ0701"))
        }
        let approved = Self.sample(.approved)
        let agent = Self.staff("dl-100201")
        for (draft, field) in [(DeliveryDraft(method: "window", collectorName: "刘坤"), "delivery.collectorIdNumber"),
                               (DeliveryDraft(method: "express", carrier: "EMS", trackingNumber: "单号"), "delivery.trackingNumber"),
                               (DeliveryDraft(method: "pigeon"), "delivery.method")] {
            do {
                _ = try approved.applying(.deliver(draft), comment: nil, by: agent, facts: Self.facts("SCJ0701"))
                Issue.record("accepted \(draft)")
            } catch let e as ValidationError {
                #expect(e.fieldPath == field)
            }
        }
        #expect(throws: CaseError.notMaterialOfItem(index: 0, name: "不存在的材料")) {
            try c.applying(.requestSupplement(missing: ["不存在的材料"], reason: "x"), comment: nil, by: agent, facts: Self.facts("SCJ0701"))
        }
        #expect(throws: CaseError.invalidColleague) {
            try Self.sample(.underReview).applying(.reassign(assigneeId: "u-sp-101"), comment: nil, by: approver, facts: Self.facts("SCJ0701"))
        }
        #expect(throws: ValidationError.self) {
            try c.applying(.withdraw(reason: String(repeating: "长", count: 501)), comment: nil, by: agent, facts: Self.facts("SCJ0701"))
        }
    }

    @Test func proxyStepsAreRecordedByTheAuthorizedAgentOnly() throws {
        let c = Self.sample(.closed)
        let change = try c.applying(.recordProxyStep(.followUp), comment: nil, by: Self.staff("dl-100201"), facts: Self.facts("SCJ0701"))
        #expect(change.events.map(\.action) == [.recordProxyStep] && change.case.status == .closed)
        #expect(change.case.proxy?.stepsDone[.followUp] != nil)
        let again = try change.case.applying(.recordProxyStep(.followUp), comment: nil, by: Self.staff("dl-100201"), facts: Self.facts("SCJ0701"))
        #expect(again.events.isEmpty)
        #expect(throws: CaseError.notTheAuthorizedAgent) {
            try c.applying(.recordProxyStep(.coordinate), comment: nil, by: Self.staff("dl-100202"), facts: Self.facts("SCJ0701"))
        }
        #expect(throws: CaseError.proxyStepNotManual) {
            try c.applying(.recordProxyStep(.authorize), comment: nil, by: Self.staff("dl-100201"), facts: Self.facts("SCJ0701"))
        }
    }

    @Test func anAgentFilesOnlyWithTheResidentsAuthorization() throws {
        let intake = Intake(pointId: nil, channel: nil, regionCode: nil, applicant: Self.applicant, materials: nil, decision: .accept,
                            reason: nil, comment: nil, authorization: nil)
        #expect(throws: CaseError.authorizationRequired) {
            try Case.intake(intake, id: UUID(), by: Self.staff("dl-100201"), held: [], facts: Self.facts("MZJ0508"))
        }
    }

    @Test func onlyTheAcceptingAndDecidingOrganisationsWithdrawSendBackOrDeliver() throws {
        // The county centre serves the whole county, yet a village case is not its to withdraw, pause or hand over.
        let county = Self.staff("ck-county-1")
        let accepted = Self.sample(.accepted)
        #expect(throws: CaseError.notHandledHere(action: CaseAction.withdraw.label)) {
            try accepted.applying(.withdraw(reason: "申请人要求撤回"), comment: nil, by: county, facts: Self.facts("SCJ0701"))
        }
        #expect(throws: CaseError.notHandledHere(action: CaseAction.deliver.label)) {
            try Self.sample(.approved).applying(.deliver(DeliveryDraft(method: "electronic")), comment: nil, by: county,
                                                      facts: Self.facts("SCJ0701"))
        }
        #expect(!accepted.availableActions(for: county, facts: Self.facts("SCJ0701")).contains(.withdraw))
        // The village agent who accepted it may, and the withdrawal says it was the applicant's request.
        let withdrawn = try accepted.applying(.withdraw(reason: "申请人要求撤回"), comment: nil, by: Self.staff("dl-100201"), facts: Self.facts("SCJ0701"))
        #expect(withdrawn.case.status == .withdrawn && withdrawn.events.last?.details["onRequestOf"] == "applicant")
    }

    @Test func anInstantCaseIsDecidedByTheOrganisationThatAcceptedIt() throws {
        let c = Self.sample(.accepted, item: "MZJ0508")
        #expect(throws: CaseError.instantDecidedByAcceptor(orgName: Self.directory.name(ofOrg: "village-100201"))) {
            try c.applying(.approve, comment: nil, by: Self.staff("ck-county-1"), facts: Self.facts("MZJ0508"))
        }
    }

    @Test func instantItemsAreDecidedAtIntakeUnderTheDecidersSeal() throws {
        let intake = Intake(pointId: nil, channel: nil, regionCode: nil, applicant: Self.applicant, materials: nil, decision: .accept,
                            reason: nil, comment: nil, authorization: .init(scope: "代为申请居住证明", signedOn: "2026-11-20", validUntil: "2026-12-31"))
        let change = try Case.intake(intake, id: UUID(), by: Self.staff("dl-100201"), held: [], facts: Self.facts("MZJ0508"))
        #expect(change.case.status == .approved && change.events.map(\.action) == [.accept, .approve])
        #expect(change.certificate?.licenceType == "居住证明" && change.case.sealNumber == change.certificate?.sealNumber)
        var atWindow = intake
        atWindow.authorization = nil
        #expect(throws: AuthorityError.self) {
            try Case.intake(atWindow, id: UUID(), by: Self.staff("ck-100"), held: [], facts: Self.facts("MZJ0508"))
        }
    }

    @Test func theScopeRule() {
        let village = Self.sample(.accepted)
        let expectations: [(String, Bool)] = [
            ("dl-100201", true),   // the village's own agent
            ("dl-100202", false),  // the neighbouring village
            ("ck-100", true),      // the town serves the village
            ("ck-101", false),     // another town
            ("sp-100", true),      // the town decides it
            ("sp-scjg", false),    // the owning bureau, while the town decides
            ("sp-gaj", false),     // an unrelated bureau
            ("ck-county-1", true), // the county centre sees the county
            ("jiandu", true), ("admin", true),
        ]
        for (username, sees) in expectations {
            #expect(village.isVisible(to: Self.staff(username).scope) == sees, "\(username)")
        }
        var bureau = village
        bureau.decidingOrgId = "dept-scjg"
        #expect(bureau.isVisible(to: Self.staff("sp-scjg").scope))
        var acceptedByOtherTown = village
        acceptedByOtherTown.acceptingOrgId = "town-101"
        #expect(acceptedByOtherTown.isVisible(to: Self.staff("ck-101").scope))
        #expect(Self.staff("ck-100").scope.regionPrefix == "990101100" && Self.staff("dl-100201").scope.regionPrefix == "990101100201")
        #expect(Self.staff("sp-scjg").scope.regionPrefix == nil && Self.staff("jiandu").scope.wholeCounty)
    }

    @Test func applicantsAreValidatedWithTheirFieldNamed() {
        let cases: [(String, String?, String?, String?, String, String)] = [
            ("alien", "11010519491231002X", nil, nil, "13812345678", "applicant.kind"),
            ("person", "110105194912310021", nil, nil, "13812345678", "applicant.idNumber"),
            ("person", nil, nil, nil, "13812345678", "applicant.idNumber"),
            ("person", "11010519491231002X", nil, nil, "12345", "applicant.phone"),
            ("organization", nil, "91350100M000100Y44", "张三", "13812345678", "applicant.creditCode"),
            ("organization", nil, "91350100M000100Y43", nil, "13812345678", "applicant.legalRepresentative"),
        ]
        for (kind, id, code, rep, phone, field) in cases {
            do {
                _ = try Applicant.validated(kind: kind, name: "某某", idNumber: id, creditCode: code, legalRepresentative: rep, phone: phone,
                                            today: LocalDate("2026-11-20")!)
                Issue.record("accepted \(kind) \(field)")
            } catch {
                #expect(error.fieldPath == field)
            }
        }
        #expect(Self.applicant.masked.idNumber == "110***********002X" && Self.applicant.masked.phone == "138****5678")
    }
}

/// New events continue the case's chain from its head, each hashed over its content.
private func isChain(_ events: [CaseEvent], after head: String) -> Bool {
    zip([head] + events.map(\.hash), events).allSatisfy { $1.previousHash == $0 } && events.allSatisfy { $0.computeHash() == $0.hash }
}
