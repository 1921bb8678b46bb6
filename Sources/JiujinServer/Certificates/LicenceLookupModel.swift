import Fluent
import Foundation

/// One look into the licence library (证照库查询记录): who asked about which holder (their keyed hash, never the
/// number), for which item and purpose, and which licence types the answer revealed. Append-only.
final class LicenceLookupModel: Model, @unchecked Sendable {
    static let schema = "licence_lookups"
    @ID(custom: "id", generatedBy: .user) var id: UUID?
    /// A member of staff's id, or "applicant" for an online application.
    @Field(key: "actor_id") var actorId: String
    @Field(key: "holder_key") var holderKey: String
    @Field(key: "item_code") var itemCode: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "revealed") var revealed: String
    /// The case being filed; nil for a lookup before filing (受理前查询).
    @OptionalField(key: "case_id") var caseId: UUID?
    @Field(key: "at") var at: Date

    init() {}

    init(actorId: String, holderKey: String, itemCode: String, purpose: String, revealed: String, at: Date) {
        id = UUID()
        self.actorId = actorId
        self.holderKey = holderKey
        self.itemCode = itemCode
        self.purpose = purpose
        self.revealed = revealed
        self.at = at
    }

    /// A plain insert that can be repeated: the record buffer retries a batch the database refused (disk full),
    /// and Fluent's `create` may run only once per model.
    func insert(on db: Database) async throws {
        try await sqlDatabase(db).raw("""
            INSERT INTO licence_lookups (id, actor_id, holder_key, item_code, purpose, revealed, case_id, at)
            VALUES (\(bind: id ?? UUID()), \(bind: actorId), \(bind: holderKey), \(bind: itemCode), \(bind: purpose), \(bind: revealed),
                    \(bind: caseId), \(bind: at))
            """).run()
    }
}
