import Fluent
import JiujinCore
import Vapor

/// Case lists, the approver's inbox, supervision (督办), the case page with
/// its actions, and the agent's proxy record and feedback.
struct CasePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("cases", use: list)
        routes.get("inbox", use: inbox)
        routes.get("supervision", use: supervision)
        routes.get("prereview", use: preReview)
        routes.get("cases", ":id", use: show)
        routes.post("cases", ":id", "reveal", use: reveal)
        routes.post("cases", ":id", "action", use: act)
        routes.post("cases", ":id", "feedback", use: feedback)
        routes.post("cases", ":id", "proxy-step", use: proxyStep)
    }

    func list(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let lists = CaseLists(req, staff: staff)
        let rows = try await lists.rows(CaseLists.Filter(), order: .newest, limit: 300)
        let heading = staff.role == .villageAgent ? "本村（社区）办件" : "办件列表"
        return try await req.render(CasesPage(layout: req.layout(title: heading, section: "cases"), heading: heading, rows: rows,
                                              empty: "暂无办件。"))
    }

    func inbox(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.approver])
        let lists = CaseLists(req, staff: staff)
        let heading = "待办审批（按办结期限排序）"
        return try await req.render(CasesPage(layout: req.layout(title: heading, section: "inbox"), heading: heading,
                                              rows: try await lists.inbox(), empty: "没有待审批的办件。"))
    }

    /// 督办: every open case in scope that is overdue or due within one working day.
    func supervision(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.supervisor, .administrator])
        let lists = CaseLists(req, staff: staff)
        let rows = try await lists.openCases(limit: 2000).filter { $0.overdue || $0.dueSoon }
        let heading = "督办：超期与临期办件"
        return try await req.render(CasesPage(layout: req.layout(title: heading, section: "supervision"), heading: heading, rows: rows,
                                              empty: "没有超期或临期的办件。"))
    }

    /// 网上预审: the online applications of the member's window; each opens on the case page, where it is accepted,
    /// answered with a one-time notice (the resident uploads the supplements online) or refused at intake.
    func preReview(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.windowClerk, .supervisor])
        let heading = "网上预审（先到先审）"
        return try await req.render(CasesPage(layout: req.layout(title: heading, section: "prereview"), heading: heading,
                                              rows: try await CaseLists(req, staff: staff).preReview(), empty: "没有待预审的网上申请。"))
    }

    func show(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        return try await renderCase(req, staff: staff, id: try req.caseID(), revealPurpose: nil, error: nil, status: .ok)
    }

    func reveal(req: Request) async throws -> Response {
        let staff = try req.pageStaff(ActorRole.frontDesk.union([.approver, .supervisor]))
        return try await renderCase(req, staff: staff, id: try req.caseID(), revealPurpose: "工作台查看申请人完整信息",
                                    error: nil, status: .ok)
    }

    func renderCase(_ req: Request, staff: AuthenticatedStaff, id: UUID, revealPurpose: String?, error: String?,
                    status: HTTPStatus) async throws -> Response {
        let view = try await CaseReader(req).view(id, for: staff, revealPurpose: revealPurpose)
        let page = CasePage(view: view, staff: staff.staff, layout: req.layout(title: "办件 \(view.c.number)", section: "cases"),
                            error: error)
        return try await req.render(page, status: status)
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

        var request: ActionRequest {
            ActionRequest(action: action, expectedVersion: expectedVersion, reason: reason?.trimmed.nonEmpty,
                          comment: comment?.trimmed.nonEmpty, missingMaterials: missing,
                          delivery: action == CaseAction.deliver.rawValue
                              ? DeliveryDraft(method: method ?? "", carrier: carrier, trackingNumber: trackingNumber,
                                              collectorName: collectorName, collectorIdNumber: collectorIdNumber)
                              : nil,
                          assigneeId: assigneeId)
        }
    }

    func act(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let id = try req.caseID()
        let body = try req.content.decode(ActionFormValues.self).request
        do {
            _ = try await CaseService(req).act(on: id, try body.command(), comment: body.comment, expectedVersion: body.expectedVersion,
                                               by: staff)
        } catch {
            let mapped = JSONErrorMiddleware.map(error)
            guard mapped.status != .internalServerError, mapped.status != .notFound else { throw error }
            return try await renderCase(req, staff: staff, id: id, revealPurpose: nil, error: mapped.message, status: mapped.status)
        }
        return req.redirect(to: "/cases/\(id.uuidString)?done=action")
    }

    struct FeedbackForm: Content {
        var channel: String
        var text: String
    }

    /// The agent's log of what the resident was told (跟踪反馈); the first entry marks that step done.
    func feedback(req: Request) async throws -> Response {
        let staff = try req.pageStaff(ActorRole.frontDesk)
        let id = try req.caseID()
        let form = try req.content.decode(FeedbackForm.self)
        let entry: ProxyFeedback
        do {
            entry = try ProxyFeedback.validated(channel: form.channel, text: form.text)
        } catch {
            _ = try await CaseService(req).visibleCase(id, staff: staff)
            return try await renderCase(req, staff: staff, id: id, revealPurpose: nil, error: error.message, status: .unprocessableEntity)
        }
        try await CaseService(req).recordFeedback(on: id, entry, by: staff)
        return req.redirect(to: "/cases/\(id.uuidString)?done=feedback")
    }

    struct StepForm: Content {
        var step: String
    }

    func proxyStep(req: Request) async throws -> Response {
        let staff = try req.pageStaff([.villageAgent])
        let id = try req.caseID()
        guard let step = ProxyStep(rawValue: try req.content.decode(StepForm.self).step) else { throw CaseError.proxyStepNotManual }
        _ = try await CaseService(req).act(on: id, .recordProxyStep(step), comment: nil, expectedVersion: nil, by: staff)
        return req.redirect(to: "/cases/\(id.uuidString)?done=step")
    }
}
