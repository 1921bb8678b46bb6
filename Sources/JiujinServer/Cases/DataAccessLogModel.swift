import Fluent
import Foundation
import JiujinCore

/// Who read whose unmasked personal data, and when (个人信息查阅记录).
final class DataAccessLogModel: Model, @unchecked Sendable {
    static let schema = "data_access_logs"
    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffId: String
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "purpose") var purpose: String
    @Field(key: "at") var at: Date

    init() {}

    init(staffId: String, caseId: UUID, purpose: String, at: Date) {
        id = UUID()
        self.staffId = staffId
        self.caseId = caseId
        self.purpose = purpose
        self.at = at
    }

    /// A plain insert that can be repeated (the record buffer retries what the database refused).
    func insert(on db: Database) async throws {
        try await sqlDatabase(db).raw("""
            INSERT INTO data_access_logs (id, staff_id, case_id, purpose, at)
            VALUES (\(bind: id ?? UUID()), \(bind: staffId), \(bind: caseId), \(bind: purpose), \(bind: at))
            """).run()
    }
}
