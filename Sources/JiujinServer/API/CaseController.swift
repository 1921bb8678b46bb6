import Fluent
import JiujinCore
import Vapor

/// Cases: intake, online applications, lifecycle actions, lists and detail.
struct CaseController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("cases", use: intake)
        routes.post("applications", use: apply)
        routes.get("cases", use: list)
        routes.get("cases", ":id", use: detail)
        routes.get("cases", ":id", "applicant", use: applicant)
        routes.post("cases", ":id", "actions", use: act)
    }

    func intake(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let body = try req.content.decode(IntakeRequest.self)
        let service = CaseService(req: req)
        let model = try await service.intake(body, staff: staff)
        return try await created(try await view(model, service: service, staff: staff))
    }

    struct ApplicationReceipt: Content {
        var id: UUID
        var number: String
        var status: String
        var statusLabel: String
        var message: String
    }

    /// A resident files online; staff pre-review it later.
    func apply(req: Request) async throws -> Response {
        let body = try req.content.decode(OnlineApplicationRequest.self)
        let model = try await CaseService(req: req).submitOnline(body)
        let receipt = ApplicationReceipt(id: model.id!, number: model.number, status: model.status,
                                         statusLabel: CaseStatus.submitted.label,
                                         message: "申请已提交，办件编号 \(model.number)。工作人员预审后将短信通知您。")
        return try await created(receipt)
    }

    struct CaseList: Content {
        var count: Int
        var cases: [CaseSummary]
    }

    func list(req: Request) async throws -> CaseList {
        let staff = try req.requireStaff()
        var query = CaseLists(req: req, staff: staff).scoped()
        if let raw = req.query[String.self, at: "status"] {
            guard CaseStatus(rawValue: raw) != nil else { throw APIError.invalid("status", "办件状态「\(raw)」无效") }
            query = query.filter(\.$status == raw)
        }
        if let number = req.query[String.self, at: "number"] { query = query.filter(\.$number == number) }
        if req.query[String.self, at: "mine"] == "decide" { query = query.filter(\.$decidingOrgId == staff.org.id) }
        let limit = try DirectoryController.limit(req, default: 100, max: 1000)
        let rows = try await query.sort(\.$deadline).sort(\.$createdAt).limit(limit).all()
        let today = req.jiujin.today
        let lists = CaseLists(req: req, staff: staff)
        return CaseList(count: rows.count, cases: rows.map { m in
            let row = lists.row(m, today: today)
            return CaseSummary(id: m.id!, number: m.number, itemCode: m.itemCode, itemName: m.itemName,
                               applicantName: row.applicantName, channel: m.channel, status: m.status, statusLabel: row.statusLabel,
                               regionCode: m.regionCode, decidingOrgId: m.decidingOrgId, deadline: m.deadline, light: row.light,
                               version: m.version)
        })
    }

    func detail(req: Request) async throws -> CaseDetail {
        let staff = try req.requireStaff()
        let service = CaseService(req: req)
        let model = try await service.visibleCase(try Self.caseID(req), staff: staff)
        return try await view(model, service: service, staff: staff)
    }

    /// The unmasked applicant, for staff handling the case; every read is logged.
    func applicant(req: Request) async throws -> ApplicantView {
        let staff = try req.requireStaff([.windowClerk, .villageAgent, .approver, .supervisor])
        let service = CaseService(req: req)
        let model = try await service.visibleCase(try Self.caseID(req), staff: staff)
        let purpose = (req.query[String.self, at: "purpose"] ?? "办件处理").prefix(100)
        try await DataAccessLogModel(staffId: staff.id, caseId: model.id!, purpose: String(purpose), at: req.jiujin.now()).create(on: req.db)
        return ApplicantView(kind: model.applicantKind, name: model.applicantName, idNumber: model.applicantIdNumber,
                             creditCode: model.applicantCreditCode, legalRepresentative: model.applicantLegalRep,
                             phone: model.applicantPhone)
    }

    func act(req: Request) async throws -> CaseDetail {
        let staff = try req.requireStaff()
        let id = try Self.caseID(req)
        let body = try req.content.decode(ActionRequest.self)
        let service = CaseService(req: req)
        let model = try await service.act(on: id, body, staff: staff)
        return try await view(model, service: service, staff: staff)
    }

    static func caseID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("id"), let id = UUID(uuidString: raw) else { throw APIError.notFound("办件") }
        return id
    }

    func created<T: Content>(_ body: T) async throws -> Response {
        let response = Response(status: .created)
        try response.content.encode(body)
        return response
    }

    func view(_ m: CaseModel, service: CaseService, staff: AuthenticatedStaff) async throws -> CaseDetail {
        let ctx = service.ctx
        let d = ctx.directory
        let item = d.items[m.itemCode]
        let status = CaseStatus(rawValue: m.status) ?? .submitted
        let today = ctx.today
        var deadline = m.deadline
        var light: TrafficLight?
        var left: Int?
        var warnings: [WarningView] = []
        var paused = false
        if let clock = try service.clock(of: m) {
            paused = clock.isPaused
            let answer = try clock.deadline(calendar: ctx.calendar, today: today)
            deadline = answer.value.description
            warnings = answer.warnings.map { WarningView(code: $0.code, message: $0.message) }
            if status.isRunning {
                light = try clock.light(calendar: ctx.calendar, today: today)
                left = try clock.workingDaysLeft(calendar: ctx.calendar, today: today)
            }
        }
        let events = try await service.events(of: m)
        let region = DivisionCode(m.regionCode)
        var seal: String?
        if let delegationId = m.delegationId, let del = try await DelegationModel.find(delegationId, on: service.req.db) {
            seal = del.sealNumber
        }
        return CaseDetail(
            id: m.id!, number: m.number, itemCode: m.itemCode, itemName: m.itemName,
            applicant: ApplicantView(kind: m.applicantKind, name: Masking.name(m.applicantName),
                                     idNumber: m.applicantIdNumber.map(Masking.residentID),
                                     creditCode: m.applicantCreditCode.map(Masking.creditCode),
                                     legalRepresentative: m.applicantLegalRep.map(Masking.name), phone: Masking.phone(m.applicantPhone)),
            channel: m.channel, channelLabel: CaseChannel(rawValue: m.channel)?.label ?? m.channel, regionCode: m.regionCode,
            regionPath: region.map { d.tree.path(of: $0) } ?? "", pointId: m.pointId, acceptingOrgId: m.acceptingOrgId,
            decidingOrgId: m.decidingOrgId, decidingOrgName: m.decidingOrgId.flatMap { d.organizations[$0]?.name },
            delegationId: m.delegationId, sealNumber: seal, status: m.status, statusLabel: status.label,
            stage: status == .underReview ? item?.stages[safe: m.stageIndex] : nil, stageIndex: m.stageIndex,
            limitDays: m.limitDays, acceptedOn: m.acceptedOn, deadline: deadline, light: light?.rawValue, workingDaysLeft: left,
            paused: paused, warnings: warnings, materials: try JSONCoding.decode([StoredMaterial].self, m.materialsJSON),
            reason: m.reason, version: m.version,
            availableActions: CaseLifecycle.available(from: status, role: staff.role, isInstant: item?.isInstant ?? false).map(\.rawValue),
            events: events.map {
                EventView(sequence: $0.sequence, action: $0.action.rawValue, actionLabel: $0.action.label,
                          fromStatus: $0.fromStatus?.rawValue, toStatus: $0.toStatus.rawValue, actorId: $0.actorId,
                          actorRole: $0.actorRole.rawValue, orgId: $0.orgId, pointId: $0.pointId, at: $0.at, comment: $0.comment,
                          details: $0.details, hash: $0.hash)
            })
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
