import Fluent
import Foundation
import JiujinCore
import SQLKit

/// One version of an item's guide (办事指南版本), as it stood after an administrative change. Append-only.
final class GuideVersionModel: Model, @unchecked Sendable {
    static let schema = "item_guides"
    @ID(key: .id) var id: UUID?
    @Field(key: "item_code") var itemCode: String
    @Field(key: "version") var version: Int
    @Field(key: "guide_json") var guideJSON: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "actor_id") var actorId: String

    init() {}

    init(item: String, version: Int, guideJSON: String, actorId: String, at: Date) {
        id = UUID()
        itemCode = item
        self.version = version
        self.guideJSON = guideJSON
        self.actorId = actorId
        recordedAt = at
    }

    func domain() throws -> ServiceItem { try JSONCoding.decode(ServiceItem.self, guideJSON) }

    /// Every item's current version, in one grouped read.
    static func current(on db: Database) async throws -> [String: Int] {
        guard let sql = db as? SQLDatabase else { return [:] }
        let rows = try await sql.raw("SELECT item_code, MAX(version) AS v FROM item_guides GROUP BY item_code").all()
        var out: [String: Int] = [:]
        for r in rows { out[try r.decode(column: "item_code", as: String.self)] = try r.decode(column: "v", as: Int.self) }
        return out
    }
}

/// A blank or example form of an item's material (空白表格 / 示例样表), stored as uploaded. Append-only: the newest
/// upload of a name is the one downloaded.
final class ItemFormModel: Model, @unchecked Sendable {
    static let schema = "item_forms"
    @ID(key: .id) var id: UUID?
    @Field(key: "item_code") var itemCode: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "content") var content: Data
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}

    /// The newest upload of each name of an item, without the contents.
    static func latest(of item: String, on db: Database) async throws -> [String: (size: Int, at: Date)] {
        let rows = try await ItemFormModel.query(on: db).filter(\.$itemCode == item)
            .field(\.$id).field(\.$fileName).field(\.$size).field(\.$uploadedAt).all()
        var out: [String: (size: Int, at: Date)] = [:]
        for r in rows where (out[r.fileName]?.at ?? .distantPast) <= r.uploadedAt { out[r.fileName] = (r.size, r.uploadedAt) }
        return out
    }
}
