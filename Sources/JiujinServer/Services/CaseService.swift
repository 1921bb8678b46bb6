import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// Takes cases in and moves them through the lifecycle: validates, checks
/// who may act, and writes the case and its events in one transaction under
/// optimistic locking.
struct CaseService {
    let req: Request
    var ctx: JiujinContext { req.jiujin }
    var directory: Directory { ctx.directory }

    // MARK: intake

    func intake(_ body: IntakeRequest, staff: AuthenticatedStaff) async throws -> CaseModel {
        let item = try directory.item(body.itemCode)
        let today = ctx.today
        var proxy: ProxyRecord?
        if let auth = body.authorization {
            guard staff.role == .villageAgent else {
                throw APIError.invalid("authorization", "只有帮办代办员受理时才填写委托书", code: "not_an_agent")
            }
            let record = ProxyAuthorization(agentId: staff.id, agentName: staff.member.name, scope: auth.scope,
                                            signedOn: try Self.date(auth.signedOn, field: "authorization.signedOn"),
                                            validUntil: try Self.date(auth.validUntil, field: "authorization.validUntil"))
            do { try record.validate(today: today) } catch { throw APIError.invalid(error.field, error.message) }
            proxy = ProxyRecord(authorization: record)
            for step in [ProxyStep.inform, .authorize, .file] { proxy!.mark(step, at: ctx.now()) }
        }
        let point = try workingPoint(body.pointId, staff: staff)
        guard let pointOrg = directory.organizations[point.orgId] else { throw APIError.notFound("站点所属机构") }
        let decision = try CaseAction.intakeDecision(body.decision)
        let channel = try channelFor(body.channel, point: point, staff: staff)
        let region = try handlingRegion(body.regionCode, point: point)
        let applicant = try Applicant.validate(body.applicant, today: today)
        let held = try await CertificateService(req: req).libraryTypes(holderNumber: applicant.number)
        let materials = try Self.resolveMaterials(item, body.materials, held: held)
        let missing = materials.filter { $0.required && !$0.provided && !$0.waivable }.map(\.name)

        let next = try CaseLifecycle.next(from: nil, action: decision, role: staff.role, isInstant: item.isInstant,
                                          reason: decision == .requestSupplement ? (body.reason ?? Self.noticeText(missing)) : body.reason)
        if let offered = point.offeredItems, !offered.contains(item.code) {
            throw APIError.forbidden("「\(point.name)」不受理事项「\(item.name)」")
        }
        let delegations = try await activeDelegations()
        if case .failure(let e) = Authority.check(org: pointOrg, item: item, action: .accept, on: today, delegations: delegations) {
            throw e
        }
        if decision == .accept && !missing.isEmpty {
            throw APIError.invalid("materials", "材料不齐全，不能受理：缺少\(missing.joined(separator: "、"))。请出具一次性告知书。",
                                   code: "materials_missing")
        }
        if decision == .requestSupplement && missing.isEmpty && (body.reason ?? "").trimmed.isEmpty {
            throw APIError.invalid("materials", "一次性告知须列明缺少或不符合要求的材料", code: "nothing_missing")
        }
        let (decider, delegation) = try decidingOrg(item: item, region: region, on: today, delegations: delegations)

        let model = try newCase(item: item, applicant: applicant, channel: channel, region: region, status: next,
                                materials: materials)
        model.pointId = point.id
        model.acceptedBy = staff.id
        model.acceptingOrgId = pointOrg.id
        model.decidingOrgId = decider.id
        model.delegationId = delegation?.id
        model.proxyJSON = try proxy.map { try JSONCoding.string($0) }
        var details: [String: String] = ["channel": channel.rawValue, "decidingOrg": decider.id]
        if let proxy { details["authorizationValidUntil"] = proxy.authorization.validUntil.description }
        if let delegation { details["delegation"] = delegation.documentNumber }
        switch next {
        case .accepted:
            model.acceptedOn = today.description
        case .needsSupplement:
            model.resumeStatus = CaseStatus.accepted.rawValue
            model.reason = body.reason?.trimmed.nonEmpty ?? Self.noticeText(missing)
            details["missing"] = missing.joined(separator: "、")
        case .rejectedAtIntake:
            model.reason = body.reason?.trimmed
        default:
            break
        }
        var events = [makeEvent(model, action: decision, from: nil, to: next, staff: staff, pointId: point.id,
                                comment: body.comment, details: details)]
        try await number(model, region: region, today: today)
        var certificates: [CertificateModel] = []
        if item.isInstant && next == .accepted {
            // 即办件: decided at the window in the same visit, under the decider's seal.
            let seal = try await sealNumber(for: decider.id)
            model.status = CaseStatus.approved.rawValue
            model.decidedAt = model.createdAt
            model.sealNumber = seal
            var approval = ["seal": seal]
            if let cert = try await CertificateService(req: req).certificate(for: model, item: item, regionPath: directory.tree.path(of: region)) {
                certificates.append(cert)
                approval["certificate"] = cert.id
            }
            events.append(makeEvent(model, action: .approve, from: .accepted, to: .approved, staff: staff,
                                    pointId: point.id, comment: "即办件当场办结", details: approval))
        }
        try refreshDeadline(model, today: today)
        try await insert(model, events: events, certificates: certificates)
        return model
    }

