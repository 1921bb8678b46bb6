import Crypto
import Fluent
import Foundation
import JiujinCore
import Vapor

/// A window rating device (评价器) of a service point. Its browser holds a random token (cookie `jiujin_device`);
/// the table keeps its SHA-256. `pending`: the case a clerk has sent to it for rating.
final class RatingDeviceModel: Model, @unchecked Sendable {
    static let schema = "rating_devices"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "point_id") var pointId: String
    @Field(key: "name") var name: String
    @OptionalField(key: "token_hash") var tokenHash: String?
    @OptionalField(key: "pairing_hash") var pairingHash: String?
    @OptionalField(key: "pairing_expires_at") var pairingExpiresAt: Date?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "pending_case_id") var pendingCaseId: UUID?
    @OptionalField(key: "pending_by") var pendingBy: String?
    @OptionalField(key: "pending_at") var pendingAt: Date?

    init() {}
}

/// The devices page (`admin/devices.leaf`): every device with its point and state, the form for a new one, and a
/// fresh pairing code shown once.
struct DevicesPage: PageContext {
    static let template = "admin/devices"

    struct Row: Encodable, Sendable {
        var id: String
        var name: String
        var point: String
        var state: String
        var active: Bool
    }

    var layout: LayoutContext
    var rows: [Row]
    var points: [Option]
    var pairingCode: String?
    var pairingFor: String?
    var error: String?
}

/// The tablet's page (`ratings/device.leaf`): pair, wait for a case (reloading itself), rate, thank.
struct DevicePage: PageContext {
    static let template = "ratings/device"
    var layout: LayoutContext
    /// "pair", "waiting", "rate" or "done".
    var state: String
    var deviceName: String?
    var pointName: String?
    var caseId: String?
    var number: String?
    var itemName: String?
    var levels = RatingLevel.allCases.reversed().map { LevelChoice(value: $0.rawValue, label: $0.label) }
    var indicators = RatingService.indicators
    var followUpOpened = false
    var error: String?
}

/// The clerk's page to send a case to a device of their point (`ratings/push.leaf`).
struct PushPage: PageContext {
    static let template = "ratings/push"
    var layout: LayoutContext
    var caseId: String
    var number: String
    var itemName: String
    var devices: [Option]
    var error: String?
}

/// Rating devices: administrators register and pair them; a clerk or agent sends a finished case to a device of
/// their own point; the device, and nothing signed in as staff, records the resident's rating. So staff cannot
/// rate their own work from their desk.
struct RatingDeviceRoutes: RouteCollection {
    static let cookie = "jiujin_device"
    static let pairingLifetime: TimeInterval = 30 * 60

    func boot(routes: RoutesBuilder) throws {
        routes.get("admin", "devices", use: devices)
        routes.post("admin", "devices", use: register)
        routes.post("admin", "devices", ":id", "pairing", use: newPairing)
        routes.post("admin", "devices", ":id", "revoke", use: revoke)
        routes.get("window", "rate", ":id", use: pushPage)
        routes.post("window", "rate", ":id", use: push)
        routes.get("device", use: devicePage)
        routes.grouped(RateLimitMiddleware(door: .signIn)).post("device", "pair", use: pair)
        routes.post("device", "rate", use: rate)
    }

    static func hash(_ s: String) -> String { TokenService.hash("device:" + s) }

    // MARK: administrators

    func devices(req: Request) async throws -> Response {
        _ = try req.pageStaff(StaffAdminRoutes.roles)
        return try await renderDevices(req, code: nil, codeFor: nil, error: nil, status: .ok)
    }

    func renderDevices(_ req: Request, code: String?, codeFor: String?, error: String?, status: HTTPStatus) async throws -> Response {
        let d = req.jiujin.directory
        let now = req.jiujin.now()
        let rows = try await RatingDeviceModel.query(on: req.db).sort(\.$pointId).sort(\.$name).all().map { m in
            let state = m.revokedAt != nil ? "已停用" : m.tokenHash != nil ? "已配对" :
                (m.pairingExpiresAt.map { $0 > now } ?? false) ? "待配对" : "配对码已过期"
            return DevicesPage.Row(id: m.id ?? "", name: m.name, point: d.pointsById[m.pointId]?.name ?? m.pointId, state: state,
                                   active: m.revokedAt == nil)
        }
        let points = d.points.filter { [.countyCentre, .townCentre, .villageStation].contains($0.kind) }.sorted { $0.id < $1.id }
            .map { Option(value: $0.id, label: $0.name, selected: false) }
        return try await req.render(DevicesPage(layout: req.layout(title: "评价器管理", section: "devices"), rows: rows, points: points,
                                                pairingCode: code, pairingFor: codeFor, error: error), status: status)
    }

    struct RegisterForm: Content {
        var pointId: String
        var name: String
    }

