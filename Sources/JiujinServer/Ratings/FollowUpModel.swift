import Fluent
import Foundation
import JiujinCore

/// The follow-up a bad rating opened (差评回访整改).
final class FollowUpModel: Model, @unchecked Sendable {
    static let schema = "follow_ups"
    @ID(key: .id) var id: UUID?
    @Field(key: "rating_id") var ratingId: UUID
    @Field(key: "case_id") var caseId: UUID
    /// The organisation answerable: the one that decided the case, else the one that accepted it.
    @Field(key: "org_id") var orgId: String
    @Field(key: "status") var status: String
    @Field(key: "opened_on") var openedOn: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var domain: FollowUp? {
        guard let s = FollowUpStatus(rawValue: status), let opened = LocalDate(openedOn), let due = LocalDate(dueOn) else { return nil }
        return FollowUp(status: s, openedOn: opened, dueOn: due, outcome: outcome.flatMap(FollowUpOutcome.init(rawValue:)))
    }
}
