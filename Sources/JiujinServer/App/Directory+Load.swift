import Fluent
import Foundation
import JiujinCore

extension Directory {
    /// Reads the snapshot from the database: regions, organisations, points, items, active seals, and the
    /// delegations not revoked, at the directory version read first (a change racing the load only makes
    /// the snapshot look older than it is, so it is read again).
    static func load(from db: Database) async throws -> Directory {
        let version = try await DirectoryVersion.current(on: db)
        let regions = try await RegionModel.query(on: db).all().compactMap(\.domain)
        let orgs = try await OrganizationModel.query(on: db).all().compactMap(\.domain)
        let points = try await ServicePointModel.query(on: db).all().map { try $0.domain() }
        let items = try await ServiceItemModel.query(on: db).all().map { try $0.domain() }
        let seals = try await SealModel.query(on: db).filter(\.$active == true).all().map(\.domain)
        let delegations = try await DelegationModel.query(on: db).filter(\.$revokedOn == nil).all().map { try $0.domain() }
        let guides = try await GuideVersionModel.current(on: db)
        return try Directory(regions: regions, organizations: orgs, points: points, items: items, seals: seals,
                             delegations: delegations, version: version, guideVersions: guides)
    }
}
