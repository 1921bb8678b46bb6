import Foundation

/// The 人员 sheet (人员名单): accounts with role, organisation, point, AB角 backup and agent mode; which roles an
/// organisation of each kind may hold.
extension Reader {
    mutating func staff(_ t: SheetTable) -> [CountySheets.StaffRow] {
        var out: [CountySheets.StaffRow] = []
        var ids: [String: String] = known.staffIds
        var taken = Set(known.staffIds.values)
        var backups: [(Cells, String, Int)] = []
        var inSheet = Set<String>()
        for c in cells(t) {
            // A space inside a username is ambiguous (two names? a typo?): reported, not removed.
            let typed = c.raw("用户名")
            let username = typed.contains(" ") ? typed : CellText.code(typed)
            guard CountySheets.isUsername(username) else {
                c.problem("用户名", "用户名「\(TextLimit.echo(username))」无效：用1–64位字母、数字和 - _ ."); continue
            }
            let key = username.lowercased()
            guard inSheet.insert(key).inserted else { c.problem("用户名", "用户名 \(username) 重复"); continue }
            let name = c.text("姓名", max: 50, required: true)
            guard let role = c.choice("角色", CountySheets.staffRoles) else { continue }
            let org = self.org(c, "所属机构")
            if let org { checkRole(c, role: role, org: org) }
            var point: ServicePoint?
            let pointId = c.code("所属站点")
            if !pointId.isEmpty {
                if let p = points[pointId] {
                    point = p
                    if let org, role != .partnerTeller, p.orgId != org.id, !(p.kind.isShared && (org.kind == .countyCentre || p.region.isWithin(org.region))) {
                        c.problem("所属站点", "站点「\(p.name)」不属于「\(org.name)」，也不是其辖区内的共享站点")
                    }
                } else {
                    c.problem("所属站点", "站点「\(TextLimit.echo(pointId))」不存在：请先在「站点」表中列出")
                }
            }
            if role == .partnerTeller {
                if let point {
                    if !point.kind.isPartner { c.problem("所属站点", "合作网点柜员应挂在合作网点，「\(point.name)」是\(point.kind.label)") }
                    if let org, org.id != point.orgId, org.id != point.operatorOrgId {
                        c.problem("所属机构", "柜员的所属机构应为网点所属机构或其运营机构（\(point.orgId)\(point.operatorOrgId.map { " 或 " + $0 } ?? "")）")
                    }
                } else if pointId.isEmpty {
                    c.problem("所属站点", "合作网点柜员须填写所属站点（只在该网点受理该网点开办的事项）")
                }
            }
            var mode: AgentMode?
            if !c.raw("代办类型").isEmpty {
                if role == .villageAgent { mode = c.choice("代办类型", CountySheets.agentModes) } else { c.problem("代办类型", "只有帮办代办员填写代办类型") }
            }
            var phone: String?
            let phoneText = c.code("手机")
            if !phoneText.isEmpty {
                do { phone = try MobileNumber(phoneText).rawValue } catch { c.problem("手机", error.message) }
            }
            guard let status = c.status() else { continue }
            var id = ids[key] ?? "u-" + key
            if ids[key] == nil {
                var n = 2
                while taken.contains(id) { id = "u-\(key)-\(n)"; n += 1 }
                ids[key] = id
                taken.insert(id)
            }
            let backup = c.code("AB角")
            if !backup.isEmpty { backups.append((c, backup.lowercased(), out.count)) }
            out.append(.init(row: c.row.number, id: id, username: username, name: name, role: role, orgId: org?.id ?? "", phone: phone,
                             pointId: point?.id, backupId: nil, agentMode: mode, status: status))
        }
        // AB角 names a colleague of the same organisation, in this sheet or stored.
        let orgByUser = Dictionary(out.map { ($0.username.lowercased(), $0.orgId) }, uniquingKeysWith: { a, _ in a })
        for (c, backup, index) in backups {
            guard let id = ids[backup] else { c.problem("AB角", "AB角「\(TextLimit.echo(backup))」不是已有或本表中的用户名"); continue }
            if backup == out[index].username.lowercased() { c.problem("AB角", "AB角不能是本人"); continue }
            if let org = orgByUser[backup] ?? known.staffOrg(id), org != out[index].orgId {
                c.problem("AB角", "AB角应为同一机构的工作人员（\(backup) 属于 \(org)）"); continue
            }
            out[index].backupId = id
        }
        return out
    }

    func checkRole(_ c: Cells, role: ActorRole, org: Organization) {
        let allowed: Set<Organization.Kind>
        switch role {
        case .villageAgent: allowed = [.village, .town, .countyCentre]
        case .partnerTeller: allowed = [.partner, .town, .village, .countyCentre]
        case .windowClerk: allowed = [.countyCentre, .town, .village, .department]
        default: allowed = [.department, .countyCentre, .town, .village]
        }
        if !allowed.contains(org.kind) {
            c.problem("角色", "\(role.label)不能属于\(org.kind.label)「\(org.name)」：应属于 " + allowed.map(\.label).sorted().joined(separator: "、"))
        }
    }
}
