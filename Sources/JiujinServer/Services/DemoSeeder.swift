import Fluent
import JiujinCore
import Vapor

/// Loads the demo county into an empty database, in one transaction.
enum DemoSeeder {
    /// Whether the database holds no region yet.
    static func isEmpty(_ db: Database) async throws -> Bool {
        try await RegionModel.query(on: db).count() == 0
    }

    static func seed(_ db: Database, at now: Date) async throws {
        let demo = DemoCounty.build()
        // One hash for the shared demo password keeps first start fast.
        let hash = try Bcrypt.hash(DemoCounty.demoPassword, cost: 10)
        try await db.transaction { tx in
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
