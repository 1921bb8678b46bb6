import Fluent
import Foundation

/// What an agent told the resident, and when (跟踪反馈记录).
final class CaseFeedbackModel: Model, @unchecked Sendable {
    static let schema = "case_feedback"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "staff_id") var staffId: String
    @Field(key: "channel") var channel: String
    @Field(key: "text") var text: String
    @Field(key: "at") var at: Date

    init() {}
}
