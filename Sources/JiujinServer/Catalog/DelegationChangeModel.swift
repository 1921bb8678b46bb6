import Fluent
import Foundation
import JiujinCore

/// The append-only record of every change to a delegation (委托变更记录).
final class DelegationChangeModel: Model, @unchecked Sendable {
    static let schema = "delegation_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "delegation_id") var delegationId: String
    @Field(key: "change") var change: String
    @Field(key: "actor_id") var actorId: String
    @Field(key: "snapshot_json") var snapshotJSON: String
    @Field(key: "at") var at: Date
    /// Why, where the change needs one: a delegation recorded after the day it starts (补录).
    @OptionalField(key: "reason") var reason: String?

    init() {}

    init(delegation: Delegation, change: String, actorId: String, at: Date, reason: String? = nil) throws {
        self.reason = reason
        delegationId = delegation.id
        self.change = change
        self.actorId = actorId
        snapshotJSON = try JSONCoding.string(delegation)
        self.at = at
    }
}
