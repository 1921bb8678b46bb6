import JiujinCore
import Vapor

// The JSON shapes of the cases API (openapi.yaml), and their mapping to and from the core's values.

/// An applicant as sent in an intake, and as shown back (masked, or in full where the read is logged).
struct ApplicantInput: Content {
    /// "person" (自然人) or "organization" (法人).
    var kind: String
    var name: String
    var idNumber: String?
    var creditCode: String?
    var legalRepresentative: String?
    var phone: String

    init(kind: String, name: String, idNumber: String?, creditCode: String?, legalRepresentative: String?, phone: String) {
        self.kind = kind
        self.name = name
        self.idNumber = idNumber
        self.creditCode = creditCode
        self.legalRepresentative = legalRepresentative
        self.phone = phone
    }

    init(_ a: Applicant) {
        self.init(kind: a.kind.rawValue, name: a.name, idNumber: a.idNumber, creditCode: a.creditCode,
                  legalRepresentative: a.legalRepresentative, phone: a.phone)
    }

    func validated(today: LocalDate) throws -> Applicant {
        try Applicant.validated(kind: kind, name: name, idNumber: idNumber, creditCode: creditCode,
                                legalRepresentative: legalRepresentative, phone: phone, today: today)
    }
}

typealias ApplicantView = ApplicantInput

/// A case taken in at a window or by an agent.
struct IntakeRequest: Content {
    var itemCode: String
    var pointId: String?
    var channel: String?
    /// The applicant's village or town, when it differs from the point's.
    var regionCode: String?
    var applicant: ApplicantInput
    var materials: [MaterialCheck]?
    /// accept (default), request_supplement or reject_at_intake.
    var decision: String?
    var reason: String?
    var comment: String?
    /// The resident's written authorization, when an agent files on their behalf (委托书).
    var authorization: AuthorizationInput?

    func intake(today: LocalDate) throws -> Intake {
        Intake(pointId: pointId, channel: try channel.map { try CaseChannel.parseForIntake($0) }, regionCode: regionCode,
               applicant: try applicant.validated(today: today), materials: materials, decision: try Intake.Decision.parse(decision),
               reason: reason, comment: comment,
               authorization: authorization.map { Intake.Authorization(scope: $0.scope, signedOn: $0.signedOn, validUntil: $0.validUntil) })
    }
}

struct AuthorizationInput: Content {
    var scope: String
    var signedOn: String
    var validUntil: String
}

struct ActionRequest: Content {
    var action: String
    var expectedVersion: Int?
    var reason: String?
    var comment: String?
    var missingMaterials: [String]?
    var pointId: String?
    var delivery: DeliveryDraft?
    /// For reassign: the colleague who takes the case over.
    var assigneeId: String?
    /// For record_proxy_step: coordinate (协调办理) or follow_up (跟踪反馈).
    var step: String?

    /// The command this request names; `submit` has its own door (online applications).
    func command() throws -> CaseCommand {
        switch CaseAction(rawValue: action) {
        case .accept: return .accept(pointId: pointId)
        case .rejectAtIntake: return .rejectAtIntake(reason: reason)
        case .requestSupplement: return .requestSupplement(missing: missingMaterials ?? [], reason: reason)
        case .supplement: return .supplement
        case .startReview: return .startReview
        case .passStage: return .passStage
        case .startSpecialProcedure: return .startSpecialProcedure(procedure: reason)
        case .endSpecialProcedure: return .endSpecialProcedure
        case .approve: return .approve
        case .refuse: return .refuse(reason: reason)
        case .deliver: return .deliver(delivery)
        case .close: return .close
        case .withdraw: return .withdraw(reason: reason)
        case .reassign: return .reassign(assigneeId: assigneeId)
        case .recordProxyStep:
            guard let raw = step, let step = ProxyStep(rawValue: raw) else { throw CaseError.proxyStepNotManual }
            return .recordProxyStep(step)
        case .attachMaterial:
            throw APIError.invalid("action", "上传材料请用 POST /api/v1/cases/{id}/materials（multipart，字段 material 与 files）", code: "use_materials_upload")
        case .submit, nil:
            throw APIError.invalid("action", "未知的操作「\(action.prefix(40))」", code: "unknown_action")
        }
    }
}

struct CaseSummary: Content {
    var id: String
    var number: String
    var itemCode: String
    var itemName: String
    var applicantName: String
    var channel: String
    var status: String
    var statusLabel: String
    var regionCode: String
    var decidingOrgId: String?
    var deadline: String?
    var light: String?
    var version: Int
}

struct EventView: Content {
    var sequence: Int
    var action: String
    var actionLabel: String
    var fromStatus: String?
    var toStatus: String
    var actorId: String
    var actorRole: String
    var orgId: String?
    var pointId: String?
    var at: Date
    var comment: String?
    var details: [String: String]
    var hash: String

