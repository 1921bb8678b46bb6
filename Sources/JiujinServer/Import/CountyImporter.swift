import Fluent
import Foundation
import JiujinCore
import Vapor

/// Imports a county workbook (导入): reads every sheet (`CountySheets`) against what is stored, and only when no
/// row has a problem stores them all in one write, keyed by their codes — a changed row updates, a new one adds,
/// nothing duplicates, and a row leaves only through 状态=停用 (an item or point is retired, a delegation revoked,
/// a seal retired with its keys, an account deactivated). Every change goes to the administration log with the
/// subject before and after. New accounts get no password: each gets a one-time activation code (7 days). With
/// `dryRun` nothing is stored and the summary says what would change.
struct CountyImporter {
    let db: Database
    let ctx: JiujinContext

    struct SheetSummary: Content, Equatable {
        var sheet: String
        var added = 0
        var changed = 0
        var unchanged = 0
        var retired = 0

        var total: Int { added + changed + retired }
    }

    struct IssuedCode: Content, Equatable {
        var username: String
        var name: String
        var orgName: String
        var code: String
    }

    struct Outcome: Sendable {
        var problems: [ImportProblem] = []
        var summary: [SheetSummary] = []
        var codes: [IssuedCode] = []
        var dryRun: Bool
        var stored: Bool { problems.isEmpty && !dryRun }
        /// Whether the workbook changes nothing that is stored.
        var nothingChanged: Bool { summary.allSatisfy { $0.total == 0 } }
    }

    /// Who imports: an administrator, or the command line (`cli`, role system).
    struct Actor: Sendable {
        var id: String
        var role: String
        /// A change made on an administration page (one record) rather than by a workbook: logged as such.
        var onPage = false

        /// How the log names where a change came from, and what it calls an added row.
        var source: String { onPage ? "管理页面" : "导入" }
        var added: String { onPage ? "created" : "imported" }

        static let commandLine = Actor(id: "cli", role: ActorRole.system.rawValue)
    }

    /// One change to store, with its log entry.
    struct Change<T: Sendable>: Sendable {
        var value: T
        var old: T?
        var action: String
    }

    /// Creates rows in multi-row inserts of at most `chunk` rows.
    static func insert<M: Model>(_ rows: [M], on db: Database, chunk: Int = 200) async throws {
        var start = 0
        while start < rows.count {
            let end = min(start + chunk, rows.count)
            try await Array(rows[start..<end]).create(on: db)
            start = end
        }
    }

    static func json<T: Encodable>(_ value: T?) -> String? { value.flatMap { try? JSONCoding.string($0) } }

    /// What is stored, as the sheets know it.
    func known() async throws -> (CountySheets.Known, [StaffModel], [SealModel], [DelegationModel]) {
        try await ctx.reloadDirectory(db)
        let staff = try await StaffModel.query(on: db).all()
        let seals = try await SealModel.query(on: db).all()
        let delegations = try await DelegationModel.query(on: db).all()
        let known = CountySheets.Known(
            directory: ctx.directory, delegations: try delegations.map { try $0.domain() },
            seals: seals.map { (seal: $0.domain, active: $0.active) },
            staff: staff.compactMap { s in s.id.map { (username: s.username, id: $0, orgId: s.orgId) } }, today: ctx.today)
        return (known, staff, seals, delegations)
    }

