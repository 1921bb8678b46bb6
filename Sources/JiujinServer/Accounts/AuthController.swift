import JiujinCore
import Vapor

/// Sign-in over JSON: tokens, the signed-in member, password change.
struct AuthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.grouped(RateLimitMiddleware(door: .signIn)).post("auth", "token", use: login)
        routes.delete("auth", "token", use: logout)
        routes.get("auth", "me", use: me)
        routes.post("auth", "password", use: changePassword)
    }

    struct PasswordChange: Content {
        var currentPassword: String
        var newPassword: String
    }

    func changePassword(req: Request) async throws -> HTTPStatus {
        guard let staff = req.storage[StaffKey.self] else { throw APIError.unauthenticated }
        let body = try req.content.decode(PasswordChange.self)
        try await TokenService(req).changePassword(staffId: staff.id, current: body.currentPassword, new: body.newPassword,
                                                   keepToken: req.headers.bearerAuthorization.map { TokenService.hash($0.token) })
        return .noContent
    }

    struct LoginRequest: Content {
        var username: String
        var password: String
    }

    struct StaffView: Content {
        var id: String
        var username: String
        var name: String
        var role: String
        var roleLabel: String
        var orgId: String
        var orgName: String
        var mustChangePassword: Bool

        init(_ s: AuthenticatedStaff) {
            mustChangePassword = s.mustChangePassword
            id = s.member.id
            username = s.member.username
            name = s.member.name
            role = s.role.rawValue
            roleLabel = s.role.label
            orgId = s.org.id
            orgName = s.org.name
        }
    }

    struct TokenResponse: Content {
        var token: String
        var expiresAt: Date
        var staff: StaffView
    }

    func login(req: Request) async throws -> TokenResponse {
        let body = try req.content.decode(LoginRequest.self)
        let (token, expires, staff) = try await TokenService(req).issue(username: body.username, password: body.password,
                                                                       address: req.clientAddress)
        return TokenResponse(token: token, expiresAt: expires, staff: StaffView(staff))
    }

    func logout(req: Request) async throws -> HTTPStatus {
        _ = try req.requireStaff()
        if let token = req.headers.bearerAuthorization?.token { try await TokenService(req).revoke(token) }
        return .noContent
    }

    func me(req: Request) async throws -> StaffView {
        guard let staff = req.storage[StaffKey.self] else { throw APIError.unauthenticated }
        return StaffView(staff)
    }
}
