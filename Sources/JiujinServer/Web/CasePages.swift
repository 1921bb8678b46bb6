import Fluent
import JiujinCore
import Vapor

/// Case lists, the approver's inbox, supervision, the case page with its actions, and the proxy record.
struct CasePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("cases", use: list)
        routes.get("inbox", use: inbox)
        routes.get("supervision", use: supervision)
        routes.get("cases", ":id", use: show)
        routes.post("cases", ":id", "reveal", use: reveal)
        routes.post("cases", ":id", "action", use: act)
        routes.post("cases", ":id", "feedback", use: feedback)
        routes.post("cases", ":id", "proxy-step", use: proxyStep)
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var heading: String
        var rows: [CaseLists.Row]
        var overdue: Int
        var dueSoon: Int
        var empty: String
    }

    func list(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let lists = CaseLists(req: req, staff: staff)
        let models = try await lists.scoped().sort(\.$createdAt, .descending).limit(300).all()
        return try await renderList(req, lists: lists, models: models, heading: staff.role == .villageAgent ? "本村（社区）办件" : "办件列表",
                                    section: "cases", empty: "暂无办件。")
    }

    func inbox(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver])
        let lists = CaseLists(req: req, staff: staff)
        return try await renderList(req, lists: lists, models: try await lists.inbox(), heading: "待办审批（按办结期限排序）",
                                    section: "inbox", empty: "没有待审批的办件。")
    }

    /// 督办: every open case in scope that is overdue or due within one working day.
    func supervision(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.supervisor, .administrator])
        let lists = CaseLists(req: req, staff: staff)
        let today = req.jiujin.today
        let models = try await lists.openCases(limit: 2000).filter {
            let r = lists.row($0, today: today)
            return r.overdue || r.dueSoon
        }
        return try await renderList(req, lists: lists, models: models, heading: "督办：超期与临期办件", section: "supervision",
                                    empty: "没有超期或临期的办件。")
    }

    func renderList(_ req: Request, lists: CaseLists, models: [CaseModel], heading: String, section: String,
                    empty: String) async throws -> Response {
        let today = req.jiujin.today
        let rows = models.map { lists.row($0, today: today) }
        let page = ListPage(layout: .make(req, title: heading, section: section), heading: heading, rows: rows,
                            overdue: rows.filter(\.overdue).count, dueSoon: rows.filter(\.dueSoon).count, empty: empty)
        return try await req.render("cases", page)
    }

    // MARK: the case page

    struct EventRow: Encodable {
        var at: String
        var action: String
        var change: String
        var actor: String
        var comment: String?
        var details: String
    }

    struct MaterialLine: Encodable {
        var name: String
        var required: Bool
        var provided: Bool
        var waivable: Bool
    }

    struct StepRow: Encodable {
        var step: String
        var label: String
        var doneAt: String?
        var canMark: Bool
    }

    struct FeedbackRow: Encodable {
        var at: String
        var channel: String
        var text: String
        var staff: String
    }

    struct ActionForm: Encodable {
        var action: String
        var label: String
        var needsReason: Bool
        var isDelivery: Bool
        var isSupplementRequest: Bool
        var isReassign: Bool
        var primary: Bool
    }

    struct Documents: Encodable {
        var receipt: Bool
        var notice: Bool
        var refusal: Bool
        var decision: Bool
        var authorization: Bool
    }

    struct CasePage: Encodable {
        var layout: LayoutContext
        var c: CaseDetail
        var applicantRevealed: Bool
        var applicant: ApplicantView
        var pointName: String?
        var assigneeName: String?
        var delegationDocument: String?
        var events: [EventRow]
        var materials: [MaterialLine]
        var itemMaterials: [String]
        var actions: [ActionForm]
        var colleagues: [WindowPages.Option]
        var proxy: ProxyView?
        var feedback: [FeedbackRow]
        var documents: Documents
        var certificates: [CertificateRow]
        var canRevokeCertificates: Bool
        var ratable: Bool
        var error: String?
    }

    struct CertificateRow: Encodable {
        var id: String
        var type: String
        var issued: String
        var revoked: Bool
    }

    struct ProxyView: Encodable {
        var agentName: String
        var scope: String
        var signedOn: String
        var validUntil: String
        var steps: [StepRow]
    }

    func show(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        return try await renderCase(req, staff: staff, id: try CaseController.caseID(req), reveal: false, error: nil, status: .ok)
    }

    func reveal(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.windowClerk, .villageAgent, .approver, .supervisor])
        let id = try CaseController.caseID(req)
        let model = try await CaseService(req: req).visibleCase(id, staff: staff)
        try await DataAccessLogModel(staffId: staff.id, caseId: model.id!, purpose: "工作台查看申请人完整信息", at: req.jiujin.now()).create(on: req.db)
        return try await renderCase(req, staff: staff, id: id, reveal: true, error: nil, status: .ok)
    }

    static func time(_ date: Date) -> String {
        let d = LocalDate(date, in: .china)
        let seconds = Int(date.timeIntervalSince1970) + TimeZone.china.secondsFromGMT(for: date)
        let minutes = ((seconds % 86_400) + 86_400) % 86_400 / 60
        return "\(d) \(String(format: "%02d:%02d", minutes / 60, minutes % 60))"
    }

    func renderCase(_ req: Request, staff: AuthenticatedStaff, id: UUID, reveal: Bool, error: String?,
                    status: HTTPStatus) async throws -> Response {
        let service = CaseService(req: req)
        let model = try await service.visibleCase(id, staff: staff)
        let detail = try await CaseController().view(model, service: service, staff: staff)
        let d = req.jiujin.directory
        let staffIds = Set(detail.events.map(\.actorId) + [model.assigneeId].compactMap { $0 })
        let names = Dictionary(uniqueKeysWithValues: try await StaffModel.query(on: req.db).filter(\.$id ~~ Array(staffIds)).all()
            .map { ($0.id!, $0.name) })
        let detailKeys: [(String, String)] = [("missing", "缺少材料"), ("seal", "印章"), ("delegation", "委托书"), ("stage", "环节"),
                                              ("passed", "已通过"), ("delivery", "出件方式"), ("carrier", "快递"), ("trackingNumber", "单号"),
                                              ("collector", "领取人"), ("collectorId", "领取人证件"), ("assignee", "接办人"),
                                              ("procedure", "特别程序")]
        let events = detail.events.map { e in
            EventRow(at: Self.time(e.at), action: e.actionLabel,
                     change: "\(e.fromStatus.flatMap(CaseStatus.init(rawValue:))?.label ?? "新建") → \(CaseStatus(rawValue: e.toStatus)?.label ?? e.toStatus)",
                     actor: "\(names[e.actorId] ?? (e.actorRole == "applicant" ? "申请人" : e.actorId))（\(e.orgId.flatMap { d.organizations[$0]?.name } ?? "")）",
                     comment: e.comment,
                     details: detailKeys.compactMap { k, label in
                         e.details[k].flatMap { $0.isEmpty ? nil : "\(label)：\(k == "assignee" ? (names[$0] ?? $0) : $0)" }
                     }.joined(separator: "；"))
        }
        let item = d.items[model.itemCode]
        let caseStatus = CaseStatus(rawValue: model.status) ?? .submitted
        var actions: [ActionForm] = []
        let delegations = try await service.activeDelegations()
        for action in CaseLifecycle.available(from: caseStatus, role: staff.role, isInstant: item?.isInstant ?? false) {
            guard let item else { break }
            var scratch: [String: String] = [:]
            guard (try? service.authorize(action, from: caseStatus, model: model, item: item, staff: staff, today: req.jiujin.today,
                                          delegations: delegations, details: &scratch)) != nil else { continue }
            if action == .approve, caseStatus == .underReview, model.stageIndex + 1 < item.stages.count { continue }
            if action == .passStage, model.stageIndex + 1 >= item.stages.count { continue }
            actions.append(ActionForm(action: action.rawValue, label: action.label, needsReason: action.needsReason,
                                      isDelivery: action == .deliver, isSupplementRequest: action == .requestSupplement,
                                      isReassign: action == .reassign,
                                      primary: [.accept, .approve, .startReview, .passStage, .deliver, .supplement].contains(action)))
        }
        var colleagues: [WindowPages.Option] = []
        if actions.contains(where: \.isReassign), let decider = model.decidingOrgId {
            colleagues = try await StaffModel.query(on: req.db).filter(\.$orgId == decider)
                .filter(\.$role == ActorRole.approver.rawValue).filter(\.$active == true).sort(\.$id).all()
                .filter { $0.id != model.assigneeId }.map { WindowPages.Option(value: $0.id!, label: $0.name, selected: false) }
        }
        var proxyView: ProxyView?
        if let json = model.proxyJSON, let record = try? JSONCoding.decode(ProxyRecord.self, json) {
            let isAgent = staff.id == record.authorization.agentId
            proxyView = ProxyView(agentName: record.authorization.agentName, scope: record.authorization.scope,
                                  signedOn: record.authorization.signedOn.description,
                                  validUntil: record.authorization.validUntil.description,
                                  steps: ProxyStep.allCases.map { step in
                                      StepRow(step: step.rawValue, label: step.label,
                                              doneAt: record.stepsDone[step].map { Self.time(Date(timeIntervalSince1970: Double($0) / 1000)) },
                                              canMark: isAgent && record.stepsDone[step] == nil && [.coordinate, .followUp].contains(step))
                                  })
        }
        let feedback = try await CaseFeedbackModel.query(on: req.db).filter(\.$caseId == id).sort(\.$at).all().map {
            FeedbackRow(at: Self.time($0.at), channel: $0.channel, text: $0.text, staff: names[$0.staffId] ?? $0.staffId)
        }
        let actionsDone = Set(detail.events.map(\.action))
        let documents = Documents(receipt: model.acceptedOn != nil, notice: actionsDone.contains(CaseAction.requestSupplement.rawValue),
                                  refusal: caseStatus == .rejectedAtIntake,
                                  decision: [.approved, .refused, .delivered, .closed].contains(caseStatus) && model.decidedAt != nil,
                                  authorization: model.proxyJSON != nil)
        let applicant = reveal
            ? ApplicantView(kind: model.applicantKind, name: model.applicantName, idNumber: model.applicantIdNumber,
                            creditCode: model.applicantCreditCode, legalRepresentative: model.applicantLegalRep, phone: model.applicantPhone)
            : detail.applicant
        let page = CasePage(layout: .make(req, title: "办件 \(model.number)", section: "cases"), c: detail, applicantRevealed: reveal,
                            applicant: applicant, pointName: model.pointId.flatMap { d.pointsById[$0]?.name },
                            assigneeName: model.assigneeId.flatMap { names[$0] }, delegationDocument: detail.events.last { $0.details["delegation"] != nil }?.details["delegation"],
                            events: events, materials: detail.materials.map {
                                MaterialLine(name: $0.name, required: $0.required, provided: $0.provided, waivable: $0.waivable)
                            }, itemMaterials: item?.materials.map(\.name) ?? [], actions: actions, colleagues: colleagues,
                            proxy: proxyView, feedback: feedback, documents: documents,
                            certificates: try await CertificateModel.query(on: req.db).filter(\.$caseId == id).all().map {
                                CertificateRow(id: $0.id!, type: $0.type, issued: $0.issuedOn, revoked: $0.revokedAt != nil)
                            },
                            canRevokeCertificates: staff.seesWholeCounty || (staff.role == .approver && staff.org.id == model.decidingOrgId),
                            ratable: [.windowClerk, .villageAgent].contains(staff.role) && RatingRules.ratableStatuses.contains(caseStatus),
                            error: error)
        return try await req.render("case", page, status: status)
    }

    struct ActionFormValues: Content {
        var action: String
        var expectedVersion: Int?
        var reason: String?
        var comment: String?
        var missing: [String]?
        var method: String?
        var carrier: String?
        var trackingNumber: String?
        var collectorName: String?
        var collectorIdNumber: String?
        var assigneeId: String?
    }

    func act(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let id = try CaseController.caseID(req)
        let v = try req.content.decode(ActionFormValues.self)
        let body = ActionRequest(action: v.action, expectedVersion: v.expectedVersion, reason: v.reason?.trimmed.nonEmpty,
                                 comment: v.comment?.trimmed.nonEmpty, missingMaterials: v.missing,
                                 delivery: v.action == CaseAction.deliver.rawValue
                                     ? DeliveryInput(method: v.method ?? "", carrier: v.carrier, trackingNumber: v.trackingNumber,
                                                     collectorName: v.collectorName, collectorIdNumber: v.collectorIdNumber)
                                     : nil,
                                 assigneeId: v.assigneeId)
        do {
            _ = try await CaseService(req: req).act(on: id, body, staff: staff)
        } catch {
            let mapped = JSONErrorMiddleware.map(error)
            guard mapped.status != .internalServerError, mapped.status != .notFound else { throw error }
            return try await renderCase(req, staff: staff, id: id, reveal: false, error: mapped.message, status: mapped.status)
        }
        return req.redirect(to: "/cases/\(id.uuidString)?done=action")
    }

    struct FeedbackForm: Content {
        var channel: String
        var text: String
    }

    /// The agent's log of what the resident was told (跟踪反馈); the first entry marks that step done.
    func feedback(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.villageAgent, .windowClerk])
        let id = try CaseController.caseID(req)
        let service = CaseService(req: req)
        let model = try await service.visibleCase(id, staff: staff)
        let form = try req.content.decode(FeedbackForm.self)
        let channels = ["电话", "当面", "短信", "微信", "上门"]
        guard channels.contains(form.channel), let text = form.text.trimmed.nonEmpty, text.count <= 500 else {
            return try await renderCase(req, staff: staff, id: id, reveal: false, error: "请选择反馈方式并填写反馈内容（500字以内）",
                                        status: .unprocessableEntity)
        }
        let entry = CaseFeedbackModel()
        entry.caseId = id
        entry.staffId = staff.id
        entry.channel = form.channel
        entry.text = text
        entry.at = req.jiujin.now()
        try await req.jiujin.gate.run {
            try await req.db.transaction { tx in
                try await entry.create(on: tx)
                try await markStep(.followUp, on: model, staff: staff, req: req, db: tx)
            }
        }
        return req.redirect(to: "/cases/\(id.uuidString)?done=feedback")
    }

    struct StepForm: Content {
        var step: String
    }

    func proxyStep(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.villageAgent])
        let id = try CaseController.caseID(req)
        let model = try await CaseService(req: req).visibleCase(id, staff: staff)
        guard let step = ProxyStep(rawValue: try req.content.decode(StepForm.self).step), [.coordinate, .followUp].contains(step) else {
            throw APIError.invalid("step", "只能手动记录“协调办理”和“跟踪反馈”")
        }
        try await req.jiujin.gate.run { try await markStep(step, on: model, staff: staff, req: req, db: req.db) }
        return req.redirect(to: "/cases/\(id.uuidString)?done=step")
    }

    /// Marks a proxy step on the case's record; only the authorized agent may.
    func markStep(_ step: ProxyStep, on model: CaseModel, staff: AuthenticatedStaff, req: Request, db: Database) async throws {
        guard let json = model.proxyJSON, var record = try? JSONCoding.decode(ProxyRecord.self, json) else { return }
        guard record.authorization.agentId == staff.id else {
            if staff.role == .villageAgent { throw APIError.forbidden("只有受托的代办员可以记录代办步骤") }
            return
        }
        record.mark(step, at: req.jiujin.now())
        model.proxyJSON = try JSONCoding.string(record)
        try await model.save(on: db)
    }
}
