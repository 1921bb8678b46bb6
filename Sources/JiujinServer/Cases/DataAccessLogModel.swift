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
        self.staffId = staffId
        self.caseId = caseId
        self.purpose = purpose
        self.at = at
    }
}
