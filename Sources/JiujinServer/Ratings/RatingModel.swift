import Fluent
import Foundation
import JiujinCore

/// One rating of a case in one round (好差评).
final class RatingModel: Model, @unchecked Sendable {
    static let schema = "ratings"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseId: UUID
    @Field(key: "round") var round: Int
    @Field(key: "level") var level: Int
    @Field(key: "channel") var channel: String
    @Field(key: "indicators_json") var indicatorsJSON: String
    @OptionalField(key: "text") var text: String?
    @Field(key: "at") var at: Date
    init() {}
}
