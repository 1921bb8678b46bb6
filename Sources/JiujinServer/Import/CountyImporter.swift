import Fluent
import Foundation
import JiujinCore
import Vapor

/// Imports a county workbook's places and people (导入): reads the sheets (`CountySheets`), and only when no row
/// has a problem stores them all in one write, keyed by their codes — a changed row updates, a new one adds,
/// nothing duplicates, and an account leaves only through 状态=停用. New accounts get no password: each gets a
/// one-time activation code (7 days). With `dryRun` nothing is stored and the summary says what would change.
struct CountyImporter {
    let db: Database
    let ctx: JiujinContext

    struct SheetSummary: Content, Equatable {
        var sheet: String
        var added = 0
        var changed = 0
        var unchanged = 0
        var retired = 0
    }

    struct IssuedCode: Content, Equatable {
        var username: String
        var name: String
        var code: String
    }

    struct Outcome: Sendable {
        var problems: [ImportProblem] = []
        var summary: [SheetSummary] = []
        var codes: [IssuedCode] = []
        var dryRun: Bool
        var stored: Bool { problems.isEmpty && !dryRun }
    }

    func run(_ tables: [SheetTable], readProblems: [ImportProblem] = [], dryRun: Bool, actorId: String, actorRole: String) async throws -> Outcome {
        try await ctx.reloadDirectory(db)
        var outcome = Outcome(dryRun: dryRun)
        let (sheets, problems) = CountySheets.read(tables, known: ctx.directory)
        outcome.problems = readProblems + problems
        guard outcome.problems.isEmpty else { return outcome }

        // What is there now, for the summary and the updates.
        let regions = Dictionary(uniqueKeysWithValues: try await RegionModel.query(on: db).all().compactMap { m in m.id.map { ($0, m) } })
        let orgs = Dictionary(uniqueKeysWithValues: try await OrganizationModel.query(on: db).all().compactMap { m in m.id.map { ($0, m) } })
        let staff = Dictionary(try await StaffModel.query(on: db).all().map { ($0.username.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })

        var regionSummary = SheetSummary(sheet: CountySheets.regionSheet)
        var regionWrites: [Region] = []
        for r in sheets.regions {
            if let old = regions[r.region.code.rawValue], old.domain == r.region { regionSummary.unchanged += 1; continue }
            if regions[r.region.code.rawValue] == nil { regionSummary.added += 1 } else { regionSummary.changed += 1 }
            regionWrites.append(r.region)
        }
        var orgSummary = SheetSummary(sheet: CountySheets.organizationSheet)
        var orgWrites: [Organization] = []
        for o in sheets.organizations {
            if let old = orgs[o.organization.id], old.domain == o.organization { orgSummary.unchanged += 1; continue }
            if orgs[o.organization.id] == nil { orgSummary.added += 1 } else { orgSummary.changed += 1 }
            orgWrites.append(o.organization)
        }
        var staffSummary = SheetSummary(sheet: CountySheets.staffSheet)
        var newStaff: [CountySheets.StaffRow] = []
        var changedStaff: [(StaffModel, CountySheets.StaffRow)] = []
        for s in sheets.staff {
            guard let old = staff[s.username.lowercased()] else {
                if s.status == .active { staffSummary.added += 1; newStaff.append(s) }
                continue
            }
            let active = s.status == .active
            if old.name == s.name && old.role == s.role.rawValue && old.orgId == s.orgId && old.phone == s.phone && old.active == active {
                staffSummary.unchanged += 1
                continue
            }
            if !active && old.active { staffSummary.retired += 1 } else { staffSummary.changed += 1 }
            changedStaff.append((old, s))
        }
        outcome.summary = [regionSummary, orgSummary, staffSummary].filter { summary in
            tables.contains { $0.name == summary.sheet }
        }
        guard !dryRun else { return outcome }

        // One unusable password for every new account: a bcrypt of random bytes nobody knows, made once.
        let unusable = newStaff.isEmpty ? "" : try await ctx.passwords.hash(TokenService.randomToken())
        let now = ctx.now()
        var codes: [IssuedCode] = []
        var codeRows: [ActivationCodeModel] = []
        var members: [StaffModel] = []
        for s in newStaff {
            let member = StaffMember(id: "staff-" + UUID().uuidString.prefix(8).lowercased(), username: s.username, name: s.name,
                                     role: s.role, orgId: s.orgId, phone: s.phone)
            members.append(StaffModel(member, passwordHash: unusable, mustChangePassword: true))
            let code = ActivationCode.generate()
            let row = ActivationCodeModel()
            row.id = UUID()
            row.staffId = member.id
            row.codeHash = AccountService.codeHash(ActivationCode.normalize(code)!)
            row.createdBy = actorId
            row.createdAt = now
            row.expiresAt = now.addingTimeInterval(ActivationCode.lifetime)
            codeRows.append(row)
            codes.append(IssuedCode(username: s.username, name: s.name, code: code))
        }
        // Whether each row is new was read above: the write updates or inserts without reading again.
        let regionRows = regionWrites.map { (region: $0, exists: regions[$0.code.rawValue] != nil) }
        let orgRows = orgWrites.map { (org: $0, exists: orgs[$0.id] != nil) }
        let (staffRows, activation) = (members, codeRows)
        let updates = changedStaff.map { (id: $0.0.id ?? "", wasActive: $0.0.active, row: $0.1) }
        try await ctx.write(db) { tx in
            for (r, exists) in regionRows {
                if exists {
                    try await RegionModel.query(on: tx).filter(\.$id == r.code.rawValue).set(\.$name, to: r.name).set(\.$kind, to: r.kind.rawValue)
                        .set(\.$lat, to: r.location?.lat).set(\.$lon, to: r.location?.lon).update()
                } else {
                    try await RegionModel(r).create(on: tx)
                }
                try await AdminChangeModel(.region, r.code.rawValue, action: "imported", actorId: actorId, actorRole: actorRole, reason: r.name, at: now)
                    .create(on: tx)
            }
            for (o, exists) in orgRows {
                if exists {
                    try await OrganizationModel.query(on: tx).filter(\.$id == o.id).set(\.$name, to: o.name).set(\.$kind, to: o.kind.rawValue)
                        .set(\.$regionCode, to: o.region.rawValue).update()
                } else {
                    try await OrganizationModel(o).create(on: tx)
                }
                try await AdminChangeModel(.organization, o.id, action: "imported", actorId: actorId, actorRole: actorRole, reason: o.name, at: now)
                    .create(on: tx)
            }
            for (m, code) in zip(staffRows, activation) {
                try await m.create(on: tx)
                try await code.create(on: tx)
                try await AdminChangeModel(.account, m.id ?? "", action: "imported", actorId: actorId, actorRole: actorRole, reason: nil, at: now)
                    .create(on: tx)
            }
            for u in updates {
                let deactivating = u.wasActive && u.row.status == .retired
                try await StaffModel.query(on: tx).filter(\.$id == u.id).set(\.$name, to: u.row.name).set(\.$role, to: u.row.role.rawValue)
                    .set(\.$orgId, to: u.row.orgId).set(\.$phone, to: u.row.phone).set(\.$active, to: u.row.status == .active).update()
                if deactivating { try await AccountService.endSessions(of: u.id, on: tx) }
                try await AdminChangeModel(.account, u.id, action: deactivating ? "deactivated" : "updated", actorId: actorId, actorRole: actorRole,
                                           reason: "导入", at: now).create(on: tx)
            }
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
            .run(read.tables, readProblems: read.problems, dryRun: dryRun, actorId: "cli", actorRole: ActorRole.system.rawValue)
        guard outcome.problems.isEmpty else {
            return Report(failed: true, lines: ["发现 \(outcome.problems.count) 处问题，未导入任何数据 / \(outcome.problems.count) problems, nothing imported:"]
                          + outcome.problems.map { "  " + $0.description })
        }
        var lines = [dryRun ? "检查通过（试运行，未写入）/ dry run, nothing stored:" : "导入完成 / imported:"]
        for s in outcome.summary {
            lines.append("  \(s.sheet)：新增 \(s.added)，修改 \(s.changed)，未变 \(s.unchanged)，停用 \(s.retired)")
        }
        if !outcome.codes.isEmpty {
            lines.append("新账号的激活码（7天内有效，只显示这一次，请打印后当面交给本人，在 /activate 激活）：")
            lines += outcome.codes.map { "  \($0.username)\t\($0.name)\t\($0.code)" }
        }
        return Report(failed: false, lines: lines)
    }
}