    func submitOnline(_ body: OnlineApplicationRequest) async throws -> CaseModel {
        let item = try directory.item(body.itemCode)
        let today = ctx.today
        guard item.onlineDepth == .fullyOnline || item.onlineDepth == .onlineAcceptance else {
            throw APIError(.unprocessableEntity, "not_online", "事项「\(item.name)」不支持网上申请，请到就近站点办理", field: "itemCode")
        }
        guard let region = DivisionCode(body.regionCode), directory.tree[region] != nil else {
            throw APIError.invalid("regionCode", "所在地区划代码无效")
        }
        let applicant = try Applicant.validate(body.applicant, today: today)
        let held = try await CertificateService(req: req).libraryTypes(holderNumber: applicant.number)
        let materials = try Self.resolveMaterials(item, body.materials, held: held)
        let model = try newCase(item: item, applicant: applicant, channel: .online, region: region, status: .submitted,
                                materials: materials)
        let event = makeEvent(model, action: .submit, from: nil, to: .submitted, actorId: "applicant", role: .applicant,
                              orgId: nil, pointId: nil, comment: body.comment, details: ["channel": "online"])
        try await number(model, region: region, today: today)
        try await insert(model, events: [event])
        return model
    }

    /// A new case row at version 1 with an empty event chain.
    func newCase(item: ServiceItem, applicant: Applicant, channel: CaseChannel, region: DivisionCode, status: CaseStatus,
                 materials: [StoredMaterial]) throws -> CaseModel {
        let model = CaseModel()
        model.id = UUID()
        model.itemCode = item.code
        model.itemName = item.name
        applicant.apply(to: model)
        model.channel = channel.rawValue
        model.regionCode = region.rawValue
        model.status = status.rawValue
        model.stageIndex = 0
        model.limitDays = item.promisedLimitDays
        model.pausesJSON = "[]"
        model.materialsJSON = try JSONCoding.string(materials)
        model.version = 1
        model.eventCount = 0
        model.lastHash = CaseEvent.genesisHash
        model.createdAt = ctx.now()
        model.updatedAt = model.createdAt
        return model
    }

    // MARK: lifecycle actions