    func register(req: Request) async throws -> Response {
        let staff = try req.pageStaff(StaffAdminRoutes.roles)
        let form = try req.content.decode(RegisterForm.self)
        let name = form.name.trimmed
        guard !name.isEmpty, name.count <= 50 else { return try await renderDevices(req, code: nil, codeFor: nil, error: "请填写评价器名称（50字以内）", status: .unprocessableEntity) }
        guard req.jiujin.directory.pointsById[form.pointId] != nil else {
            return try await renderDevices(req, code: nil, codeFor: nil, error: "请选择评价器所在的服务站点", status: .unprocessableEntity)
        }
        let row = RatingDeviceModel()
        row.id = "dev-" + UUID().uuidString.prefix(8).lowercased()
        row.pointId = form.pointId
        row.name = name
        row.createdBy = staff.id
        row.createdAt = req.jiujin.now()
        let code = try await issuePairing(row, req: req, isNew: true, by: staff)
        return try await renderDevices(req, code: code, codeFor: name, error: nil, status: .ok)
    }

    /// A one-time pairing code (30 minutes); pairing again replaces the device's browser.
    private func issuePairing(_ row: RatingDeviceModel, req: Request, isNew: Bool, by staff: AuthenticatedStaff) async throws -> String {
        let code = PrintedCode.generate(length: 8)
        row.pairingHash = Self.hash(PrintedCode.normalize(code, length: 8)!)
        row.pairingExpiresAt = req.jiujin.now().addingTimeInterval(Self.pairingLifetime)
        let now = req.jiujin.now()
        try await req.jiujin.write(req.db) { tx in
            if isNew { try await row.create(on: tx) } else { try await row.save(on: tx) }
            try await AdminChangeModel(.account, row.id ?? "", action: isNew ? "device_registered" : "device_pairing", by: staff.staff,
                                       reason: row.name, at: now).create(on: tx)
        }
        return code
    }

    func newPairing(req: Request) async throws -> Response {
        let staff = try req.pageStaff(StaffAdminRoutes.roles)
        guard let row = try await RatingDeviceModel.find(String((req.parameters.get("id") ?? "").prefix(40)), on: req.db), row.revokedAt == nil else {
            throw APIError.notFound("评价器")
        }
        let code = try await issuePairing(row, req: req, isNew: false, by: staff)
        return try await renderDevices(req, code: code, codeFor: row.name, error: nil, status: .ok)
    }

    func revoke(req: Request) async throws -> Response {
        let staff = try req.pageStaff(StaffAdminRoutes.roles)
        guard let row = try await RatingDeviceModel.find(String((req.parameters.get("id") ?? "").prefix(40)), on: req.db) else {
            throw APIError.notFound("评价器")
        }
        let now = req.jiujin.now()
        row.revokedAt = now
        row.tokenHash = nil
        row.pendingCaseId = nil
        try await req.jiujin.write(req.db) { tx in
            try await row.save(on: tx)
            try await AdminChangeModel(.account, row.id ?? "", action: "device_revoked", by: staff.staff, reason: row.name, at: now).create(on: tx)
        }
        return req.redirect(to: "/admin/devices?done=action")
    }

    // MARK: clerks and agents

    /// The devices of the member's own organisation's points.
    func ownDevices(_ req: Request, staff: AuthenticatedStaff) async throws -> [RatingDeviceModel] {
        let points = req.jiujin.directory.points.filter { $0.orgId == staff.org.id }.map(\.id)
        guard !points.isEmpty else { return [] }
        return try await RatingDeviceModel.query(on: req.db).filter(\.$pointId ~~ points).filter(\.$revokedAt == nil)
            .filter(\.$tokenHash != nil).sort(\.$name).all()
    }

    func ratableCase(_ req: Request, staff: AuthenticatedStaff) async throws -> Case {
        let c = try await CaseService(req).visibleCase(try req.caseID(), staff: staff)
        guard RatingRules.ratableStatuses.contains(c.status) else {
            throw APIError(.conflict, "not_ratable", "办件办结后才能请申请人评价")
        }
        return c
    }

    func pushPage(req: Request) async throws -> Response {
        let staff = try req.pageStaff(ActorRole.frontDesk)
        let c = try await ratableCase(req, staff: staff)
        return try await renderPush(req, staff: staff, c: c, error: nil, status: .ok)
    }

    func renderPush(_ req: Request, staff: AuthenticatedStaff, c: Case, error: String?, status: HTTPStatus) async throws -> Response {
        let devices = try await ownDevices(req, staff: staff).map { Option(value: $0.id ?? "", label: $0.name, selected: false) }
        return try await req.render(PushPage(layout: req.layout(title: "请申请人评价", section: "window"), caseId: c.id.uuidString,
                                             number: c.number, itemName: c.itemName, devices: devices,
                                             error: error ?? (devices.isEmpty ? "本站点尚未配对评价器，请联系管理员；申请人也可扫描回执二维码评价" : nil)),
                                  status: status)
    }

    struct PushForm: Content {
        var deviceId: String
    }

