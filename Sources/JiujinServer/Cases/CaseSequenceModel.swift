import Fluent
import Foundation
import JiujinCore

/// The daily case-number counter of a county (办件编号序列).
final class CaseSequenceModel: Model, @unchecked Sendable {
    static let schema = "case_sequences"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "next_value") var nextValue: Int
    init() {}
}