    func act(on id: UUID, _ body: ActionRequest, staff: AuthenticatedStaff) async throws -> CaseModel {
        guard let action = CaseAction(rawValue: body.action), action != .submit else {
            throw APIError.invalid("action", "未知的操作「\(body.action)」", code: "unknown_action")
        }
        let model = try await visibleCase(id, staff: staff)
        if let expected = body.expectedVersion, expected != model.version { throw APIError.versionConflict }
        guard let status = CaseStatus(rawValue: model.status) else { throw APIError(.internalServerError, "corrupt_case", "办件状态无效") }
        let item = try directory.item(model.itemCode)
        let today = ctx.today
        let resume = model.resumeStatus.flatMap(CaseStatus.init(rawValue:))
        let next = try CaseLifecycle.next(from: status, action: action, role: staff.role, isInstant: item.isInstant,
                                          resumeTo: resume, reason: body.reason)
        let delegations = try await activeDelegations()
        var details: [String: String] = [:]
        try authorize(action, from: status, model: model, item: item, staff: staff, today: today,
                      delegations: delegations, details: &details)
        var pointId = model.pointId
        var pauses = try JSONCoding.decode([ClockPause].self, model.pausesJSON)
        var certificates: [CertificateModel] = []

        switch action {
        case .accept:
            let point = try workingPoint(body.pointId, staff: staff)
            pointId = point.id
            model.pointId = point.id
            model.acceptedBy = staff.id
            model.acceptingOrgId = point.orgId
            model.acceptedOn = today.description
            let region = DivisionCode(model.regionCode)!
            let (decider, delegation) = try decidingOrg(item: item, region: region, on: today, delegations: delegations)
            model.decidingOrgId = decider.id
            model.delegationId = delegation?.id
            details["decidingOrg"] = decider.id
        case .rejectAtIntake, .refuse, .withdraw:
            model.reason = body.reason?.trimmed
        case .requestSupplement:
            let missing = body.missingMaterials ?? []
            let known = Set(item.materials.map(\.name))
            for (i, m) in missing.enumerated() where !known.contains(m) {
                throw APIError.invalid("missingMaterials.\(i)", "「\(m)」不是该事项的申请材料")
            }
            model.reason = body.reason?.trimmed
            details["missing"] = missing.joined(separator: "、")
            model.resumeStatus = (status == .underReview ? CaseStatus.underReview : .accepted).rawValue
            if model.acceptedOn != nil { pauses.append(ClockPause(kind: .supplement, start: today)) }
        case .supplement:
            if model.acceptedOn == nil {
                model.acceptedOn = today.description
                model.acceptedBy = model.acceptedBy ?? staff.id
            } else if let i = pauses.lastIndex(where: { $0.end == nil }) {
                pauses[i].end = today
            }
            model.resumeStatus = nil
            model.reason = nil
        case .startReview:
            model.stageIndex = 0
            model.assigneeId = staff.id
            details["stage"] = item.stages.first ?? "审查"
        case .passStage:
            guard model.stageIndex + 1 < item.stages.count else {
                throw APIError(.conflict, "last_stage", "已是最后一个审查环节「\(item.stages.last ?? "")」，请作出决定")
            }
            details["passed"] = item.stages[model.stageIndex]
            model.stageIndex += 1
            details["stage"] = item.stages[model.stageIndex]
        case .startSpecialProcedure:
            pauses.append(ClockPause(kind: .specialProcedure, start: today))
            details["procedure"] = body.reason?.trimmed ?? ""
        case .endSpecialProcedure:
            if let i = pauses.lastIndex(where: { $0.end == nil }) { pauses[i].end = today }
        case .approve:
            if status == .underReview && model.stageIndex + 1 < item.stages.count {
                let left = item.stages[(model.stageIndex)...].joined(separator: "、")
                throw APIError(.conflict, "stages_pending", "尚有审查环节未完成：\(left)")
            }
            model.decidedAt = ctx.now()
            model.sealNumber = try await sealNumber(for: model.decidingOrgId ?? "")
            details["seal"] = model.sealNumber
            let region = DivisionCode(model.regionCode).map { directory.tree.path(of: $0) } ?? ""
            if let cert = try await CertificateService(req: req).certificate(for: model, item: item, regionPath: region) {
                certificates.append(cert)
                details["certificate"] = cert.id
            }
        case .reassign:
            guard let target = body.assigneeId, let colleague = try await StaffModel.find(target, on: req.db), colleague.active,
                  colleague.role == ActorRole.approver.rawValue, colleague.orgId == model.decidingOrgId else {
                throw APIError.invalid("assigneeId", "请选择本机构的审批人员作为接办人（AB角）")
            }
            model.assigneeId = target
            details["assignee"] = target
        case .deliver:
            try Self.deliveryDetails(body.delivery, today: today, into: &details)
            model.deliveryMethod = details["delivery"]
            model.trackingNumber = details["trackingNumber"]
        case .close, .submit:
            break
        }
        if action == .refuse {
            model.decidedAt = ctx.now()
            model.sealNumber = try await sealNumber(for: model.decidingOrgId ?? "")
            details["seal"] = model.sealNumber
        }
        model.pausesJSON = try JSONCoding.string(pauses)
        var events = [makeEvent(model, action: action, from: status, to: next, staff: staff, pointId: pointId,
                                comment: body.comment ?? body.reason, details: details)]
        model.status = next.rawValue
        if next == .delivered {
            // Handing the result over ends the case: it is archived in the same step.
            if var proxy = try model.proxyJSON.map({ try JSONCoding.decode(ProxyRecord.self, $0) }) {
                proxy.mark(.rateAndArchive, at: ctx.now())
                model.proxyJSON = try JSONCoding.string(proxy)
            }
            events.append(makeEvent(model, action: .close, from: .delivered, to: .closed, actorId: "system", role: .system,
                                    orgId: staff.org.id, pointId: pointId, comment: "送达后自动归档", details: [:]))
            model.status = CaseStatus.closed.rawValue
        }
        try refreshDeadline(model, today: today)
        try await save(model, appending: events, certificates: certificates)
        return model
    }

