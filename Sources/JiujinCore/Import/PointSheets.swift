import Foundation

/// The 站点 sheet (站点台账): every centre, village station, partner point, bus and terminal with its address, map
/// position, windows, structured opening hours, the 六有一能 checklist of a village station and the items a shared
/// point offers.
extension CountySheets {
    public static let pointKinds: [String: ServicePoint.Kind] = Dictionary(uniqueKeysWithValues: ServicePoint.Kind.allCases.map { ($0.label, $0) })
    static let slotColumns = ["工作日时段", "延时时段", "周末时段", "节假日时段"]
}

extension Reader {
    mutating func points(_ t: SheetTable) -> [CountySheets.PointRow] {
        var out: [CountySheets.PointRow] = []
        var inSheet = Set<String>()
        for c in cells(t) {
            let id = c.code("站点编码")
            guard CountySheets.isCode(id) else {
                c.problem("站点编码", "站点编码「\(TextLimit.echo(id))」无效：用1–40位小写字母、数字和“-”，如 sp-town-100"); continue
            }
            guard inSheet.insert(id).inserted else { c.problem("站点编码", "站点编码 \(id) 重复"); continue }
            let old = points[id]
            let name = c.text("名称", max: 100, required: true)
            guard let kind = c.choice("类型", CountySheets.pointKinds) else { continue }
            let expected: Set<Organization.Kind>
            switch kind {
            case .countyCentre: expected = [.countyCentre]
            case .townCentre: expected = [.town]
            case .villageStation: expected = [.village]
            default: expected = [.countyCentre, .town, .village]
            }
            let org = self.org(c, "所属机构", kinds: expected)
            var operatorId: String?
            if !c.raw("运营机构").isEmpty {
                if kind.isPartner { operatorId = self.org(c, "运营机构", kinds: [.partner])?.id } else { c.problem("运营机构", "只有合作网点填写运营机构") }
            }
            let regionText = c.code("所在区划")
            let region = DivisionCode(regionText).flatMap { regionCodes.contains($0) ? $0 : nil }
            if region == nil { c.problem("所在区划", "所在区划「\(TextLimit.echo(regionText))」不存在：请先在「区划」表中列出") }
            if let org, let region {
                if kind.isShared {
                    if org.kind != .countyCentre && !region.isWithin(org.region) { c.problem("所在区划", "共享站点应在「\(org.name)」的辖区内") }
                } else if region != org.region {
                    c.problem("所在区划", "\(kind.label)应设在其所属机构的区划 \(org.region)")
                }
            }
            let address = c.text("地址", max: 200, required: true)
            let location = c.location(required: true)
            let windows = c.int("窗口数", in: 0...999, blank: 1)
            let staffCount = c.int("人员数", in: 0...9999, blank: 0)
            var phone: String?
            let phoneText = c.code("电话")
            if !phoneText.isEmpty {
                if phoneText.count <= 20, phoneText.count >= 5, phoneText.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
                    phone = phoneText
                } else {
                    c.problem("电话", "电话「\(TextLimit.echo(phoneText))」无效：用数字和“-”，如 0539-1234567")
                }
            }
            var slots: [[OpeningHours.Slot]] = []
            for column in CountySheets.slotColumns {
                switch OpeningHours.slots(c.raw(column)) {
                case .success(let s): slots.append(s)
                case .failure(let p): c.problem(column, p.message); slots.append([])
                }
            }
            let hours = OpeningHours(workdays: slots[0], extended: slots[1], weekend: slots[2], holidays: slots[3])
            var hoursText = c.text("开放时间说明", max: 200)
            if hoursText.isEmpty {
                if hours.isEmpty { c.problem("工作日时段", "请填写开放时间：工作日时段（如 08:30-12:00 13:30-17:30）或开放时间说明") }
                hoursText = hours.summary
            }
            let checks = CountySheets.checklistColumns.map { c.raw($0) }
            var checklist: StationChecklist?
            if checks.contains(where: { !$0.isEmpty }) {
                if kind == .villageStation {
                    let f = CountySheets.checklistColumns.map { c.flag($0, blank: false) }
                    checklist = StationChecklist(hasPremises: f[0], hasStaff: f[1], hasRules: f[2], hasNetwork: f[3], hasEquipment: f[4],
                                                 hasFunding: f[5], canHandleItems: f[6])
                } else {
                    c.problem("有场所", "六有一能只适用于村（社区）便民服务站")
                }
            }
            var offered: [String]?
            let codes = c.list("可办事项")
            if !codes.isEmpty {
                if kind.isShared {
                    for code in codes where items[code] == nil { c.problem("可办事项", "事项「\(TextLimit.echo(code))」不存在：请先在「事项」表中列出") }
                    offered = codes
                } else {
                    c.problem("可办事项", "只有合作网点、直通车和自助终端限定可办事项；中心和便民服务站按机构权限受理")
                }
            }
            guard let status = c.status(), let org, let region, let location, let windows, let staffCount, !name.isEmpty, !address.isEmpty else { continue }
            let point = ServicePoint(id: id, name: name, kind: kind, region: region, orgId: org.id, address: address, location: location,
                                     hours: hoursText, windows: windows, staffCount: staffCount, phone: phone, checklist: checklist,
                                     offeredItems: offered, openingHours: hours.isEmpty ? nil : hours, operatorOrgId: operatorId,
                                     closedOn: status == .retired ? (old?.closedOn ?? known.today) : nil)
            out.append(.init(row: c.row.number, point: point))
            points[id] = point
        }
        return out
    }
}