    func push(req: Request) async throws -> Response {
        let staff = try req.pageStaff(ActorRole.frontDesk)
        let c = try await ratableCase(req, staff: staff)
        let form = try req.content.decode(PushForm.self)
        guard let device = try await ownDevices(req, staff: staff).first(where: { $0.id == form.deviceId }) else {
            return try await renderPush(req, staff: staff, c: c, error: "请选择本站点的评价器", status: .unprocessableEntity)
        }
        device.pendingCaseId = c.id
        device.pendingBy = staff.id
        device.pendingAt = req.jiujin.now()
        try await req.jiujin.write(req.db) { tx in try await device.save(on: tx) }
        return req.redirect(to: "/cases/\(c.id.uuidString)?done=device")
    }

    // MARK: the device

    func device(_ req: Request) async throws -> RatingDeviceModel? {
        guard let token = req.cookies[WebSessions.named(Self.cookie, req)]?.string, token.count <= 100 else { return nil }
        return try await RatingDeviceModel.query(on: req.db).filter(\.$tokenHash == Self.hash(token)).filter(\.$revokedAt == nil).first()
    }

    func devicePage(req: Request) async throws -> Response {
        try await renderDevice(req, error: nil, done: false, followUp: false, status: .ok)
    }

    func renderDevice(_ req: Request, error: String?, done: Bool, followUp: Bool, status: HTTPStatus) async throws -> Response {
        let token = req.issueFormToken()
        let layout = req.layout(title: "服务评价", section: "device")
        var page = DevicePage(layout: layout, state: "pair", error: error)
        if let device = try await device(req) {
            page.deviceName = device.name
            page.pointName = req.jiujin.directory.pointsById[device.pointId]?.name
            page.state = done ? "done" : "waiting"
            page.followUpOpened = followUp
            if !done, let id = device.pendingCaseId, let c = try await CaseRows.find(id, cipher: req.jiujin.cipher, on: try sqlDatabase(req.db)) {
                page.state = "rate"
                page.caseId = c.id.uuidString
                page.number = c.number
                page.itemName = c.itemName
            }
        }
        let response = try await req.render(page, status: status)
        req.bindFormToken(token, to: response)
        return response
    }

    struct PairForm: Content {
        var code: String
    }

    func pair(req: Request) async throws -> Response {
        guard req.storage[StaffKey.self] == nil else {
            return try await renderDevice(req, error: "评价器不能在工作人员已登录的浏览器上配对，请先退出登录", done: false, followUp: false, status: .forbidden)
        }
        let form = try req.content.decode(PairForm.self)
        let now = req.jiujin.now()
        guard let code = PrintedCode.normalize(form.code, length: 8),
              let row = try await RatingDeviceModel.query(on: req.db).filter(\.$pairingHash == Self.hash(code)).filter(\.$revokedAt == nil).first(),
              (row.pairingExpiresAt ?? now) > now else {
            return try await renderDevice(req, error: "配对码不正确或已过期，请管理员重新生成", done: false, followUp: false, status: .unauthorized)
        }
        let token = TokenService.randomToken()
        row.tokenHash = Self.hash(token)
        row.pairingHash = nil
        row.pairingExpiresAt = nil
        try await req.jiujin.write(req.db) { tx in try await row.save(on: tx) }
        let response = req.redirect(to: "/device")
        response.cookies[WebSessions.named(Self.cookie, req)] = HTTPCookies.Value(string: token, maxAge: 365 * 86_400, path: "/", isSecure: req.jiujin.options.secureCookies,
                                                          isHTTPOnly: true, sameSite: .strict)
        return response
    }

    struct RateForm: Content {
        var caseId: String
        var level: Int?
        var indicators: [String]?
        var text: String?
    }

    func rate(req: Request) async throws -> Response {
        // A browser signed in as staff is not a device, even if it holds a device's cookie.
        guard req.storage[StaffKey.self] == nil else {
            return try await renderDevice(req, error: "评价须由申请人在评价器上进行，工作人员已登录的浏览器不能评价", done: false, followUp: false,
                                          status: .forbidden)
        }
        guard let device = try await device(req) else {
            return try await renderDevice(req, error: "评价器未配对或已停用", done: false, followUp: false, status: .unauthorized)
        }
        let form = try req.content.decode(RateForm.self)
        guard let pending = device.pendingCaseId, pending.uuidString == form.caseId.uppercased(),
              let c = try await CaseRows.find(pending, cipher: req.jiujin.cipher, on: try sqlDatabase(req.db)) else {
            return try await renderDevice(req, error: "该办件已不在评价器上，请窗口工作人员重新发起", done: false, followUp: false, status: .conflict)
        }
        do {
            let (_, followUp) = try await RatingService(req).rate(c, .init(level: form.level ?? 0, channel: RatingChannel.windowDevice.rawValue,
                                                                           indicators: form.indicators, text: form.text))
            let deviceId = device.id ?? ""
            try await req.jiujin.write(req.db) { tx in
                try await RatingDeviceModel.query(on: tx).filter(\.$id == deviceId).filter(\.$pendingCaseId == pending)
                    .set(\.$pendingCaseId, to: nil).update()
            }
            return try await renderDevice(req, error: nil, done: true, followUp: followUp != nil, status: .ok)
        } catch {
            let e = try RatingPages.refusal(error)
            return try await renderDevice(req, error: e.message, done: false, followUp: false, status: e.status)
        }
    }
}
