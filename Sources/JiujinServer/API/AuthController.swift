import JiujinCore
import Vapor

struct AuthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.post("auth", "token", use: login)
        routes.delete("auth", "token", use: logout)
        routes.get("auth", "me", use: me)
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

        init(_ s: AuthenticatedStaff) {
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
        guard !body.username.isEmpty, body.username.count <= 64, !body.password.isEmpty, body.password.count <= 128 else {
            throw APIError(.unauthorized, "invalid_credentials", "用户名或密码错误")
        }
        let (token, expires, staff) = try await req.jiujin.gate.run {
            try await TokenService.issue(username: body.username, password: body.password, on: req)
        }
        return TokenResponse(token: token, expiresAt: expires, staff: StaffView(staff))
    }

    func logout(req: Request) async throws -> HTTPStatus {
        _ = try req.requireStaff()
        if let token = req.headers.bearerAuthorization?.token { try await TokenService.revoke(token, on: req) }
        return .noContent
    }

    func me(req: Request) async throws -> StaffView { StaffView(try req.requireStaff()) }
}
