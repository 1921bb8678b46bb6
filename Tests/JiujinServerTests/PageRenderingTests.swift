import Foundation
import JiujinCore
@testable import JiujinServer
import Testing
import Vapor
import VaporTesting

/// Every template renders from a plain fixture context — no request, no database — and each template has
/// exactly one context type named after it (`cases/intake.leaf` ↔ `IntakePage`).
@Suite struct PageRenderingTests {
    static let demo = DemoCounty.build()
    static let directory = try! Directory(regions: demo.regions, organizations: demo.organizations, points: demo.servicePoints,
                                          items: demo.items, seals: demo.seals, delegations: demo.delegations)
    static let today = LocalDate("2026-11-20")!

    static func staff(_ username: String) -> Staff {
        let member = demo.staff.first { $0.username == username }!
        return Staff(member: member, org: directory.organizations[member.orgId]!)
    }

    static func layout(_ staff: Staff?) -> LayoutContext {
        LayoutContext(title: "测试页", section: "cases", county: directory.countyName, staff: staff, csrf: "token", noticeCode: "action")
    }

    /// A proxied case of 个体工商户设立登记, approved with its certificate, after a supplement.
    static func caseView() throws -> CaseView {
        let item = directory.items["SCJ0701"]!
        let applicant = try Applicant.validated(kind: "person", name: "刘坤", idNumber: "11010519491231002X", creditCode: nil,
                                                legalRepresentative: nil, phone: "13812345678", today: today)
        let c = Case(id: UUID(), number: "990101-20261120-000001", itemCode: item.code, itemName: item.name, applicant: applicant,
                     channel: .villageAgent, region: DivisionCode("990101100201")!, pointId: "sp-100201", acceptedBy: "u-dl-100201",
                     acceptingOrgId: "village-100201", decidingOrgId: "town-100", delegationId: "del-scjg-100", status: .approved,
                     limitDays: item.promisedLimitDays, acceptedOn: today, deadline: LocalDate("2026-11-23"),
                     materials: item.materials.map { StoredMaterial(name: $0.name, required: $0.required, provided: true, waivable: false) },
                     reason: "请补正", decidedAt: Date(), sealNumber: "审批专用章(03)",
                     proxy: ProxyRecord(authorization: ProxyAuthorization(agentId: "u-dl-100201", agentName: "王代办", scope: "代为申请",
                                                                         signedOn: today, validUntil: today.adding(days: 90))),
                     createdAt: Date(), updatedAt: Date())
        let notice = CaseEvent(caseId: c.id.uuidString, sequence: 1, action: .requestSupplement, fromStatus: nil, toStatus: .needsSupplement,
                               actorId: "u-dl-100201", actorRole: .villageAgent, orgId: "village-100201", pointId: "sp-100201", at: Date(),
                               comment: nil, details: ["missing": "经营场所使用证明", "delegation": "青禾市监发〔2026〕2号"],
                               previousHash: CaseEvent.genesisHash)
        let approval = CaseEvent(caseId: c.id.uuidString, sequence: 2, action: .approve, fromStatus: .underReview, toStatus: .approved,
                                 actorId: "u-sp-100", actorRole: .approver, orgId: "town-100", pointId: nil, at: Date(), comment: "准予",
                                 details: ["seal": "审批专用章(03)", "step": "follow_up"], previousHash: notice.hash)
        let events = [notice, approval]
        return CaseView(c: c, item: item, events: events, applicant: applicant.masked, revealed: false, actions: [.deliver, .reassign, .requestSupplement],
                        clock: .init(deadline: c.deadline, light: .yellow, workingDaysLeft: 1, paused: false, warnings: [.yearNotCovered(2027)]),
                        names: ["u-dl-100201": "王代办", "u-sp-100": "李审批"],
                        certificates: [.init(id: "JJ23456789AB", type: "营业执照", issued: "2026-11-20", orgId: "town-100", revoked: false)],
                        feedback: [.init(at: Date(), channel: "电话", text: "已告知", staffId: "u-dl-100201")],
                        colleagues: demo.staff.filter { $0.orgId == "town-100" && $0.role == .approver }, delegationSeal: "审批专用章(03)",
                        directory: directory)
    }

