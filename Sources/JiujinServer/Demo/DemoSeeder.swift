import Fluent
import JiujinCore
import Vapor

/// Loads the demo county into an empty database, in one transaction.
enum DemoSeeder {
    /// Whether the database holds no region yet.
    static func isEmpty(_ db: Database) async throws -> Bool {
        try await RegionModel.query(on: db).count() == 0
    }

    /// Electronic licences two demo residents already hold (证照库), so 免提交 can be seen at the window.
    static let libraryHolders: [(name: String, id: String)] = [("刘坤", "11010519491231002X"), ("张珊", "440524188001010014")]

    static func seedLibrary(_ db: Database, context: JiujinContext) async throws {
        let service = CertificateService(db: db, ctx: context)
        var rows: [CertificateModel] = []
        for holder in libraryHolders {
            for (type, name) in [("居民身份证", "居民身份证（电子证照）"), ("居民户口簿", "居民户口簿（电子证照）")] {
                rows.append(try await service.issue(id: CertificateService.newId(), type: type, holderName: holder.name, holderNumber: holder.id,
                                                    holderIdMasked: Masking.residentID(holder.id), fields: ["证照名称": name],
                                                    orgId: "dept-gaj", sealNumber: "GAJ-01", caseId: nil))
            }
        }
        let toStore = rows
        try await context.write(db) { tx in for r in toStore { try await r.create(on: tx) } }
    }

    /// The demo county as a workbook (`jiujin export` of a fresh demo gives the same sheets).
    static func workbook() throws -> [SheetTable] {
        let demo = DemoCounty.build()
        let directory = try Directory(regions: demo.regions, organizations: demo.organizations, points: demo.servicePoints, items: demo.items,
                                      seals: demo.seals, delegations: demo.delegations)
        var tables = CountySheets.export(directory, delegations: demo.delegations, seals: demo.seals.map { (seal: $0, active: true) },
                                         staff: demo.staff.map { CountySheets.StaffEntry(member: $0, active: true) })
        // The demo's delegations began before today: recorded as 补录 of the (fictional) paper documents.
        if let i = tables.firstIndex(where: { $0.name == CountySheets.delegationSheet }),
           let column = tables[i].header.firstIndex(of: "补录说明") {
            for r in tables[i].rows.indices { tables[i].rows[r].cells[column] = "演示数据：依据委托书补录" }
        }
        return tables
    }

    /// Loads the demo county through the import (the same checks and writes as a county's own workbook), then gives
    /// every demo account the shared demo password instead of an activation code.
    static func seed(_ db: Database, context: JiujinContext) async throws {
        let outcome = try await CountyImporter(db: db, ctx: context)
            .run(try workbook(), dryRun: false, actor: .init(id: "demo", role: ActorRole.system.rawValue))
        guard outcome.problems.isEmpty else {
            throw ConfigurationError("the demo county does not import: " + outcome.problems.prefix(5).map(\.description).joined(separator: "; "))
        }
        // One hash for the shared demo password keeps first start fast.
        let hash = try await context.passwords.hash(DemoCounty.demoPassword)
        let now = context.now()
        try await context.write(db) { tx in
            try await StaffModel.query(on: tx).set(\.$passwordHash, to: hash).set(\.$mustChangePassword, to: false).update()
            try await ActivationCodeModel.query(on: tx).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
        }
    }
}
