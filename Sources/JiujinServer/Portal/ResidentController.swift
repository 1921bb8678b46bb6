import Fluent
import JiujinCore
import SQLKit
import Vapor

/// The resident's side over JSON, for apps (the portal's pages do the same through `ResidentCases`): apply online,
/// list and follow one's cases, read one's messages and certificates, answer a pre-review notice with files; and
/// follow any case by number and query code without signing in.
struct ResidentController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.grouped(RateLimitMiddleware(door: .applications)).post("applications", use: apply)
        routes.get("resident", "cases", use: cases)
        routes.get("resident", "cases", ":id", use: detail)
        routes.get("resident", "messages", use: messages)
        routes.get("resident", "certificates", use: certificates)
        routes.grouped(RateLimitMiddleware(door: .applications))
            .on(.POST, "resident", "cases", ":id", "supplement", body: .collect(maxSize: CaseFileRoutes.bodyLimit), use: supplement)
        routes.grouped(RateLimitMiddleware(door: .ratings)).post("track", use: track)
    }

    struct ApplicationReceipt: Content {
        var id: UUID
        var number: String
        var status: String
        var statusLabel: String
        /// 查询密码: with the number it follows and rates the case; shown to the applicant this once.
        var queryCode: String
        var message: String
    }

    /// A signed-in resident files online; the window of their town pre-reviews it.
    func apply(req: Request) async throws -> Response {
        let r = try req.requireResident()
        let body = try req.content.decode(OnlineApplicationRequest.self)
        let c = try await ResidentCases(req: req).submit(body.application(pickupDefault: nil), uploads: [:], by: r)
        let code = try await CaseRows.queryCode(id: c.id, on: try sqlDatabase(req.db)) ?? ""
        let response = Response(status: .created)
        try response.content.encode(ApplicationReceipt(id: c.id, number: c.number, status: c.status.rawValue, statusLabel: c.status.label,
                                                       queryCode: code,
                                                       message: "申请已提交，办件编号 \(c.number)，查询密码 \(code)（请妥善保管）。工作人员预审后将短信通知您。"))
        return response
    }

    struct CaseList: Content {
        var count: Int
        var cases: [ResidentCaseLine]
    }

    func cases(req: Request) async throws -> CaseList {
        let list = try await ResidentCases(req: req).cases(of: try req.requireResident()).map(ResidentCaseLine.init)
        return CaseList(count: list.count, cases: list)
    }

    func detail(req: Request) async throws -> ResidentCaseView {
        let c = try await ResidentCases(req: req).own(try req.caseID(), of: try req.requireResident())
        return ResidentCaseView(c, events: try await CaseRows.events(of: c.id, on: try sqlDatabase(req.db)), directory: req.jiujin.directory)
    }

    struct MessageList: Content {
        var count: Int
        var messages: [ResidentCases.Message]
    }

    func messages(req: Request) async throws -> MessageList {
        let list = try await ResidentCases(req: req).messages(of: try req.requireResident())
        return MessageList(count: list.count, messages: list)
    }

    struct CertificateList: Content {
        var count: Int
        var certificates: [ResidentCases.Certificate]
    }

    func certificates(req: Request) async throws -> CertificateList {
        let service = ResidentCases(req: req)
        let list = try await service.certificates(for: try await service.cases(of: try req.requireResident()))
        return CertificateList(count: list.count, certificates: list)
    }

    /// Answers a one-time notice of pre-review: multipart with one file field per material, `m<i>[]` in the item's
    /// order (as `materials[].index` of the case lists them), and an optional `comment`.
    func supplement(req: Request) async throws -> Response {
        let r = try req.requireResident()
        let id = try req.caseID()
        let service = ResidentCases(req: req)
        let current = try await service.own(id, of: r)
        guard req.headers.contentType?.type == "multipart" else {
            throw APIError(.unsupportedMediaType, "multipart_required", "请以 multipart/form-data 上传补正材料（字段 m0[]、m1[]…）")
        }
        let uploads = MaterialUploads.read(req, materials: current.materials.map(\.name))
        let comment = try? req.content.get(String.self, at: "comment")
        let c = try await service.answerNotice(id, uploads: uploads, comment: comment, by: r)
        let response = Response(status: .created)
        try response.content.encode(ResidentCaseView(c, events: try await CaseRows.events(of: c.id, on: try sqlDatabase(req.db)),
                                                     directory: req.jiujin.directory))
        return response
    }

    struct TrackBody: Content {
        var number: String
        var queryCode: String
    }

    struct TrackAnswer: Content {
        var progress: ResidentCaseView
        var rateLink: String?
    }

    /// Follows a case by number and query code; every failure is the same 404.
    func track(req: Request) async throws -> TrackAnswer {
        let body = try req.content.decode(TrackBody.self)
        let c = try await Tracking.find(req, number: body.number, code: body.queryCode)
        return TrackAnswer(progress: ResidentCaseView(c, events: try await CaseRows.events(of: c.id, on: try sqlDatabase(req.db)),
                                                      directory: req.jiujin.directory, materials: false),
                           rateLink: TrackPage.rateLink(c, queryCode: body.queryCode))
    }
}

/// An online application by a resident (网上申请).
struct OnlineApplicationRequest: Content {
    var itemCode: String
    var regionCode: String
    var applicant: ApplicantInput
    var materials: [MaterialCheck]?
    var comment: String?
    var delivery: DeliveryChoice?

    /// 领取方式: pickup at a point (pointId), express (address) or electronic.
    struct DeliveryChoice: Content {
        var method: String
        var pointId: String?
        var address: String?
    }

    func application(pickupDefault: String?) -> ResidentCases.Application {
        ResidentCases.Application(itemCode: itemCode, regionCode: regionCode, applicant: applicant, materials: materials, comment: comment,
                                  deliveryMethod: delivery?.method ?? "pickup", deliveryPoint: delivery?.pointId ?? pickupDefault,
                                  deliveryAddress: delivery?.address)
    }
}