    static func fixtures() throws -> [any PageContext] {
        let v = try caseView()
        let agent = staff("dl-100201")
        let row = CaseLists.Row(id: v.c.id.uuidString, number: v.c.number, itemName: v.c.itemName, applicantName: "刘*", status: "accepted",
                                statusLabel: "已受理", channelLabel: "帮办代办", deadline: "2026-11-23", light: "yellow", lightLabel: "临期",
                                overdue: false, dueSoon: true, assigneeId: nil, decidingOrgId: "town-100", version: 1)
        let payload = CertificatePayload(id: "JJ23456789AB", type: "营业执照", holder: "刘*", holderId: "110***********002X",
                                         fields: ["办件编号": v.c.number], org: "青石镇人民政府", seal: "审批专用章(03)", kid: "k1",
                                         issued: today, validUntil: nil)
        let check = CertificateController.view(id: "JJ23456789AB", status: .authentic, cert: nil, payload: payload)
        let delegations = demo.delegations
        return [
            ErrorPage(layout: layout(agent), status: 404, message: "办件不存在"),
            LoginPage(layout: layout(nil), username: "ck-100", next: "/", error: "用户名或密码错误", demo: true),
            PasswordPage(layout: layout(agent), forced: true, error: "新密码至少10位"),
            ActivatePage(layout: layout(nil), username: "ck-100", error: "用户名或激活码不正确"),
            StaffPage(layout: layout(staff("admin")), rows: [
                AccountService.Row(id: "s1", username: "ck-100", name: "王芳", role: "window_clerk", roleLabel: "综合受理窗口人员", orgId: "town-100",
                                   orgName: "青石镇便民服务中心", phone: "138****0100", active: true, awaitingActivation: false, throttled: true),
                AccountService.Row(id: "s2", username: "sp-100", name: "李强", role: "approver", roleLabel: "审批人员", orgId: "town-100",
                                   orgName: "青石镇便民服务中心", phone: nil, active: false, awaitingActivation: true, throttled: false),
            ], error: "不能停用自己的账号"),
            ActivationPage(layout: layout(staff("admin")), username: "ck-100", name: "王芳", code: "K7QM-R2XD-9HPT", expires: "2026-11-27 10:00"),
            ImportPage(layout: layout(staff("admin")), error: nil,
                       problems: [ProblemView(ImportProblem(sheet: "区划", row: 4, column: "区划代码", message: "区划代码无效"))], problemCount: 1,
                       summary: [.init(sheet: "人员", added: 2)], codes: [.init(username: "ck-100", name: "王芳", orgName: "青石镇", code: "K7QM-R2XD-9HPT")],
                       dryRun: false, nothingChanged: false),
            AdminLogPage(layout: layout(staff("admin")), kinds: [.init(value: "item", label: "事项", selected: true)], subject: "SCJ0701",
                         actor: "u-admin", from: "2026-12-01", to: "2026-12-02",
                         entries: [.init(at: "2026-12-02 09:00", kind: "事项", subjectId: "SCJ0701", action: "updated", actor: "u-admin",
                                         reason: "导入", fields: [.init(name: "promisedLimitDays", before: "5", after: "3")])], truncated: true),
            RecordPage(layout: layout(staff("admin")), kind: "item", noun: "事项", isNew: false, key: "SCJ0701",
                       action: "/admin/records/item/SCJ0701", listPath: "/admin/items",
                       fields: [RecordForms.field(sheet: "事项", column: "事项编码", index: 0, name: "c0", value: "SCJ0701", error: nil, readonly: true),
                                RecordForms.field(sheet: "事项", column: "事项类型", index: 2, name: "c2", value: "行政确认", error: nil, readonly: false),
                                RecordForms.field(sheet: "事项", column: "受理条件", index: 5, name: "c5", value: "有经营能力", error: "不能为空", readonly: false)],
                       grids: [GridView(title: "材料", hint: "清空材料名称即删除", labels: ["序号", "材料名称"],
                                        rows: [[RecordForms.field(sheet: "材料", column: "必要", index: 3, name: "g0r0c3", value: "是", error: "无效", readonly: false)]])],
                       problems: [ProblemView(ImportProblem(sheet: "环节", row: 3, column: "承办机构", message: "机构不存在"))], problemCount: 2,
                       versions: [VersionView(version: 2, at: "2026-12-02 09:00", actor: "u-admin", href: "/guides/SCJ0701/2")],
                       forms: [FormFileView(name: "申请书.pdf", material: "申请书", kind: "空白表格", uploaded: true, size: "12 KB", at: "2026-12-02 09:00",
                                            href: "/items/SCJ0701/forms/x")], logPath: "/admin/log?subject=SCJ0701",
                       datalists: [DataListView(id: "orgs", options: [.init(value: "town-100", label: "青石镇", selected: false)])]),
            GuidePage(layout: layout(agent), code: "SCJ0701", name: "个体工商户设立登记", version: 1, current: 2, recordedAt: "2026-12-01 09:00",
                      fields: [.init(label: "法定时限", value: "15")], materials: [["1", "经营者身份证件"]], materialLabels: ["序号", "材料名称"],
                      stages: [.init(label: "审查", value: "本机构")], editHref: nil),
            ItemsPage(layout: layout(staff("admin")), q: "个体", status: "active",
                         rows: [.init(code: "SCJ0701", href: "/admin/records/item/SCJ0701", name: "个体工商户设立登记", department: "市场监管局",
                                      levels: "县级、镇（街道）级", instant: false, inUse: true, version: 2)], total: 3, shown: 1),
            PointsPage(layout: layout(staff("admin")), kinds: [.init(value: "village_station", label: "村级便民服务站", selected: true)],
                          tiers: [.init(value: "basic", label: "基础型", selected: false)], lacking: [.init(value: "有经费", label: "缺经费", selected: true)],
                          rows: [.init(id: "sp-100201", href: "/admin/records/point/sp-100201", name: "王官庄村便民服务站", kind: "村级便民服务站",
                                       orgName: "王官庄村", tier: "基础型", missing: "有经费", windows: 1, open: true)],
                          tally: [.init(label: "基础型", count: 3, href: "/admin/points?tier=basic")]),
            PlacesPage(layout: layout(staff("admin")), organizations: [.init(code: "town-100", href: "/admin/records/organization/town-100", name: "青石镇便民服务中心",
                                                                             kind: "镇（街道）便民服务中心", place: "青石镇")],
                       regions: [.init(code: "990101100000", href: "/admin/records/region/990101100000", name: "青石镇", kind: "镇", place: "青禾县")]),
            HomePage(layout: layout(agent), role: .villageAgent, open: [row]),
            WindowPage(layout: layout(agent), q: "geti", staff: agent, hits: directory.index.search(CatalogQuery(text: "geti", limit: 5)),
                       directory: directory, delegations: delegations, today: today),
            IntakePage(layout: layout(agent), staff: agent, item: directory.items["SCJ0701"]!, values: .init(kind: "person", name: "刘坤"),
                       error: ("身份证号码校验位错误", "applicant.idNumber"), held: ["居民身份证"], directory: directory,
                       delegations: delegations, today: today),
            CasesPage(layout: layout(agent), heading: "办件列表", rows: [row], empty: "暂无办件。"),
            CasePage(view: v, staff: agent, layout: layout(agent), error: "请填写理由"),
            try ReceiptPage(view: v, today: today, queryCode: "K7QM-R2XD", followURL: "http://127.0.0.1:8080/portal/track?n=\(v.c.number)&q=K7QMR2XD"),
            NoticePage(view: v, today: today),
            RefusalPage(view: v, today: today),
            DecisionPage(view: v, today: today),
            AuthorizationPage(view: v, record: v.c.proxy!, today: today),
            CertificatePage(payload: payload, caseId: v.c.id, holderName: "刘坤", revoked: false, county: directory.countyName,
                            qr: "<svg></svg>", base: "http://127.0.0.1:8080"),
            DelegationsPage(layout: layout(staff("jiandu")), delegations: delegations, directory: directory, today: today, error: nil),
            SealsPage(layout: layout(staff("jiandu")), seals: [], directory: directory, error: "印章编号已存在"),
            RatePage(layout: layout(nil), number: v.c.number, channel: "qr_receipt", done: false, followUpOpened: false, error: nil),
            DevicePage(layout: layout(nil), state: "rate", deviceName: "1号窗口评价器", pointName: "青石镇便民服务中心", caseId: v.c.id.uuidString,
                       number: v.c.number, itemName: v.c.itemName, error: nil),
            DevicesPage(layout: layout(staff("admin")), rows: [.init(id: "dev-1", name: "1号窗口评价器", point: "青石镇便民服务中心", state: "已配对", active: true)],
                        points: [Option(value: "sp-town-100", label: "青石镇便民服务中心", selected: false)], pairingCode: "K7QM-R2XD",
                        pairingFor: "1号窗口评价器", error: nil),
            PushPage(layout: layout(agent), caseId: v.c.id.uuidString, number: v.c.number, itemName: v.c.itemName,
                     devices: [Option(value: "dev-1", label: "1号窗口评价器", selected: false)], error: nil),
            FollowUpsPage(layout: layout(agent), desk: .init(followUps: [], cases: [], ratings: []), role: .villageAgent, today: today, error: nil),
            VerifyPage(checked: check, county: directory.countyName, status: .authentic, pasted: ""),
        ] + (try portalFixtures(v))
    }

