import JiujinCore
import Vapor

/// The workbench home (`cases/home.leaf`): the open cases in scope at a glance, and the way to each desk.
struct HomePage: PageContext {
    static let template = "cases/home"

    struct Count: Encodable, Sendable {
        var label: String
        var value: Int
        var tone: String
    }

    var layout: LayoutContext
    var role: String
    var counts: [Count]
    var links: [NavLink]

    init(layout: LayoutContext, role: ActorRole, open rows: [CaseLists.Row]) {
        self.layout = layout
        self.role = role.rawValue
        counts = [
            Count(label: "在办", value: rows.count, tone: "neutral"),
            Count(label: "临期（1个工作日内）", value: rows.filter(\.dueSoon).count, tone: "yellow"),
            Count(label: "超期", value: rows.filter(\.overdue).count, tone: "red"),
            Count(label: "待补正", value: rows.filter { $0.status == CaseStatus.needsSupplement.rawValue }.count, tone: "neutral"),
        ]
        links = layout.nav.filter { $0.href != "/" }
    }
}

/// The workbench home route.
struct HomePages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(req: Request) async throws -> Response {
        let staff = try req.pageStaff()
        let lists = CaseLists(req, staff: staff)
        return try await req.render(HomePage(layout: req.layout(title: "工作台", section: "home"), role: staff.role,
                                             open: try await lists.openCases()))
    }
}
