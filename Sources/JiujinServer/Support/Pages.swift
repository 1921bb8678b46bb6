import JiujinCore
import Vapor

/// The context of one template: an Encodable value built from plain values
/// (never a `Request` or a database), named after its template
/// (`cases/intake.leaf` ↔ `IntakePage`), so every page renders in a test.
protocol PageContext: Encodable, Sendable {
    /// The template's path under Resources/Views, without `.leaf`.
    static var template: String { get }
}

/// The elderly-friendly mode (适老化: large text, high contrast) of every public page, remembered in a cookie set
/// by a plain link (`/portal/mode`).
enum ElderMode {
    static let cookie = "jiujin_mode"

    /// The switch's link: `here` in the other mode.
    static func switchLink(elder: Bool, here: String) -> String {
        let back = here.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2Fportal"
        return "/portal/mode?elder=\(elder ? 0 : 1)&back=\(back)"
    }
}

/// A link in the workbench navigation.
struct NavLink: Encodable, Sendable {
    var href: String
    var label: String
    var active: Bool
}

/// A choice in a form's select list.
struct Option: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// What every workbench page shows around its content (`shared/layout.leaf`):
/// who is signed in, the navigation, the CSRF token for forms and a one-line notice.
struct LayoutContext: Encodable, Sendable {
    var title: String
    var county: String
    var staffName: String?
    var roleLabel: String?
    var orgName: String?
    var csrf: String?
    var nav: [NavLink]
    var notice: String?
    /// Public pages only: 长辈模式 on, and the link that switches it.
    var elder = false
    var modeLink: String?

    /// `staff` is nil on public pages; one who must still change a default password gets no navigation.
    init(title: String, section: String, county: String, staff: Staff?, mustChangePassword: Bool = false, csrf: String?,
         noticeCode: String? = nil) {
        var nav: [NavLink] = []
        if let staff, !mustChangePassword {
            func link(_ href: String, _ label: String, _ key: String) { nav.append(NavLink(href: href, label: label, active: section == key)) }
            link("/", "工作台", "home")
            switch staff.role {
            case .windowClerk, .villageAgent, .partnerTeller:
                link("/window", staff.role == .villageAgent ? "帮办代办" : staff.role == .partnerTeller ? "网点受理" : "综合受理", "window")
                if staff.role == .windowClerk { link("/prereview", "网上预审", "prereview") }
                link("/cases", "办件列表", "cases")
            case .approver:
                link("/inbox", "待办审批", "inbox")
                link("/cases", "办件列表", "cases")
            case .supervisor:
                link("/supervision", "督办", "supervision")
                link("/prereview", "网上预审", "prereview")
                link("/complaints", "投诉建议", "complaints")
                link("/cases", "办件列表", "cases")
                link("/admin/delegations", "委托管理", "delegations")
                link("/admin/seals", "印章管理", "seals")
                link("/admin/items", "事项管理", "items")
                link("/admin/points", "站点管理", "points")
                link("/admin/places", "机构与区划", "places")
                link("/admin/log", "管理日志", "log")
            case .administrator:
                link("/cases", "办件列表", "cases")
                link("/admin/staff", "账号管理", "staff")
                link("/admin/import", "导入导出", "import")
                link("/admin/items", "事项管理", "items")
                link("/admin/points", "站点管理", "points")
                link("/admin/places", "机构与区划", "places")
                link("/admin/devices", "评价器", "devices")
                link("/admin/log", "管理日志", "log")
            case .applicant, .system:
                break
            }
            if staff.role != .administrator { link("/followups", "差评回访", "followups") }
            if [.approver, .windowClerk, .villageAgent, .partnerTeller].contains(staff.role) { link("/complaints", "投诉建议", "complaints") }
            link("/account/password", "修改密码", "password")
        }
        self.title = title
        self.county = county.isEmpty ? "就近办" : county
        staffName = staff?.member.name
        roleLabel = staff?.role.label
        orgName = staff?.org.name
        self.csrf = csrf
        self.nav = nav
        notice = Notices.text(noticeCode)
    }
}

/// One-line notices shown after a redirect, by code, so a link cannot put arbitrary text on the page.
enum Notices {
    static let texts: [String: String] = [
        "password": "密码已修改。",
        "accepted": "已受理，回执已生成。",
        "notice": "已出具一次性告知书，办件进入补正。",
        "refused_intake": "已出具不予受理决定书。",
        "action": "操作已完成。",
        "delegation": "委托已保存。",
        "saved": "已保存，立即生效。",
        "unchanged": "没有改动。",
        "form": "表格已上传。",
        "revoked": "委托已撤销，立即生效。",
        "seal": "印章已保存。",
        "feedback": "反馈已记录。",
        "step": "代办步骤已记录。",
        "signed_out": "已安全退出。",
        "activated": "账号已激活，请用新密码登录。",
        "account": "账号已更新。",
        "device": "已推送到评价器，请申请人在评价器上评价。",
    ]

    static func text(_ code: String?) -> String? { code.flatMap { texts[$0] } }
}

/// The error page (`shared/error.leaf`).
struct ErrorPage: PageContext {
    static let template = "shared/error"
    var layout: LayoutContext
    var status: Int
    var message: String
}

/// Dates and times as Chinese documents and pages print them.
enum Printed {
    static func date(_ d: LocalDate) -> String { "\(d.year)年\(d.month)月\(d.day)日" }

    /// "2026-11-20 10:00" in Beijing time.
    static func time(_ date: Date) -> String {
        let d = LocalDate(date, in: .china)
        let seconds = Int(date.timeIntervalSince1970) + TimeZone.china.secondsFromGMT(for: date)
        let minutes = ((seconds % 86_400) + 86_400) % 86_400 / 60
        return "\(d) \(String(format: "%02d:%02d", minutes / 60, minutes % 60))"
    }
}

extension Request {
    func render<P: PageContext>(_ page: P, status: HTTPStatus = .ok) async throws -> Response {
        let view = try await self.view.render(P.template, page)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
