import Fluent
import Foundation
import JiujinCore
import SQLKit
import Vapor

/// Takes ratings and runs the follow-ups of bad ones.
struct RatingService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    static let indicators = ["办事指南清晰", "材料精简", "一次办好", "服务态度好", "办理速度快", "等候时间短"]

    /// A rating as given.
    struct Input: Sendable {
        var level: Int
        var channel: String
        var indicators: [String]?
        var text: String?
    }

    /// Every failure to name a case answers this, whether the number exists, the code is wrong or malformed, or
    /// the case number is resting after wrong codes: a guess learns nothing.
    static let unknownCase = APIError(.notFound, "not_found", "办件编号或查询密码不正确（查询密码印在受理回执上；多次输错后该办件将暂停查询一段时间）")

    /// The case a resident names by its number, proven by its query code (查询密码, on the receipt and in its QR).
    /// Wrong codes make the case number rest (`QueryCodeGuard`).
    func caseForResident(number: String, queryCode typed: String, address: String) async throws -> Case {
        let n = number.trimmed
        guard CaseNumber(n) != nil else { throw APIError.invalid("number", "办件编号格式不正确（如 990101-20261120-000001）") }
        guard typed.count <= 40 else { throw APIError.invalid("queryCode", "查询密码为8位字母和数字") }
        let guardian = ctx.queryCodes
        guard guardian.wait(number: n) == nil else { throw Self.unknownCase }
        let sql = try sqlDatabase(db)
        guard let code = QueryCode.normalize(typed), let stored = try await CaseRows.queryCode(number: n, on: sql),
              let expected = QueryCode.normalize(stored.code), PrintedCode.same(code, expected),
              let c = try await CaseRows.find(stored.id, cipher: ctx.cipher, on: sql) else {
            guardian.failed(number: n)
            throw Self.unknownCase
        }
        guardian.succeeded(number: n)
        return c
    }

    /// Checks a rating before any case is named, so an invalid rating is refused alike for right and wrong codes.
    func check(_ input: Input) throws {
        guard RatingLevel(rawValue: input.level) != nil else { throw APIError.invalid("level", "请选择评价等级（1 非常不满意 … 5 非常满意）") }
        guard RatingChannel(rawValue: input.channel) != nil else { throw APIError.invalid("channel", "评价渠道无效") }
        let indicators = input.indicators ?? []
        guard indicators.allSatisfy(Self.indicators.contains), Set(indicators).count == indicators.count else {
            throw APIError.invalid("indicators", "评价指标无效")
        }
        guard (input.text?.trimmed.count ?? 0) <= 500 else { throw APIError.invalid("text", "评价内容不超过500字") }
    }

    func rate(_ c: Case, _ input: Input) async throws -> (RatingModel, FollowUpModel?) {
        try check(input)
        guard let level = RatingLevel(rawValue: input.level), let channel = RatingChannel(rawValue: input.channel) else { return (RatingModel(), nil) }
        let indicators = input.indicators ?? []
        let text = input.text?.trimmed.nonEmpty
        let status = c.status
        let taken = try await RatingModel.query(on: db).filter(\.$caseId == c.id).all()
        var firstFollowUp: FollowUpStatus?
        if let first = taken.first(where: { $0.round == 1 }) {
            firstFollowUp = try await FollowUpModel.query(on: db).filter(\.$ratingId == first.id!).first()
                .flatMap { FollowUpStatus(rawValue: $0.status) }
        }
        let round = try RatingRules.nextRound(status: status, roundsTaken: Set(taken.map(\.round)), firstFollowUp: firstFollowUp)
        let rating = RatingModel()
        rating.id = UUID()
        rating.caseId = c.id
        rating.round = round
        rating.level = level.rawValue
        rating.channel = channel.rawValue
        rating.indicatorsJSON = try JSONCoding.string(indicators)
        rating.text = text
        rating.at = ctx.now()
        var followUp: FollowUpModel?
        if level.isBad {
            let f = try FollowUp.open(on: ctx.today, days: ctx.options.followUpDays, calendar: ctx.calendar)
            let row = FollowUpModel()
            row.id = UUID()
            row.ratingId = rating.id!
            row.caseId = c.id
            row.orgId = c.decidingOrgId ?? c.acceptingOrgId ?? ""
            row.status = f.status.rawValue
            row.openedOn = f.openedOn.description
            row.dueOn = f.dueOn.description
            row.version = 1
            row.updatedAt = ctx.now()
            followUp = row
        }
        let toStore = followUp
        do {
            try await ctx.write(db) { tx in
                try await rating.create(on: tx)
                try await toStore?.create(on: tx)
            }
        } catch let e as DatabaseError where e.isConstraintFailure {
            // Two ratings of the same round at once: the unique index lets one through.
            throw RatingError.alreadyRated
        }
        return (rating, followUp)
    }

    /// A step of a follow-up as asked for (action and outcome by their codes).
    struct FollowUpInput: Content, Sendable {
        var action: String
        var outcome: String?
        var newDue: String?
        var note: String?
        var expectedVersion: Int?
    }

    /// Moves a follow-up; the answerable organisation's staff work it, supervisors extend or judge it.
    func act(on id: UUID, _ input: FollowUpInput, staff: AuthenticatedStaff) async throws -> FollowUpModel {
        guard let row = try await FollowUpModel.find(id, on: db), canSee(row, staff: staff) else { throw APIError.notFound("回访") }
        if let v = input.expectedVersion, v != row.version { throw APIError.versionConflict }
        guard let action = FollowUpAction(rawValue: input.action) else { throw APIError.invalid("action", "未知的操作") }
        var newDue: LocalDate?
        if let raw = input.newDue?.trimmed.nonEmpty {
            guard let d = LocalDate(raw) else { throw APIError.invalid("newDue", "日期格式应为 YYYY-MM-DD") }
            newDue = d
        }
        guard let current = row.domain else { throw APIError(.internalServerError, "corrupt", "回访记录无效") }
        let note = try TextLimit.optional(input.note, field: "note", max: 500, what: "说明")
        let next = try current.applying(action, role: staff.role, outcome: input.outcome.flatMap(FollowUpOutcome.init(rawValue:)),
                                        newDue: newDue, note: note)
        let expected = row.version
        row.status = next.status.rawValue
        row.dueOn = next.dueOn.description
        row.outcome = next.outcome?.rawValue
        let line = "\(ctx.today) \(staff.member.name)（\(action.label)）：\(note ?? "")"
        row.note = [row.note, line].compactMap { $0 }.joined(separator: "\n")
        row.version = expected + 1
        row.updatedAt = ctx.now()
        try await ctx.write(db, claiming: VersionClaim(table: FollowUpModel.schema, id: id, version: expected)) { tx in
            try await row.save(on: tx)
        }
        return row
    }

    /// A follow-up is worked by the organisation answerable for it; supervisors and the county centre see all.
    func canSee(_ row: FollowUpModel, staff: AuthenticatedStaff) -> Bool {
        staff.seesWholeCounty || staff.org.id == row.orgId
    }

    /// The follow-ups `canSee` allows, soonest due first.
    func visibleFollowUps(staff: AuthenticatedStaff, limit: Int = 500) async throws -> [FollowUpModel] {
        var query = FollowUpModel.query(on: db)
        if !staff.seesWholeCounty { query = query.filter(\.$orgId == staff.org.id) }
        return try await query.sort(\.$dueOn).limit(limit).all()
    }

    /// What the follow-up desk shows a member: their follow-ups with the cases and ratings they concern.
    struct Desk: Sendable {
        var followUps: [FollowUpModel]
        var cases: [CaseModel]
        var ratings: [RatingModel]
    }

    func desk(staff: AuthenticatedStaff) async throws -> Desk {
        let rows = try await visibleFollowUps(staff: staff)
        return Desk(followUps: rows, cases: try await CaseModel.query(on: db).filter(\.$id ~~ rows.map(\.caseId)).all(),
                    ratings: try await RatingModel.query(on: db).filter(\.$id ~~ rows.map(\.ratingId)).all())
    }
}