    /// Who may take `action` on this case: the decider's approvers for review
    /// and decisions, staff working in the case's region for intake and delivery.
    func authorize(_ action: CaseAction, from status: CaseStatus, model: CaseModel, item: ServiceItem,
                   staff: AuthenticatedStaff, today: LocalDate, delegations: [Delegation],
                   details: inout [String: String]) throws {
        let reviewActions: Set<CaseAction> = [.startReview, .passStage, .startSpecialProcedure, .endSpecialProcedure, .approve, .refuse]
        let instantAtWindow = item.isInstant && status == .accepted && (action == .approve || action == .refuse)
        let isReview = (reviewActions.contains(action) && !instantAtWindow)
            || (action == .requestSupplement && status == .underReview)
            || (staff.role == .approver && [.supplement, .deliver, .close, .requestSupplement].contains(action))
        if action == .reassign && staff.role == .supervisor { return }
        if isReview || action == .reassign {
            guard model.decidingOrgId == staff.org.id else {
                throw APIError.forbidden("该办件由「\(directory.organizations[model.decidingOrgId ?? ""]?.name ?? "其他机构")」审批，您无权处理")
            }
            switch Authority.check(org: staff.org, item: item, action: .decide, on: today, delegations: delegations) {
            case .failure(let e): throw e
            case .success(.delegated(let d)):
                details["delegation"] = d.documentNumber
                if let seal = d.sealNumber { details["seal"] = seal }
            case .success(.ownRight): break
            }
            return
        }
        guard inRegionScope(model, staff: staff) else { throw APIError.forbidden("该办件不在您的服务范围内") }
        if [.accept, .rejectAtIntake, .requestSupplement, .approve, .refuse].contains(action) {
            if case .failure(let e) = Authority.check(org: staff.org, item: item, action: .accept, on: today, delegations: delegations) {
                throw e
            }
        }
    }

    /// Gives a new case its number (a failed intake may leave a gap in the day's sequence, as paper registers do).
    func number(_ model: CaseModel, region: DivisionCode, today: LocalDate) async throws {
        let county = directory.tree.roots.first?.code ?? region.county
        model.number = try await ctx.gate.run { try await Self.allocateNumber(county: county, date: today, on: req.db) }.description
    }

    /// Stores a new case with its first events and certificates, in one transaction.
    func insert(_ model: CaseModel, events: [CaseEvent], certificates: [CertificateModel] = []) async throws {
        try await ctx.gate.run {
            try await req.db.transaction { tx in
                try await model.create(on: tx)
                for c in certificates { try await c.create(on: tx) }
                for e in events { try await CaseEventModel(e, caseId: model.id!).create(on: tx) }
                try await outbox(model, events, on: tx)
            }
        }
    }