    static func portal(_ signedIn: Bool, elder: Bool = false) -> PortalLayout {
        PortalLayout(title: "测试页", section: "home", county: directory.countyName,
                     resident: signedIn ? Resident(phone: "13812345678", phoneHash: "h", sessionId: "s", csrfToken: "token") : nil,
                     elder: elder, csrf: "token", here: "/portal?q=%E8%90%A5", noticeCode: "applied")
    }

    static func portalFixtures(_ v: CaseView) throws -> [any PageContext] {
        let item = directory.items["SCJ0701"]!
        var waiting = v.c
        waiting.status = .needsSupplement
        waiting.resumeStatus = .submitted
        waiting.channel = .online
        let complaint = ComplaintService.Record(id: UUID(), number: "TS20261120123456", kind: "complaint", kindLabel: "投诉", subject: "point",
                                                subjectLabel: "青石镇便民服务中心", text: "窗口排队太久<script>", name: "刘*", phone: "138****5678",
                                                status: "assigned", statusLabel: "办理中", assigneeId: "u-sp-100", assigneeName: "李审批",
                                                orgId: "town-100", filedOn: "2026-11-20", dueOn: "2026-11-27", overdue: true, answer: nil,
                                                answeredAt: nil, version: 2)
        return [
            PortalPage(layout: portal(false, elder: true), query: "营业", places: PlaceOption.villages(directory.tree, selected: "990101100201"),
                       within: "village", online: true, zeroTrip: false, instant: true, searching: true, heading: "「营业」的搜索结果",
                       results: [PortalItem(item, directory: directory)], popular: [PortalItem(item, directory: directory)],
                       personThemes: [.init(key: "birth", label: "生育", active: true)], businessThemes: [.init(key: "start", label: "开办企业", active: false)],
                       error: nil),
            ItemGuidePage(layout: portal(false), item: item, directory: directory, storedForms: [],
                          choices: ServiceFinder.points(for: item, in: directory, on: today, from: nil), village: "990101100201", located: false),
            SignInPage(layout: portal(false), phone: "13812345678", codeSent: true, sentTo: "138****5678", next: "/portal/mine", error: "验证码不正确",
                       demoCode: "123456"),
            MinePage(layout: portal(true), phone: "138****5678", cases: [v.c, waiting],
                     messages: [.init(at: "2026-11-20 10:00", kind: "accepted", text: "您的申请已受理", sent: true)],
                     certificates: [.init(id: "JJ23456789AB", type: "营业执照", holder: "刘*", issuedOn: "2026-11-20", validUntil: nil, revoked: false)]),
            MyCasePage(layout: portal(true), c: ResidentCaseView(waiting, events: v.events, directory: directory), queryCode: "K7QM-R2XD",
                       maxFileMB: 10, error: "请上传补正材料"),
            ApplyPage(layout: portal(true), item: item, phone: "138****5678",
                      values: .init(kind: "person", name: "刘坤", regionCode: "990101100201", deliveryMethod: "pickup"), held: ["居民身份证"],
                      directory: directory, today: today, limits: .standard, error: ("请上传「经营场所使用证明」的照片或扫描件", "files")),
            TrackPage(layout: portal(false), c: v.c, queryCode: "K7QMR2XD", events: v.events, directory: directory),
            ComplainPage(layout: portal(false), values: .init(kind: "complaint", subject: "point", subjectRef: "sp-town-100"),
                         points: [Option(value: "sp-town-100", label: "青石镇便民服务中心", selected: true)], signedIn: false,
                         error: "请写明具体情况（至少5个字）", errorField: "text"),
            ComplaintPage(layout: portal(false), number: complaint.number, queryCode: "K7QMR2XD",
                          filed: .init(number: complaint.number, queryCode: "K7QM-R2XD", dueOn: "2026-11-27", message: "已收到"), record: complaint,
                          mine: [complaint]),
            ComplaintsPage(layout: layout(staff("jiandu")), rows: [complaint], assignees: [Option(value: "u-sp-100", label: "李审批（审批人员）", selected: false)],
                           canAssign: true, overdue: 1, error: nil),
        ]
    }

