import Fluent
import Foundation
import JiujinCore

/// One year of the official holiday notice, as loaded by an administrator or shipped built in.
final class CalendarYearModel: Model, @unchecked Sendable {
    static let schema = "calendar_years"
    @ID(custom: "year", generatedBy: .user) var id: Int?
    @Field(key: "notice_json") var noticeJSON: String
    @Field(key: "loaded_by") var loadedBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(_ y: CalendarYear, loadedBy: String) throws {
        id = y.year
        noticeJSON = try JSONCoding.string(y)
        self.loadedBy = loadedBy
    }

    func domain() throws -> CalendarYear { try JSONCoding.decode(CalendarYear.self, noticeJSON) }
}