    func save(_ model: CaseModel, appending events: [CaseEvent], certificates: [CertificateModel] = []) async throws {
        let expected = model.version
        model.updatedAt = ctx.now()
        try await ctx.gate.run {
            try await req.db.transaction { tx in
                guard let sql = tx as? SQLDatabase else { throw APIError(.internalServerError, "no_sql", "数据库不支持") }
                let claimed = try await sql.update(CaseModel.schema)
                    .set("version", to: SQLBind(expected + 1))
                    .where("id", .equal, SQLBind(model.id!))
                    .where("version", .equal, SQLBind(expected))
                    .returning("id")
                    .all()
                guard claimed.count == 1 else { throw APIError.versionConflict }
                model.version = expected + 1
                try await model.save(on: tx)
                for c in certificates { try await c.create(on: tx) }
                for e in events { try await CaseEventModel(e, caseId: model.id!).create(on: tx) }
                try await outbox(model, events, on: tx)
            }
        }
    }

    // MARK: reading

    func visibleCase(_ id: UUID, staff: AuthenticatedStaff) async throws -> CaseModel {
        guard let model = try await CaseModel.find(id, on: req.db), canSee(model, staff: staff) else {
            throw APIError.notFound("办件")
        }
        return model
    }

    func canSee(_ model: CaseModel, staff: AuthenticatedStaff) -> Bool {
        if staff.seesWholeCounty { return true }
        if model.decidingOrgId == staff.org.id || model.acceptingOrgId == staff.org.id { return true }
        if staff.org.kind == .department { return false }
        return inRegionScope(model, staff: staff)
    }

    func inRegionScope(_ model: CaseModel, staff: AuthenticatedStaff) -> Bool {
        if staff.seesWholeCounty { return true }
        guard staff.org.kind == .town || staff.org.kind == .village, let region = DivisionCode(model.regionCode) else { return false }
        return region.isWithin(staff.scope)
    }

    func events(of model: CaseModel) async throws -> [CaseEvent] {
        try await CaseEventModel.query(on: req.db).filter(\.$caseId == model.id!).sort(\.$sequence).all().map { try $0.domain() }
    }

    // MARK: helpers

    func activeDelegations() async throws -> [Delegation] {
        try await DelegationModel.query(on: req.db).filter(\.$revokedOn == nil).all().map { try $0.domain() }
    }

    /// The point the member works at for this case: the one named, which must be theirs, or their organisation's own.
    func workingPoint(_ id: String?, staff: AuthenticatedStaff) throws -> ServicePoint {
        if let id {
            guard let point = directory.pointsById[id] else { throw APIError.invalid("pointId", "服务站点「\(id)」不存在", code: "unknown_point") }
            let mobile: Set<ServicePoint.Kind> = [.serviceBus, .selfService, .partnerBank, .partnerPost, .partnerShop, .partnerOther]
            let allowed = point.orgId == staff.org.id
                || (mobile.contains(point.kind) && (staff.seesWholeCounty || point.region.isWithin(staff.scope)))
            guard allowed else { throw APIError.forbidden("您不在「\(point.name)」工作，不能以该站点受理") }
            return point
        }
        guard let own = directory.points.first(where: { $0.orgId == staff.org.id && !$0.kind.isPartner && $0.kind != .serviceBus && $0.kind != .selfService }) else {
            throw APIError.invalid("pointId", "请指定受理站点", code: "point_required")
        }
        return own
    }

    func channelFor(_ raw: String?, point: ServicePoint, staff: AuthenticatedStaff) throws -> CaseChannel {
        if let raw {
            guard let c = CaseChannel(rawValue: raw), c != .online else {
                throw APIError.invalid("channel", "受理渠道「\(raw)」无效", code: "invalid_channel")
            }
            return c
        }
        switch point.kind {
        case .serviceBus: return .serviceBus
        case .selfService: return .selfService
        case .partnerBank, .partnerPost, .partnerShop, .partnerOther: return .partnerPoint
        case .villageStation: return staff.role == .villageAgent ? .villageAgent : .window
        case .countyCentre, .townCentre: return staff.role == .villageAgent ? .villageAgent : .window
        }
    }