    /// Templates that are frames for others, not pages.
    static let frames: Set<String> = ["shared/layout", "shared/print", "shared/portal"]

    static func templates(in viewsDirectory: String) -> [String] {
        let root = URL(fileURLWithPath: viewsDirectory)
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".leaf") }.map { String($0.dropLast(5)) }.filter { !frames.contains($0) }.sorted()
    }

    func render<P: PageContext>(_ page: P, on app: Application) async throws -> String {
        let view = try await app.view.render(P.template, page)
        return String(buffer: view.data)
    }

    @Test func everyTemplateRendersFromAFixtureContext() async throws {
        try await withJiujin(demo: false) { app, _ in
            let fixtures = try Self.fixtures()
            let covered = Dictionary(grouping: fixtures) { type(of: $0).template }
            let templates = Self.templates(in: app.directory.viewsDirectory)
            #expect(templates.count >= 19)
            for template in templates {
                #expect(covered[template]?.count == 1, "\(template).leaf needs exactly one fixture context")
            }
            for page in fixtures {
                let template = type(of: page).template
                #expect(templates.contains(template), "\(template) has no template")
                let name = template.split(separator: "/").last.map(String.init) ?? template
                #expect(String(describing: type(of: page)).lowercased() == name.lowercased() + "page", "\(type(of: page)) ↔ \(template).leaf")
                let html = try await render(page, on: app)
                #expect(html.contains("<html lang=\"zh-CN\">"), "\(template)")
            }
        }
    }
}