    func run(_ tables: [SheetTable], readProblems: [ImportProblem] = [], dryRun: Bool, actor: Actor) async throws -> Outcome {
        var outcome = Outcome(dryRun: dryRun)
        let (known, staffModels, sealModels, _) = try await known()
        let (sheets, problems) = CountySheets.read(tables, known: known)
        outcome.problems = readProblems + problems
        guard outcome.problems.isEmpty else { return outcome }
        let d = known.directory
        let present = Set(tables.map(\.name))

        func plan<T: Equatable & Sendable>(_ sheet: String, _ rows: [T], old: (T) -> T?, inUse: (T) -> Bool) -> (SheetSummary, [Change<T>]) {
            var s = SheetSummary(sheet: sheet)
            var changes: [Change<T>] = []
            for value in rows {
                guard let before = old(value) else {
                    if inUse(value) { s.added += 1; changes.append(Change(value: value, old: nil, action: actor.added)) }
                    continue
                }
                if before == value { s.unchanged += 1; continue }
                if inUse(before) && !inUse(value) {
                    s.retired += 1
                    changes.append(Change(value: value, old: before, action: "retired"))
                } else {
                    s.changed += 1
                    changes.append(Change(value: value, old: before, action: "updated"))
                }
            }
            return (s, changes)
        }
        let (regionSummary, regions) = plan(CountySheets.regionSheet, sheets.regions.map(\.region), old: { d.tree[$0.code] }, inUse: { _ in true })
        let (orgSummary, orgs) = plan(CountySheets.organizationSheet, sheets.organizations.map(\.organization),
                                      old: { d.organizations[$0.id] }, inUse: { _ in true })
        let (itemSummary, items) = plan(CountySheets.itemSheet, sheets.items.map(\.item), old: { d.items[$0.code] }, inUse: \.isInUse)
        let (pointSummary, points) = plan(CountySheets.pointSheet, sheets.points.map(\.point), old: { d.pointsById[$0.id] }, inUse: \.isOpen)
        struct SealState: Equatable, Sendable { var seal: Seal; var active: Bool }
        let (sealSummary, seals) = plan(CountySheets.sealSheet, sheets.seals.map { SealState(seal: $0.seal, active: $0.active) },
                                        old: { known.seals[$0.seal.number].map { SealState(seal: $0.seal, active: $0.active) } }, inUse: \.active)
        let reasons = Dictionary(sheets.delegations.compactMap { r in r.backdateReason.map { (r.delegation.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let (delegationSummary, delegations) = plan(CountySheets.delegationSheet, sheets.delegations.map(\.delegation),
                                                    old: { known.delegations[$0.id] }, inUse: { $0.revokedOn == nil })
        struct Account: Equatable, Sendable { var member: StaffMember; var active: Bool }
        let stored = Dictionary(staffModels.compactMap { m in m.domain.map { ($0.id, Account(member: $0, active: m.active)) } },
                                uniquingKeysWith: { a, _ in a })
        let (staffSummary, accounts) = plan(CountySheets.staffSheet, sheets.staff.map { Account(member: $0.member, active: $0.status == .active) },
                                            old: { stored[$0.member.id] }, inUse: \.active)
        // The checklist and stage sheets: what each item's list gained, changed, kept and lost, by name.
        func listSummary<T: Equatable>(_ sheet: String, _ list: (ServiceItem) -> [(String, T)]) -> SheetSummary {
            var s = SheetSummary(sheet: sheet)
            for item in sheets.items.map(\.item) {
                let before = Dictionary(d.items[item.code].map(list) ?? [], uniquingKeysWith: { a, _ in a })
                let after = list(item)
                for (name, value) in after {
                    if let old = before[name] { if old == value { s.unchanged += 1 } else { s.changed += 1 } } else { s.added += 1 }
                }
                s.retired += Set(before.keys).subtracting(after.map(\.0)).count
            }
            return s
        }
        let materialSummary = listSummary(CountySheets.materialSheet) { $0.materials.map { ($0.name, $0) } }
        let stageSummary = listSummary(CountySheets.stageSheet) { i in i.stages.enumerated().map { ($1, "\($0)|\(i.stageOwners?[$1] ?? "")") } }
        outcome.summary = [regionSummary, orgSummary, itemSummary, materialSummary, stageSummary, pointSummary, sealSummary,
                           delegationSummary, staffSummary].filter { present.contains($0.sheet) }
        guard !dryRun else { return outcome }

        // One unusable password for every new account: a bcrypt of random bytes nobody knows, made once.
        let newAccounts = accounts.filter { $0.old == nil }
        let unusable = newAccounts.isEmpty ? "" : try await ctx.passwords.hash(TokenService.randomToken())
        let now = ctx.now()
        var codes: [IssuedCode] = []
        // A new account's organisation may be new in this same workbook.
        let importedOrgs = Dictionary(sheets.organizations.map { ($0.organization.id, $0.organization) }, uniquingKeysWith: { a, _ in a })
        var codeRows: [ActivationCodeModel] = []
        for a in newAccounts {
            let code = ActivationCode.generate()
            let row = ActivationCodeModel()
            row.id = UUID()
            row.staffId = a.value.member.id
            row.codeHash = AccountService.codeHash(ActivationCode.normalize(code)!)
            row.createdBy = actor.id
            row.createdAt = now
            row.expiresAt = now.addingTimeInterval(ActivationCode.lifetime)
            codeRows.append(row)
            let orgId = a.value.member.orgId
            codes.append(IssuedCode(username: a.value.member.username, name: a.value.member.name,
                                    orgName: importedOrgs[orgId]?.name ?? d.name(ofOrg: orgId), code: code))
        }
        let activation = codeRows
        let sealIds = Dictionary(sealModels.map { ($0.number, $0.id ?? "") }, uniquingKeysWith: { a, _ in a })
        try await ctx.write(db) { tx in
            // New rows go in as multi-row inserts, a few hundred at a time (within SQLite's limit on bound values).
            var logs: [AdminChangeModel] = []
            func log(_ subject: AdminChangeModel.Subject, _ id: String, _ action: String, before: String?, after: String?, reason: String? = nil) {
                logs.append(AdminChangeModel(subject, id, action: action, actorId: actor.id, actorRole: actor.role, reason: reason ?? actor.source, at: now,
                                             before: before, after: after))
            }
            var newRegions: [RegionModel] = [], newOrgs: [OrganizationModel] = [], newItems: [ServiceItemModel] = []
            var newPoints: [ServicePointModel] = [], newStaff: [StaffModel] = [], guides: [GuideVersionModel] = []
            for c in regions {
                let r = c.value
                if c.old != nil {
                    try await RegionModel.query(on: tx).filter(\.$id == r.code.rawValue).set(\.$name, to: r.name).set(\.$kind, to: r.kind.rawValue)
                        .set(\.$lat, to: r.location?.lat).set(\.$lon, to: r.location?.lon).update()
                } else {
                    newRegions.append(RegionModel(r))
                }
                log(.region, r.code.rawValue, c.action, before: Self.json(c.old), after: Self.json(r))
            }
            try await Self.insert(newRegions, on: tx)
            for c in orgs {
                let o = c.value
                if c.old != nil {
                    try await OrganizationModel.query(on: tx).filter(\.$id == o.id).set(\.$name, to: o.name).set(\.$kind, to: o.kind.rawValue)
                        .set(\.$regionCode, to: o.region.rawValue).set(\.$creditCode, to: o.creditCode).update()
                } else {
                    newOrgs.append(OrganizationModel(o))
                }
                log(.organization, o.id, c.action, before: Self.json(c.old), after: Self.json(o))
            }
            try await Self.insert(newOrgs, on: tx)
            for c in items {
                let m = try ServiceItemModel(c.value)
                if c.old != nil {
                    try await ServiceItemModel.query(on: tx).filter(\.$id == c.value.code).set(\.$name, to: m.name).set(\.$type, to: m.type)
                        .set(\.$departmentId, to: m.departmentId).set(\.$isInstant, to: m.isInstant).set(\.$siteVisits, to: m.siteVisits)
                        .set(\.$onlineDepth, to: m.onlineDepth).set(\.$isHighFrequency, to: m.isHighFrequency).set(\.$guideJSON, to: m.guideJSON)
                        .update()
                } else {
                    newItems.append(m)
                }
                log(.item, c.value.code, c.action, before: Self.json(c.old), after: Self.json(c.value))
                guides.append(GuideVersionModel(item: c.value.code, version: (d.guideVersions[c.value.code] ?? 0) + 1, guideJSON: m.guideJSON,
                                                actorId: actor.id, at: now))
            }
            try await Self.insert(newItems, on: tx)
            try await Self.insert(guides, on: tx)
            for c in points {
                let m = try ServicePointModel(c.value)
                if c.old != nil {
                    try await ServicePointModel.query(on: tx).filter(\.$id == c.value.id).set(\.$name, to: m.name).set(\.$kind, to: m.kind)
                        .set(\.$regionCode, to: m.regionCode).set(\.$orgId, to: m.orgId).set(\.$tier, to: m.tier).set(\.$recordJSON, to: m.recordJSON)
                        .update()
                } else {
                    newPoints.append(m)
                }
                log(.point, c.value.id, c.action, before: Self.json(c.old), after: Self.json(c.value))
            }
            try await Self.insert(newPoints, on: tx)
            for c in seals {
                let s = c.value.seal
                if c.old == nil {
                    try await SealModel(id: s.id, number: s.number, name: s.name, ownerOrgId: s.ownerOrgId, holderOrgId: s.holderOrgId, at: now).create(on: tx)
                } else {
                    let id = sealIds[s.number] ?? s.id
                    try await SealModel.query(on: tx).filter(\.$id == id).set(\.$name, to: s.name).set(\.$ownerOrgId, to: s.ownerOrgId)
                        .set(\.$holderOrgId, to: s.holderOrgId).update()
                    if c.action == "retired" {
                        try await SealModel.query(on: tx).filter(\.$id == id).set(\.$active, to: false).set(\.$retiredAt, to: now).update()
                        try await SealKeys.retireAll(sealId: id, at: now, on: tx)
                    }
                }
                log(.seal, s.id, c.action, before: Self.json(c.old?.seal), after: Self.json(s))
            }
            for c in delegations {
                let g = c.value
                if c.old != nil {
                    guard let row = try await DelegationModel.find(g.id, on: tx) else { continue }
                    row.apply(g)
                    try await row.update(on: tx)
                } else {
                    try await DelegationModel(g).create(on: tx)
                }
                let change = c.old == nil ? "created" : c.action == "retired" ? "revoked" : "updated"
                try await DelegationChangeModel(delegation: g, change: change, actorId: actor.id, at: now,
                                                reason: c.old == nil ? reasons[g.id] : g.revokeReason).create(on: tx)
                log(.delegation, g.id, c.action, before: Self.json(c.old), after: Self.json(g), reason: reasons[g.id] ?? actor.source)
            }
            for c in accounts {
                let m = c.value.member
                if c.old == nil {
                    newStaff.append(StaffModel(m, passwordHash: unusable, mustChangePassword: true))
                } else {
                    try await StaffModel.query(on: tx).filter(\.$id == m.id).set(\.$name, to: m.name).set(\.$role, to: m.role.rawValue)
                        .set(\.$orgId, to: m.orgId).set(\.$phone, to: m.phone).set(\.$pointId, to: m.pointId).set(\.$backupId, to: m.backupId)
                        .set(\.$agentMode, to: m.agentMode?.rawValue).set(\.$active, to: c.value.active).update()
                    if c.old?.active == true && !c.value.active { try await AccountService.endSessions(of: m.id, on: tx) }
                }
                log(.account, m.id, c.old?.active == true && !c.value.active ? "deactivated" : c.action,
                              before: Self.json(c.old?.member), after: Self.json(m))
            }
            try await Self.insert(newStaff, on: tx)
            try await Self.insert(activation, on: tx)
            try await Self.insert(logs, on: tx)
        }
        try await ctx.reloadDirectory(db)
        outcome.codes = codes
        return outcome
    }
}

extension WorkbookReader {
    /// The tables of a file: an .xlsx workbook, one .csv file (its name is the sheet's), or a folder of .csv files.
    static func read(path: String, limits: Limits = .standard) throws -> (tables: [SheetTable], problems: [ImportProblem]) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw Refusal("找不到文件 \(path)") }
        if isFolder.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.lowercased().hasSuffix(".csv") }.sorted()
            guard !names.isEmpty else { throw Refusal("文件夹 \(path) 中没有 .csv 文件") }
            return (try names.map { name in
                try readCSV(try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name)), name: String(name.dropLast(4)), limits: limits)
            }, [])
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if path.lowercased().hasSuffix(".csv") {
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            return ([try readCSV(data, name: name, limits: limits)], [])
        }
        return try readXLSX(data, limits: limits)
    }
}

