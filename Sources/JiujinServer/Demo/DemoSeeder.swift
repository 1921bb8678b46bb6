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

    static func seed(_ db: Database, context: JiujinContext) async throws {
        let now = context.now()
        let demo = DemoCounty.build()
        // One hash for the shared demo password keeps first start fast.
        let hash = try await context.passwords.hash(DemoCounty.demoPassword)
        try await context.write(db) { tx in
            try await demo.regions.map(RegionModel.init).create(on: tx)
            try await demo.organizations.map(OrganizationModel.init).create(on: tx)
            try await demo.servicePoints.map(ServicePointModel.init).create(on: tx)
            try await demo.items.map(ServiceItemModel.init).create(on: tx)
            try await demo.delegations.map(DelegationModel.init).create(on: tx)
            try await demo.delegations.map {
                try DelegationChangeModel(delegation: $0, change: "created", actorId: "u-admin", at: now)
            }.create(on: tx)
            try await demo.staff.map { StaffModel($0, passwordHash: hash, mustChangePassword: false) }.create(on: tx)
            try await demo.seals.map {
                SealModel(id: $0.id, number: $0.number, name: $0.name, ownerOrgId: $0.ownerOrgId, holderOrgId: $0.holderOrgId, at: now)
            }.create(on: tx)
        }
    }
}
