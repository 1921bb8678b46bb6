import Fluent
import JiujinCore
import Vapor

/// The catalog over JSON: search, guides, the authority question, the delegations in force.
struct CatalogController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("items", use: search)
        routes.get("items", ":code", use: guide)
        routes.get("items", ":code", "guides", use: versions)
        routes.get("items", ":code", "guides", ":version", use: version)
        routes.get("authority", use: authority)
        routes.get("delegations", use: delegations)
    }

    /// One stored version of an item's guide (办事指南版本).
    struct GuideVersion: Content {
        var version: Int
        var recordedAt: Date
        var current: Bool
        var guide: ServiceItem?
    }

    /// Every version of an item's guide, newest first (without the guides).
    func versions(req: Request) async throws -> [GuideVersion] {
        let code = req.parameters.get("code") ?? ""
        guard req.jiujin.directory.items[code] != nil else { throw APIError.notFound("事项「\(TextLimit.echo(code))」") }
        let current = req.jiujin.directory.guideVersions[code]
        return try await GuideVersionModel.query(on: req.db).filter(\.$itemCode == code).sort(\.$version, .descending)
            .field(\.$id).field(\.$version).field(\.$recordedAt).all()
            .map { GuideVersion(version: $0.version, recordedAt: $0.recordedAt, current: $0.version == current, guide: nil) }
    }

    /// One version of an item's guide as it stood: what a case taken in under it was decided by.
    func version(req: Request) async throws -> GuideVersion {
        let code = req.parameters.get("code") ?? ""
        guard let n = req.parameters.get("version").flatMap(Int.init),
              let row = try await GuideVersionModel.query(on: req.db).filter(\.$itemCode == code).filter(\.$version == n).first() else {
            throw APIError.notFound("事项「\(TextLimit.echo(code))」的该版办事指南")
        }
        return GuideVersion(version: n, recordedAt: row.recordedAt, current: req.jiujin.directory.guideVersions[code] == n, guide: try row.domain())
    }

    struct ItemSummary: Content {
        var code: String
        var name: String
        var type: String
        var typeLabel: String
        var departmentId: String
        var departmentName: String
        var isInstant: Bool
        var promisedLimitDays: Int
        var legalLimitDays: Int
        var siteVisits: Int
        var onlineDepth: String
        var acceptLevels: [String]
        var isHighFrequency: Bool
        var score: Double?
        var matchedField: String?
        /// For a village station (the signed-in agent's, or `station`): 红黄绿 — green finishes here, yellow is
        /// accepted here and decided by the town or county, red needs the resident taken to the town or county.
        var agentColour: String?
        var agentColourLabel: String?

        init(_ i: ServiceItem, department: String, hit: CatalogIndex.Hit? = nil, colour: AgentColour? = nil) {
            code = i.code
            name = i.name
            type = i.type.rawValue
            typeLabel = i.type.label
            departmentId = i.departmentId
            departmentName = department
            isInstant = i.isInstant
            promisedLimitDays = i.promisedLimitDays
            legalLimitDays = i.legalLimitDays
            siteVisits = i.siteVisits
            onlineDepth = i.onlineDepth.rawValue
            acceptLevels = RegionLevel.allCases.filter { i.acceptLevels.contains($0) }.map(\.rawValue)
            isHighFrequency = i.isHighFrequency
            score = hit?.score
            matchedField = hit?.field.rawValue
            agentColour = colour?.rawValue
            agentColourLabel = colour?.label
        }
    }

    struct SearchResult: Content {
        var query: String
        var count: Int
        var items: [ItemSummary]
    }

    func search(req: Request) async throws -> Response {
        let text = req.queryText("q") ?? ""
        guard text.count <= 100 else { throw APIError.invalid("q", "搜索词不超过100字") }
        var q = CatalogQuery(text: text, limit: try req.limitParameter(default: 50, max: 500))
        if let raw = req.queryText("level") {
            guard let level = RegionLevel(rawValue: raw) else { throw APIError.invalid("level", "层级应为 county、town 或 village") }
            q.level = level
        }
        let d = req.jiujin.directory
        if let dept = req.queryText("department") {
            guard d.organizations[dept]?.kind == .department else { throw APIError.invalid("department", "部门「\(TextLimit.echo(dept))」不存在") }
            q.departmentId = dept
        }
        if let raw = req.queryText("type") {
            guard let t = ItemType(rawValue: raw) else { throw APIError.invalid("type", "事项类型代码「\(TextLimit.echo(raw))」无效") }
            q.type = t
        }
        q.instantOnly = try req.flagParameter("instant")
        q.zeroTripOnly = try req.flagParameter("zeroTrip")
        q.onlineOnly = try req.flagParameter("online")
        let station = try colourStation(req)
        let today = req.jiujin.today
        let answer = {
            let hits = d.index.search(q)
            return SearchResult(query: text, count: hits.count, items: hits.map { hit in
                ItemSummary(hit.item, department: d.organizations[hit.item.departmentId]?.name ?? "", hit: hit,
                            colour: station.map { Authority.agentColour(station: $0, item: hit.item, on: today, delegations: d.delegations) })
            })
        }
        if station != nil { return try await answer().encodeResponse(for: req) }
        let key = ["search", text, q.level?.rawValue ?? "", q.departmentId ?? "", q.type?.rawValue ?? "",
                   "\(q.instantOnly)\(q.zeroTripOnly)\(q.onlineOnly)", "\(q.limit)"].joined(separator: "\u{1F}")
        return try req.jiujin.answers.response(key: key, version: d.version, day: today, answer)
    }

    /// The village station whose colours an answer carries: `station` (signed-in staff only, since the colours
    /// reveal the delegations), else the signed-in village agent's own; none for everyone else.
    func colourStation(_ req: Request) throws -> Organization? {
        let d = req.jiujin.directory
        if let raw = req.queryText("station") {
            _ = try req.requireStaff()
            guard let org = d.organizations[raw], org.kind == .village else {
                throw APIError.invalid("station", "村（社区）「\(TextLimit.echo(raw))」不存在")
            }
            return org
        }
        guard let staff = req.storage[StaffKey.self], staff.role == .villageAgent, staff.org.kind == .village else { return nil }
        return staff.org
    }

    struct Guide: Content {
        var item: ServiceItem
        var departmentName: String
        var typeLabel: String
        var onlineDepthLabel: String
        var fee: String
        var delegations: [DelegationView]
        /// The station's colour for this item, as in search.
        var agentColour: String?
        var agentColourLabel: String?
    }

    func guide(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let d = req.jiujin.directory
        guard let item = d.items[code] else { throw APIError.notFound("事项「\(TextLimit.echo(code))」") }
        let today = req.jiujin.today
        let colour = try colourStation(req).map { Authority.agentColour(station: $0, item: item, on: today, delegations: d.delegations) }
        let answer = {
            let active = d.delegations.filter { $0.fromOrgId == item.departmentId && $0.itemCodes.contains(code) && $0.isActive(on: today) }
            return Guide(item: item, departmentName: d.organizations[item.departmentId]?.name ?? "", typeLabel: item.type.label,
                         onlineDepthLabel: item.onlineDepth.label, fee: item.fee.display,
                         delegations: active.map { DelegationView($0, orgs: d.organizations) },
                         agentColour: colour?.rawValue, agentColourLabel: colour?.label)
        }
        if colour != nil { return try await answer().encodeResponse(for: req) }
        return try req.jiujin.answers.response(key: "guide\u{1F}" + code, version: d.version, day: today, answer)
    }

    struct DelegationView: Content {
        var id: String
        var documentNumber: String
        var fromOrgId: String
        var fromOrgName: String
        var toOrgId: String
        var toOrgName: String
        var itemCodes: [String]
        var canAccept: Bool
        var canDecide: Bool
        var validFrom: String
        var validTo: String?
        var revokedOn: String?
        var revokeReason: String?
        var sealNumber: String?

        init(_ d: Delegation, orgs: [String: Organization]) {
            id = d.id
            documentNumber = d.documentNumber
            fromOrgId = d.fromOrgId
            fromOrgName = orgs[d.fromOrgId]?.name ?? ""
            toOrgId = d.toOrgId
            toOrgName = orgs[d.toOrgId]?.name ?? ""
            itemCodes = d.itemCodes
            canAccept = d.canAccept
            canDecide = d.canDecide
            validFrom = d.validFrom.description
            validTo = d.validTo?.description
            revokedOn = d.revokedOn?.description
            revokeReason = d.revokeReason
            sealNumber = d.sealNumber
        }
    }

    func delegations(req: Request) async throws -> [DelegationView] {
        _ = try req.requireStaff()
        var query = DelegationModel.query(on: req.db).sort(\.$id)
        if let org = req.queryText("org") {
            guard (1...64).contains(org.count) else { throw APIError.invalid("org", "机构编码应为1到64个字符") }
            query = query.group(.or) { $0.filter(\.$toOrgId == org).filter(\.$fromOrgId == org) }
        }
        let orgs = req.jiujin.directory.organizations
        return try await query.all().map { DelegationView(try $0.domain(), orgs: orgs) }
    }

    struct AuthorityAnswer: Content {
        var allowed: Bool
        var orgId: String
        var itemCode: String
        var action: String
        var date: String
        var basis: String?
        var delegation: DelegationView?
        var message: String
    }

    /// "May org X accept / decide item Y on date D, and under which delegation?"
    func authority(req: Request) async throws -> AuthorityAnswer {
        let d = req.jiujin.directory
        let orgId = req.queryText("org") ?? ""
        let code = req.queryText("item") ?? ""
        guard let org = d.organizations[orgId] else { throw APIError.invalid("org", "机构「\(TextLimit.echo(orgId))」不存在") }
        guard let item = d.items[code] else { throw APIError.invalid("item", "事项编码「\(TextLimit.echo(code))」不存在", code: "unknown_item") }
        guard let action = AuthorityAction(rawValue: req.queryText("action") ?? "decide") else {
            throw APIError.invalid("action", "action 应为 accept 或 decide")
        }
        var date = req.jiujin.today
        if let raw = req.queryText("date") {
            guard let parsed = LocalDate(raw) else { throw APIError.invalid("date", "日期格式应为 YYYY-MM-DD") }
            date = parsed
        }
        let all = try await DelegationModel.query(on: req.db).filter(\.$toOrgId == org.id).all().map { try $0.domain() }
        switch Authority.check(org: org, item: item, action: action, on: date, delegations: all) {
        case .success(.ownRight):
            return AuthorityAnswer(allowed: true, orgId: org.id, itemCode: item.code, action: action.rawValue, date: date.description,
                                   basis: "own_right", message: "\(org.name)依实施清单可\(action.label)「\(item.name)」")
        case .success(.delegated(let del)):
            return AuthorityAnswer(allowed: true, orgId: org.id, itemCode: item.code, action: action.rawValue, date: date.description,
                                   basis: "delegation", delegation: DelegationView(del, orgs: d.organizations),
                                   message: "\(org.name)依委托书 \(del.documentNumber) 可\(action.label)「\(item.name)」")
        case .failure(let e):
            return AuthorityAnswer(allowed: false, orgId: org.id, itemCode: item.code, action: action.rawValue, date: date.description,
                                   message: e.message)
        }
    }
}