/// `jiujin import FILE [--dry-run]`: the lines to print, and whether anything was wrong.
public enum CountyImport {
    public struct Report: Sendable {
        public var failed: Bool
        public var lines: [String]
    }

    public static func run(_ app: Application, path: String, dryRun: Bool) async throws -> Report {
        let read: (tables: [SheetTable], problems: [ImportProblem])
        do {
            read = try WorkbookReader.read(path: path)
        } catch let refusal as WorkbookReader.Refusal {
            return Report(failed: true, lines: ["导入失败 / import refused: \(refusal.problem)"])
        }
        let outcome = try await CountyImporter(db: app.db, ctx: app.jiujin)
            .run(read.tables, readProblems: read.problems, dryRun: dryRun, actor: .commandLine)
        guard outcome.problems.isEmpty else {
            return Report(failed: true, lines: ["发现 \(outcome.problems.count) 处问题，未导入任何数据 / \(outcome.problems.count) problems, nothing imported:"]
                          + outcome.problems.map { "  " + $0.description })
        }
        var lines = [dryRun ? "检查通过（试运行，未写入）/ dry run, nothing stored:" : "导入完成 / imported:"]
        if outcome.nothingChanged { lines.append("  没有任何变化 / nothing changed") }
        for s in outcome.summary {
            lines.append("  \(s.sheet)：新增 \(s.added)，修改 \(s.changed)，未变 \(s.unchanged)，停用 \(s.retired)")
        }
        if !outcome.codes.isEmpty {
            lines.append("新账号的激活码（7天内有效，只显示这一次，请打印后当面交给本人，在 /activate 激活）：")
            lines += outcome.codes.map { "  \($0.username)\t\($0.name)\t\($0.orgName)\t\($0.code)" }
        }
        return Report(failed: false, lines: lines)
    }
}