    init(_ e: CaseEvent) {
        sequence = e.sequence
        action = e.action.rawValue
        actionLabel = e.action.label
        fromStatus = e.fromStatus?.rawValue
        toStatus = e.toStatus.rawValue
        actorId = e.actorId
        actorRole = e.actorRole.rawValue
        orgId = e.orgId
        pointId = e.pointId
        at = e.at
        comment = e.comment
        details = e.details
        hash = e.hash
    }
}

struct CaseDetail: Content {
    var id: UUID
    var number: String
    var itemCode: String
    var itemName: String
    var applicant: ApplicantView
    var channel: String
    var channelLabel: String
    var regionCode: String
    var regionPath: String
    var pointId: String?
    var acceptingOrgId: String?
    var decidingOrgId: String?
    var decidingOrgName: String?
    var delegationId: String?
    /// The seal that signs for the case: the decision's once decided, before that the one the delegation entrusts.
    var sealNumber: String?
    /// The seal that actually signed the decision (also when the bureau decides itself); null until decided.
    var decisionSealNumber: String?
    var decidedAt: Date?
    /// The seal entrusted with the delegation the case runs under, if any.
    var delegationSealNumber: String?
    /// The item's guide version the case was taken in under (办事指南版本).
    var guideVersion: Int?
    var status: String
    var statusLabel: String
    var stage: String?
    var stageIndex: Int
    var limitDays: Int
    var acceptedOn: String?
    var deadline: String?
    var light: String?
    var workingDaysLeft: Int?
    var paused: Bool
    var warnings: [WarningView]
    var materials: [StoredMaterial]
    var reason: String?
    var version: Int
    /// What the member asking may do now; the case page offers exactly these.
    var availableActions: [String]
    /// The proxy record (帮办代办记录) when an agent files for the resident: the authorization and the six steps.
    var proxy: ProxyRecordView?
    /// What the resident was told and how (跟踪反馈记录), oldest first.
    var feedback: [FeedbackView]
    var events: [EventView]

    init(_ v: CaseView) {
        let c = v.c
        id = c.id
        number = c.number
        itemCode = c.itemCode
        itemName = c.itemName
        applicant = ApplicantView(v.applicant)
        channel = c.channel.rawValue
        channelLabel = c.channel.label
        regionCode = c.region.rawValue
        regionPath = v.regionPath
        pointId = c.pointId
        acceptingOrgId = c.acceptingOrgId
        decidingOrgId = c.decidingOrgId
        decidingOrgName = c.decidingOrgId.flatMap { v.directory.organizations[$0]?.name }
        delegationId = c.delegationId
        sealNumber = c.sealNumber ?? v.delegationSeal
        decisionSealNumber = c.sealNumber
        decidedAt = c.decidedAt
        delegationSealNumber = v.delegationSeal
        guideVersion = c.guideVersion
        status = c.status.rawValue
        statusLabel = c.status.label
        stage = v.item.flatMap(c.stage(of:))
        stageIndex = c.stageIndex
        limitDays = c.limitDays
        acceptedOn = c.acceptedOn?.description
        deadline = v.clock.deadline?.description
        light = v.clock.light?.rawValue
        workingDaysLeft = v.clock.workingDaysLeft
        paused = v.clock.paused
        warnings = v.clock.warnings.map(WarningView.init)
        materials = c.materials
        reason = c.reason
        version = c.version
        availableActions = v.actions.map(\.rawValue)
        proxy = c.proxy.map(ProxyRecordView.init)
        feedback = v.feedback.map { FeedbackView(at: $0.at, channel: $0.channel, text: $0.text, staffId: $0.staffId, staffName: v.name(of: $0.staffId)) }
        events = v.events.map(EventView.init)
    }
}

/// A proxied case's record: the resident's authorization (委托书) and when each of the six steps was done.
struct ProxyRecordView: Content {
    struct Authorization: Content {
        var agentId: String
        var agentName: String
        var scope: String
        var signedOn: String
        var validUntil: String
    }

    struct Step: Content {
        var step: String
        var label: String
        var done: Bool
        var doneAt: Date?
        /// Whether the agent marks it by hand (协调办理, 跟踪反馈); the others follow from the case.
        var manual: Bool
    }

    var authorization: Authorization
    var steps: [Step]

    init(_ record: ProxyRecord) {
        let a = record.authorization
        authorization = Authorization(agentId: a.agentId, agentName: a.agentName, scope: a.scope, signedOn: a.signedOn.description,
                                      validUntil: a.validUntil.description)
        steps = ProxyStep.allCases.map { step in
            let at = record.stepsDone[step].map { Date(timeIntervalSince1970: Double($0) / 1000) }
            return Step(step: step.rawValue, label: step.label, done: at != nil, doneAt: at, manual: step.isManual)
        }
    }
}

/// One entry of the feedback log.
struct FeedbackView: Content {
    var at: Date
    var channel: String
    var text: String
    var staffId: String
    var staffName: String?
}
