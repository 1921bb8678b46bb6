import JiujinCore
import Vapor

/// What every public portal page shows around its content (`shared/portal.leaf`): the county, the resident signed
/// in (masked phone), the portal's navigation, the elderly-friendly switch (适老化: large text, high contrast,
/// remembered in a cookie) and the form token.
struct PortalLayout: Encodable, Sendable {
    var title: String
    var county: String
    var resident: String?
    var elder: Bool
    var csrf: String?
    var nav: [NavLink]
    var notice: String?
    /// The switch's link: this page in the other mode.
    var modeLink: String

    init(title: String, section: String, county: String, resident: Resident?, elder: Bool, csrf: String?, here: String,
         noticeCode: String? = nil) {
        self.title = title
        self.county = county.isEmpty ? "就近办" : county
        self.resident = resident?.maskedPhone
        self.elder = elder
        self.csrf = csrf
        var nav: [NavLink] = []
        func link(_ href: String, _ label: String, _ key: String) { nav.append(NavLink(href: href, label: label, active: section == key)) }
        link("/portal", "办事大厅", "home")
        link("/portal/track", "进度查询", "track")
        link("/portal/mine", resident == nil ? "登录 / 我的办件" : "我的办件", "mine")
        link("/portal/complaints/new", "投诉建议", "complaints")
        self.nav = nav
        notice = PortalNotices.text(noticeCode)
        modeLink = ElderMode.switchLink(elder: elder, here: here)
    }
}

/// One-line notices of the portal after a redirect, by code.
enum PortalNotices {
    static let texts: [String: String] = [
        "signed_in": "登录成功。",
        "signed_out": "已退出登录。",
        "applied": "申请已提交，请等待预审，结果将以短信通知您。",
        "supplemented": "补正材料已提交，请等待重新预审。",
        "complained": "已收到您的投诉建议，我们将在规定时限内答复。",
    ]

    static func text(_ code: String?) -> String? { code.flatMap { texts[$0] } }
}

extension Request {
    /// The portal layout for this request: whoever is signed in, the mode, the form token the CSRF check expects.
    func portalLayout(title: String, section: String) -> PortalLayout {
        let here = url.path + (url.query.map { "?" + $0 } ?? "")
        return PortalLayout(title: title, section: section, county: jiujin.directory.countyName, resident: storage[ResidentKey.self],
                            elder: cookies[ElderMode.cookie]?.string == "elder", csrf: expectedCSRF ?? storage[FormTokenKey.self],
                            here: here, noticeCode: queryText("done"))
    }
}

/// The elderly-friendly switch: a plain link (works without JavaScript, by keyboard), remembered for a year.
struct PortalModeRoute: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("portal", "mode", use: toggle)
    }

    func toggle(req: Request) async throws -> Response {
        let elder = req.queryText("elder") == "1"
        let response = req.redirect(to: Self.safeBack(req.queryText("back")))
        response.cookies[ElderMode.cookie] = HTTPCookies.Value(string: elder ? "elder" : "standard", maxAge: 365 * 86_400, path: "/",
                                                                  isSecure: req.jiujin.options.secureCookies, isHTTPOnly: true,
                                                                  sameSite: .lax)
        return response
    }

    /// Only a path of this site, never another host.
    static func safeBack(_ raw: String?) -> String {
        guard let raw, raw.count <= 300, AccountPages.safeNext(raw) == raw else { return "/portal" }
        return raw
    }
}
