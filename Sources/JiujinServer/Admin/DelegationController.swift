import Fluent
import JiujinCore
import Vapor

/// Delegations over JSON for administrators and supervisors: one entrustment document for several towns and
/// bureaus, extension, revocation (effective at once; open cases return to the delegating bureau).
struct DelegationController: RouteCollection {
    typealias DelegationView = CatalogController.DelegationView

    func boot(routes: RoutesBuilder) throws {
        routes.post("delegations", use: createDelegations)
        routes.post("delegations", ":id", "revoke", use: revokeDelegation)
        routes.post("delegations", ":id", "extend", use: extendDelegation)
    }

    static let managers = DelegationPages.roles

    /// One entrustment document for several receiving organisations and items.
    struct CreateBody: Content {
        var documentNumber: String
        var toOrgIds: [String]
        var itemCodes: [String]
        var canAccept: Bool
        var canDecide: Bool
        var validFrom: String
        var validTo: String?
        var backdateReason: String?
    }

    func createDelegations(req: Request) async throws -> Response {
        let staff = try req.requireStaff(Self.managers)
        let body = try req.content.decode(CreateBody.self)
        let draft = DelegationService.Draft(documentNumber: body.documentNumber, toOrgIds: body.toOrgIds, itemCodes: body.itemCodes,
                                            canAccept: body.canAccept, canDecide: body.canDecide, validFrom: body.validFrom, validTo: body.validTo,
                                            backdateReason: body.backdateReason)
        let created = try await DelegationService(req).create(draft, by: staff)
        let response = Response(status: .created)
        try response.content.encode(created.map { DelegationView($0, orgs: req.jiujin.directory.organizations) })
        return response
    }

    struct RevokeBody: Content {
        var reason: String
        var wholeDocument: Bool?
    }

    func revokeDelegation(req: Request) async throws -> [DelegationView] {
        let staff = try req.requireStaff(Self.managers)
        let body = try req.content.decode(RevokeBody.self)
        let changed = try await DelegationService(req).revoke(id: req.parameters.get("id") ?? "", wholeDocument: body.wholeDocument ?? false,
                                                                   reason: body.reason, by: staff)
        return changed.map { DelegationView($0, orgs: req.jiujin.directory.organizations) }
    }

    struct ExtendBody: Content {
        var validTo: String
    }

    func extendDelegation(req: Request) async throws -> DelegationView {
        let staff = try req.requireStaff(Self.managers)
        let body = try req.content.decode(ExtendBody.self)
        let del = try await DelegationService(req).extend(id: req.parameters.get("id") ?? "", until: body.validTo, by: staff)
        return DelegationView(del, orgs: req.jiujin.directory.organizations)
    }
}
