import Fluent
import JiujinCore
import Vapor

/// Creates, extends and revokes delegations (委托/下放). One entrustment
/// document may cover items of several bureaus and several towns: it becomes
/// one delegation per bureau and receiving organisation. Every change is
/// recorded, takes effect at once, and refreshes the catalog's levels.
struct DelegationService {
    let db: Database
    let ctx: JiujinContext

    init(db: Database, ctx: JiujinContext) {
        self.db = db
        self.ctx = ctx
    }

    init(_ req: Request) { self.init(db: req.db, ctx: req.jiujin) }

    /// A new entrustment document as typed (dates still text, checked here).
    struct Draft: Sendable {
        var documentNumber: String
        var toOrgIds: [String]
        var itemCodes: [String]
        var canAccept: Bool
        var canDecide: Bool
        var validFrom: String
        var validTo: String?
        /// Required when `validFrom` is before the day it is recorded (补录原因).
        var backdateReason: String? = nil
    }

    func create(_ draft: Draft, by staff: AuthenticatedStaff) async throws -> [Delegation] {
        let d = ctx.directory
        guard let from = LocalDate(draft.validFrom) else { throw APIError.invalid("validFrom", "生效日期格式应为 YYYY-MM-DD") }
        var to: LocalDate?
        if let raw = draft.validTo?.trimmed.nonEmpty {
            guard let parsed = LocalDate(raw) else { throw APIError.invalid("validTo", "截止日期格式应为 YYYY-MM-DD") }
            to = parsed
        }
        let backdateReason = draft.backdateReason?.trimmed.nonEmpty
        guard (backdateReason?.count ?? 0) <= 300 else { throw APIError.invalid("backdateReason", "补录原因不超过300字") }
        if from < ctx.today && backdateReason == nil {
            throw APIError.invalid("backdateReason", "生效日期早于今天（\(ctx.today)），补录委托须填写原因", code: "backdate_reason_required")
        }
        guard draft.toOrgIds.count <= 200 else { throw APIError.invalid("toOrgIds", "一份委托书最多委托200个镇村") }
        guard draft.itemCodes.count <= 500 else { throw APIError.invalid("itemCodes", "一份委托书最多500个事项") }
        for (i, target) in draft.toOrgIds.enumerated() where d.organizations[target] == nil {
            throw APIError.invalid("toOrgIds.\(i)", "受委托机构「\(TextLimit.echo(target))」不存在")
        }
        let targets = Array(Set(draft.toOrgIds)).sorted()
        guard !targets.isEmpty else { throw APIError.invalid("toOrgIds", "请选择受委托的镇（街道）或村（社区）") }
        guard !draft.itemCodes.isEmpty else { throw APIError.invalid("itemCodes", "请选择委托的事项") }
        var byDepartment: [String: [String]] = [:]
        for (i, code) in draft.itemCodes.enumerated() where d.items[code] == nil {
            throw APIError.invalid("itemCodes.\(i)", "事项编码「\(TextLimit.echo(code))」不存在", code: "unknown_item")
        }
        for code in Set(draft.itemCodes) {
            if let item = d.items[code] { byDepartment[item.departmentId, default: []].append(code) }
        }
        let documentNumber = draft.documentNumber.trimmed
        guard documentNumber.count <= 100 else { throw APIError.invalid("documentNumber", "委托书文号不超过100字") }
        let seals = try await SealModel.query(on: db).filter(\.$holderOrgId ~~ targets).filter(\.$active == true).sort(\.$number).all()
        var created: [Delegation] = []
        for target in targets {
            for (dept, codes) in byDepartment.sorted(by: { $0.key < $1.key }) {
                let delegation = Delegation(
                    id: "del-\(UUID().uuidString.prefix(8).lowercased())", documentNumber: documentNumber,
                    fromOrgId: dept, toOrgId: target, itemCodes: codes.sorted(), canAccept: draft.canAccept,
                    canDecide: draft.canDecide, validFrom: from, validTo: to,
                    sealNumber: seals.first { $0.holderOrgId == target }?.number)
                do { try delegation.validate(items: d.items, orgs: d.organizations) } catch {
                    throw APIError.invalid("delegation", error.message, code: "invalid_delegation")
                }
                if draft.canDecide && delegation.sealNumber == nil {
                    throw APIError.invalid("toOrgIds", "「\(d.organizations[target]?.name ?? TextLimit.echo(target))」没有可用的审批专用章，委托审批前请先配发印章", code: "no_seal")
                }
                created.append(delegation)
            }
        }
        let now = ctx.now()
        let toStore = created
        let rows = try toStore.map { (try DelegationModel($0), try DelegationChangeModel(delegation: $0, change: "created", actorId: staff.id, at: now,
                                                                                      reason: from < ctx.today ? backdateReason : nil)) }
        try await ctx.write(db) { tx in
            for (row, change) in rows {
                try await row.create(on: tx)
                try await change.create(on: tx)
            }
        }
        try await ctx.reloadDirectory(db)
        return created
    }

    /// Revokes one delegation, or every delegation of its document; effective today.
    func revoke(id: String, wholeDocument: Bool, reason: String, by staff: AuthenticatedStaff) async throws -> [Delegation] {
        guard let reason = reason.trimmed.nonEmpty, reason.count <= 500 else { throw APIError.invalid("reason", "请填写撤销理由") }
        guard let row = try await DelegationModel.find(id, on: db) else { throw APIError.notFound("委托") }
        let rows = wholeDocument
            ? try await DelegationModel.query(on: db).filter(\.$documentNumber == row.documentNumber).filter(\.$revokedOn == nil).all()
            : [row]
        let today = ctx.today
        let now = ctx.now()
        let staffId = staff.id
        let changed: [Delegation] = try await ctx.write(db) { tx in
            var out: [Delegation] = []
            for r in rows where r.revokedOn == nil {
                var del = try r.domain()
                del.revokedOn = today
                del.revokeReason = reason
                r.apply(del)
                try await r.save(on: tx)
                try await DelegationChangeModel(delegation: del, change: "revoked", actorId: staffId, at: now).create(on: tx)
                out.append(del)
            }
            return out
        }
        guard !changed.isEmpty else { throw APIError(.conflict, "already_revoked", "该委托已撤销") }
        try await ctx.reloadDirectory(db)
        try await CaseService(db: db, ctx: ctx).returnCases(decidedUnder: changed, by: staff)
        return changed
    }

    func extend(id: String, until raw: String, by staff: AuthenticatedStaff) async throws -> Delegation {
        guard let until = LocalDate(raw) else { throw APIError.invalid("validTo", "截止日期格式应为 YYYY-MM-DD") }
        guard let row = try await DelegationModel.find(id, on: db) else { throw APIError.notFound("委托") }
        var del = try row.domain()
        guard del.revokedOn == nil else { throw APIError(.conflict, "already_revoked", "已撤销的委托不能延期，请重新委托") }
        guard until > (del.validTo ?? del.validFrom), until >= ctx.today else {
            throw APIError.invalid("validTo", "新的截止日期须晚于原截止日期和今天")
        }
        del.validTo = until
        row.apply(del)
        let now = ctx.now()
        let extended = del
        let change = try DelegationChangeModel(delegation: extended, change: "extended", actorId: staff.id, at: now)
        try await ctx.write(db) { tx in
            try await row.save(on: tx)
            try await change.create(on: tx)
        }
        try await ctx.reloadDirectory(db)
        return extended
    }
}
