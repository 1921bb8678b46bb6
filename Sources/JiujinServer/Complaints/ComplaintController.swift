import JiujinCore
import Vapor

/// Complaints and suggestions over JSON: filing (anyone, rate-limited; a resident's token gives their phone),
/// following by number and query code, a resident's own list, and the staff desk with assign and answer.
struct ComplaintController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let limited = routes.grouped(RateLimitMiddleware(door: .complaints))
        limited.post("complaints", use: file)
        limited.post("complaints", "lookup", use: lookup)
        routes.get("resident", "complaints", use: mine)
        routes.get("complaints", use: desk)
        routes.post("complaints", ":id", "actions", use: act)
    }

    func file(req: Request) async throws -> Response {
        let filed = try await ComplaintService(req: req).file(try req.content.decode(ComplaintService.Filing.self),
                                                              by: req.storage[ResidentKey.self])
        let response = Response(status: .created)
        try response.content.encode(filed)
        return response
    }

    struct LookupBody: Content {
        var number: String
        var queryCode: String
    }

    func lookup(req: Request) async throws -> ComplaintService.Record {
        let body = try req.content.decode(LookupBody.self)
        return try await ComplaintService(req: req).lookup(number: body.number, code: body.queryCode)
    }

    struct List: Content {
        var count: Int
        var overdue: Int
        var complaints: [ComplaintService.Record]
    }

    func mine(req: Request) async throws -> List {
        let list = try await ComplaintService(req: req).mine(try req.requireResident())
        return List(count: list.count, overdue: list.filter(\.overdue).count, complaints: list)
    }

    func desk(req: Request) async throws -> List {
        let list = try await ComplaintService(req: req).desk(for: try req.requireStaff(ComplaintPages.roles))
        return List(count: list.count, overdue: list.filter(\.overdue).count, complaints: list)
    }

    func act(req: Request) async throws -> ComplaintService.Record {
        let staff = try req.requireStaff(ComplaintPages.roles)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("投诉建议") }
        return try await ComplaintService(req: req).act(on: id, try req.content.decode(ComplaintService.ActionInput.self), by: staff)
    }
}
