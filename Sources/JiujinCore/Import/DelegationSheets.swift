import Foundation

/// The 印章 and 委托 sheets (印章登记、委托书台账): numbered seals, who owns and who holds each, and the delegations
/// by which a bureau lets a town or village accept and decide its items under a numbered seal.
extension Reader {
    mutating func seals(_ t: SheetTable) -> [CountySheets.SealRow] {
        var out: [CountySheets.SealRow] = []
        var inSheet = Set<String>()
        for c in cells(t) {
            let number = c.text("印章编号", max: 40, required: true)
            guard !number.isEmpty else { continue }
            guard inSheet.insert(number).inserted else { c.problem("印章编号", "印章编号 \(number) 重复"); continue }
            let name = c.text("印章名称", max: 100, required: true)
            let owner = org(c, "所有机构", kinds: [.department, .village])
            let holder = org(c, "持有机构", kinds: [.department, .countyCentre, .town, .village])
            guard let status = c.status(), let owner, let holder, !name.isEmpty else { continue }
            let stored = known.seals[number]
            if let stored, !stored.active, status == .active {
                c.problem("状态", "印章 \(number) 已停用，其密钥已作废，不能恢复：请登记新的印章编号"); continue
            }
            let seal = Seal(id: stored?.seal.id ?? "seal-" + String(UUID().uuidString.prefix(8)).lowercased(), number: number, name: name,
                            ownerOrgId: owner.id, holderOrgId: holder.id)
            out.append(.init(row: c.row.number, seal: seal, active: status == .active))
            seals[number] = seal
        }
        return out
    }

    mutating func delegations(_ t: SheetTable) -> [CountySheets.DelegationRow] {
        var out: [CountySheets.DelegationRow] = []
        var inSheet = Set<String>()
        let activeSeals = Set(known.seals.filter(\.value.active).keys).union(seals.keys.filter { known.seals[$0] == nil })
        for c in cells(t) {
            let id = c.code("委托编号")
            guard CountySheets.isCode(id) else {
                c.problem("委托编号", "委托编号「\(TextLimit.echo(id))」无效：用1–40位小写字母、数字和“-”，如 del-scjg-100"); continue
            }
            guard inSheet.insert(id).inserted else { c.problem("委托编号", "委托编号 \(id) 重复"); continue }
            let stored = known.delegations[id]
            let document = c.text("委托书文号", max: 100, required: true)
            let from = org(c, "委托机关", kinds: [.department])
            let to = org(c, "受委托机构", kinds: [.town, .village])
            let codes = c.list("委托事项")
            if codes.isEmpty { c.problem("委托事项", "请填写委托事项（事项编码，多个用、分隔）") }
            var itemsOK = true
            for code in codes {
                guard let item = items[code] else {
                    c.problem("委托事项", "事项「\(TextLimit.echo(code))」不存在"); itemsOK = false; continue
                }
                if let from, item.departmentId != from.id {
                    c.problem("委托事项", "事项「\(item.name)」的实施主体不是「\(from.name)」，不能由其委托"); itemsOK = false
                }
            }
            let accept = c.flag("委托受理", blank: true)
            let decide = c.flag("委托审批", blank: true)
            if !accept && !decide { c.problem("委托审批", "至少委托受理或审批之一") }
            let validFrom = c.date("生效日期", required: true)
            let validTo = c.date("截止日期")
            if let validFrom, let validTo, validTo < validFrom { c.problem("截止日期", "截止日期早于生效日期") }
            let seal = c.text("印章编号", max: 40).nonEmptyText
            if let seal, let to {
                if let s = seals[seal] {
                    if !activeSeals.contains(seal) { c.problem("印章编号", "印章 \(seal) 已停用") }
                    if s.holderOrgId != to.id { c.problem("印章编号", "印章 \(seal) 由「\(orgs[s.holderOrgId]?.name ?? s.holderOrgId)」持有，不是受委托机构") }
                } else {
                    c.problem("印章编号", "印章「\(TextLimit.echo(seal))」不存在：请先在「印章」表中登记")
                }
            }
            let reason = c.optionalText("补录说明", max: 500)
            guard let status = c.status(), let from, let to, let validFrom, itemsOK, !codes.isEmpty, !document.isEmpty, accept || decide else { continue }
            if to.region.county != from.region.county { c.problem("受委托机构", "受委托机构不在本县"); continue }
            if stored == nil, validFrom < known.today, reason == nil {
                c.problem("补录说明", "生效日期 \(validFrom) 早于今天：补录已生效的委托书须写明补录说明（如 依据原纸质委托书补录）"); continue
            }
            if let revoked = stored?.revokedOn, status == .active {
                c.problem("状态", "委托 \(id) 已于 \(revoked) 撤销，不能恢复：请新建委托"); continue
            }
            var d = Delegation(id: id, documentNumber: document, fromOrgId: from.id, toOrgId: to.id, itemCodes: codes, canAccept: accept,
                               canDecide: decide, validFrom: validFrom, validTo: validTo, revokedOn: stored?.revokedOn,
                               revokeReason: stored?.revokeReason, sealNumber: seal)
            if status == .retired && d.revokedOn == nil {
                d.revokedOn = known.today
                d.revokeReason = "导入停用"
            }
            out.append(.init(row: c.row.number, delegation: d, backdateReason: stored == nil ? reason : nil))
        }
        return out
    }
}