    func handlingRegion(_ raw: String?, point: ServicePoint) throws -> DivisionCode {
        guard let raw else { return point.region }
        guard let code = DivisionCode(raw), directory.tree[code] != nil else {
            throw APIError.invalid("regionCode", "申请人所在地区划代码「\(raw)」无效")
        }
        return code
    }

    /// The organisation that decides: the nearest one to the applicant's region
    /// that has the authority today (own right or delegation), else the owning bureau.
    func decidingOrg(item: ServiceItem, region: DivisionCode, on date: LocalDate,
                     delegations: [Delegation]) throws -> (Organization, Delegation?) {
        var candidates: [Organization] = []
        if region.level == .village, let v = directory.organization(runningRegion: region) { candidates.append(v) }
        if let town = region.town, let t = directory.organization(runningRegion: town) { candidates.append(t) }
        if let dept = directory.organizations[item.departmentId] { candidates.append(dept) }
        for org in candidates {
            if case .success(let grant) = Authority.check(org: org, item: item, action: .decide, on: date, delegations: delegations) {
                return (org, grant.delegation)
            }
        }
        let level = item.decisionLevel == .village ? "村（社区）" : "镇（街道）"
        throw APIError.invalid("regionCode", "事项「\(item.name)」由\(level)审批，请填写申请人所在的\(level)", code: "region_required")
    }

    func makeEvent(_ model: CaseModel, action: CaseAction, from: CaseStatus?, to: CaseStatus, staff: AuthenticatedStaff,
                   pointId: String?, comment: String?, details: [String: String]) -> CaseEvent {
        makeEvent(model, action: action, from: from, to: to, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                  pointId: pointId, comment: comment, details: details)
    }

    /// Builds the next event of the case's chain and advances the chain head on the model.
    func makeEvent(_ model: CaseModel, action: CaseAction, from: CaseStatus?, to: CaseStatus, actorId: String, role: ActorRole,
                   orgId: String?, pointId: String?, comment: String?, details: [String: String]) -> CaseEvent {
        let event = CaseEvent(caseId: model.id!.uuidString, sequence: model.eventCount + 1, action: action, fromStatus: from,
                              toStatus: to, actorId: actorId, actorRole: role, orgId: orgId, pointId: pointId, at: ctx.now(),
                              comment: comment?.trimmed.nonEmpty, details: details, previousHash: model.lastHash)
        model.eventCount += 1
        model.lastHash = event.hash
        return event
    }

    func clock(of model: CaseModel) throws -> CaseClock? {
        guard let started = model.acceptedOn.flatMap(LocalDate.init) else { return nil }
        return CaseClock(startedOn: started, limitDays: model.limitDays,
                         pauses: try JSONCoding.decode([ClockPause].self, model.pausesJSON))
    }

    func refreshDeadline(_ model: CaseModel, today: LocalDate) throws {
        guard let clock = try clock(of: model) else { model.deadline = nil; return }
        model.deadline = try clock.deadline(calendar: ctx.calendar, today: today).value.description
    }

    /// Queues the applicant's messages for these events (the last event that owes one wins: one SMS per change).
    func outbox(_ model: CaseModel, _ events: [CaseEvent], on db: Database) async throws {
        let county = directory.tree.roots.first?.name ?? ""
        guard let messages = events.reversed().lazy.map({ Outbox.messages(for: model, after: $0, county: county, now: ctx.now()) })
            .first(where: { !$0.isEmpty }) else { return }
        for m in messages { try await m.create(on: db) }
    }

    /// The seal the deciding organisation signs with (一枚印章); deciding without one is refused.
    func sealNumber(for orgId: String) async throws -> String {
        guard let seal = try await SealModel.query(on: req.db).filter(\.$holderOrgId == orgId).filter(\.$active == true)
            .sort(\.$number).first() else {
            throw APIError(.unprocessableEntity, "no_seal", "「\(directory.organizations[orgId]?.name ?? orgId)」没有可用的审批专用章，不能作出决定，请联系管理员")
        }
        return seal.number
    }

    static func date(_ raw: String, field: String) throws -> LocalDate {
        guard let d = LocalDate(raw) else { throw APIError.invalid(field, "日期格式应为 YYYY-MM-DD") }
        return d
    }

