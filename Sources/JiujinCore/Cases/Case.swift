import Foundation

/// A case (办件): one application for one item, from intake to archive.
///
/// The value holds everything the rules need; `Case.intake` makes one,
/// `applying` moves it, `availableActions` says what a member of staff may do
/// with it. Every change appends hash-chained events and leaves `version` to
/// the store, which claims it (optimistic locking).
public struct Case: Hashable, Sendable {
    public var id: UUID
    /// Readable number (`CaseNumber`), empty until the store allocates it.
    public var number: String
    public var itemCode: String
    public var itemName: String
    public var applicant: Applicant
    public var channel: CaseChannel
    /// The applicant's village or town.
    public var region: DivisionCode
    public var pointId: String?
    public var acceptedBy: String?
    public var acceptingOrgId: String?
    public var decidingOrgId: String?
    public var delegationId: String?
    public var status: CaseStatus
    /// Where a 补正 returns to.
    public var resumeStatus: CaseStatus?
    public var stageIndex: Int
    public var assigneeId: String?
    public var limitDays: Int
    public var acceptedOn: LocalDate?
    public var pauses: [ClockPause]
    public var deadline: LocalDate?
    public var materials: [StoredMaterial]
    public var reason: String?
    public var decidedAt: Date?
    public var sealNumber: String?
    /// The agent's authorization and six-step record, for proxied cases.
    public var proxy: ProxyRecord?
    public var deliveryMethod: DeliveryMethod?
    public var trackingNumber: String?
    /// The version of the item's guide the case was taken in under (nil for cases from before versions were kept).
    public var guideVersion: Int?
    public var version: Int
    public var eventCount: Int
    public var lastHash: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, number: String, itemCode: String, itemName: String, applicant: Applicant, channel: CaseChannel,
                region: DivisionCode, pointId: String? = nil, acceptedBy: String? = nil, acceptingOrgId: String? = nil,
                decidingOrgId: String? = nil, delegationId: String? = nil, status: CaseStatus, resumeStatus: CaseStatus? = nil,
                stageIndex: Int = 0, assigneeId: String? = nil, limitDays: Int, acceptedOn: LocalDate? = nil, pauses: [ClockPause] = [],
                deadline: LocalDate? = nil, materials: [StoredMaterial], reason: String? = nil, decidedAt: Date? = nil,
                sealNumber: String? = nil, proxy: ProxyRecord? = nil, deliveryMethod: DeliveryMethod? = nil,
                trackingNumber: String? = nil, guideVersion: Int? = nil, version: Int = 1, eventCount: Int = 0, lastHash: String = CaseEvent.genesisHash,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.number = number
        self.itemCode = itemCode
        self.itemName = itemName
        self.applicant = applicant
        self.channel = channel
        self.region = region
        self.pointId = pointId
        self.acceptedBy = acceptedBy
        self.acceptingOrgId = acceptingOrgId
        self.decidingOrgId = decidingOrgId
        self.delegationId = delegationId
        self.status = status
        self.resumeStatus = resumeStatus
        self.stageIndex = stageIndex
        self.assigneeId = assigneeId
        self.limitDays = limitDays
        self.acceptedOn = acceptedOn
        self.pauses = pauses
        self.deadline = deadline
        self.materials = materials
        self.reason = reason
        self.decidedAt = decidedAt
        self.sealNumber = sealNumber
        self.proxy = proxy
        self.deliveryMethod = deliveryMethod
        self.trackingNumber = trackingNumber
        self.guideVersion = guideVersion
        self.version = version
        self.eventCount = eventCount
        self.lastHash = lastHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The promised-time clock, once the case has been accepted.
    public var clock: CaseClock? {
        acceptedOn.map { CaseClock(startedOn: $0, limitDays: limitDays, pauses: pauses) }
    }

    /// The review stage the case is in, while under review.
    public func stage(of item: ServiceItem) -> String? {
        status == .underReview && item.stages.indices.contains(stageIndex) ? item.stages[stageIndex] : nil
    }

    /// Whether staff see this case (`StaffScope`).
    public func isVisible(to scope: StaffScope) -> Bool {
        scope.sees(decidingOrgId: decidingOrgId, acceptingOrgId: acceptingOrgId, point: pointId, region: region)
    }

    /// The traffic light of an open case from its stored deadline.
    public func light(today: LocalDate, calendar: WorkingDayCalendar) -> TrafficLight? {
        TrafficLight.of(status: status, deadline: deadline, today: today, calendar: calendar)
    }

    /// Appends the next event of the chain and advances the head.
    mutating func record(_ action: CaseAction, from: CaseStatus?, to: CaseStatus, actorId: String, role: ActorRole, orgId: String?,
                         pointId: String?, at: Date, comment: String?, attachments: [String] = [], details: [String: String]) -> CaseEvent {
        let event = CaseEvent(caseId: id.uuidString, sequence: eventCount + 1, action: action, fromStatus: from, toStatus: to,
                              actorId: actorId, actorRole: role, orgId: orgId, pointId: pointId, at: at,
                              comment: comment, attachments: attachments, details: details, previousHash: lastHash)
        eventCount += 1
        lastHash = event.hash
        return event
    }

    /// Recomputes the promised deadline after a change of the clock.
    mutating func refreshDeadline(calendar: WorkingDayCalendar, today: LocalDate) throws(CalendarError) {
        deadline = try clock?.deadline(calendar: calendar, today: today).value
    }
}

/// What a change produced: the case as it now is, the events to append and
/// the certificate to sign. The messages the applicant is owed follow from
/// the case and its events (`ApplicantMessage.owed`) once the case has its number.
public struct CaseChange: Sendable {
    public var `case`: Case
    public var events: [CaseEvent]
    public var certificate: CertificateOrder?

    public init(case: Case, events: [CaseEvent], certificate: CertificateOrder? = nil) {
        self.case = `case`
        self.events = events
        self.certificate = certificate
    }
}