    static func allocateNumber(county: DivisionCode, date: LocalDate, on db: Database) async throws -> CaseNumber {
        guard let sql = db as? SQLDatabase else { throw APIError(.internalServerError, "no_sql", "数据库不支持") }
        let key = CaseNumber.sequenceKey(county: county, date: date)
        let row = try await sql.raw("""
            INSERT INTO case_sequences (key, next_value) VALUES (\(bind: key), 1)
            ON CONFLICT (key) DO UPDATE SET next_value = case_sequences.next_value + 1
            RETURNING next_value
            """).first()
        guard let value = try row?.decode(column: "next_value", as: Int.self) else {
            throw APIError(.internalServerError, "sequence_failed", "办件编号分配失败")
        }
        return CaseNumber(county: county, date: date, sequence: value)
    }

    /// The checklist as received: a material is waived (免提交) when the licence library holds its licence for this applicant.
    static func resolveMaterials(_ item: ServiceItem, _ checks: [MaterialCheck]?, held: Set<String>) throws -> [StoredMaterial] {
        var provided: [String: MaterialCheck] = [:]
        if let checks {
            let known = Set(item.materials.map(\.name))
            for (i, c) in checks.enumerated() {
                guard known.contains(c.name) else {
                    throw APIError.invalid("materials.\(i).name", "「\(c.name)」不是事项「\(item.name)」的申请材料", code: "unknown_material")
                }
                provided[c.name] = c
            }
        }
        return item.materials.map { m in
            let check = provided[m.name]
            return StoredMaterial(name: m.name, required: m.required, provided: checks == nil ? true : (check?.provided ?? false),
                                  waivable: m.licenceSource.map(held.contains) ?? false, note: check?.note)
        }
    }

    static func noticeText(_ missing: [String]) -> String {
        missing.isEmpty ? "" : "请补正以下材料：\(missing.joined(separator: "、"))"
    }

    static func deliveryDetails(_ d: DeliveryInput?, today: LocalDate, into details: inout [String: String]) throws {
        guard let d else { throw APIError.invalid("delivery", "请填写出件方式", code: "delivery_required") }
        let methods = ["window": "窗口领取", "express": "邮寄送达", "electronic": "电子送达", "agent": "代办员送达"]
        guard methods[d.method] != nil else { throw APIError.invalid("delivery.method", "出件方式「\(d.method)」无效") }
        details["delivery"] = d.method
        if d.method == "express" {
            guard let carrier = d.carrier?.trimmed.nonEmpty else { throw APIError.invalid("delivery.carrier", "邮寄送达须填写快递公司") }
            guard let no = d.trackingNumber?.trimmed.nonEmpty, no.count <= 40,
                  no.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw APIError.invalid("delivery.trackingNumber", "快递单号应为字母或数字")
            }
            details["carrier"] = carrier
            details["trackingNumber"] = no
        }
        if d.method == "window" {
            // Results are handed over only against the collector's ID card (领取人身份核验).
            guard let name = d.collectorName?.trimmed.nonEmpty else { throw APIError.invalid("delivery.collectorName", "窗口领取须登记领取人姓名") }
            guard let raw = d.collectorIdNumber else { throw APIError.invalid("delivery.collectorIdNumber", "窗口领取须核验领取人身份证") }
            do {
                details["collectorId"] = try ResidentID(raw, today: today).masked
            } catch {
                throw APIError.invalid("delivery.collectorIdNumber", error.message, code: error.code)
            }
            details["collector"] = Masking.name(name)
        } else if let name = d.collectorName?.trimmed.nonEmpty {
            details["collector"] = Masking.name(name)
        }
    }
}

extension CaseAction {
    static func intakeDecision(_ raw: String?) throws -> CaseAction {
        switch raw ?? "accept" {
        case "accept": return .accept
        case "request_supplement": return .requestSupplement
        case "reject_at_intake": return .rejectAtIntake
        default: throw APIError.invalid("decision", "受理决定应为 accept、request_supplement 或 reject_at_intake")
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nonEmpty: String? { isEmpty ? nil : self }
}
