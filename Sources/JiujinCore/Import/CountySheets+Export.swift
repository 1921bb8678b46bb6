import Foundation

/// Writing the county workbook: what is stored as the same sheets (importing an export changes nothing), the
/// template with example rows, and the drop-down lists of every enumerated column.
extension CountySheets {
    static let yesNo = ["是", "否"]
    static let statuses = [Status.active.rawValue, Status.retired.rawValue]

    /// The drop-down lists of the enumerated columns, by sheet and column.
    public static let choices: [String: [String: [String]]] = {
        var checks: [String: [String]] = [:]
        for c in checklistColumns { checks[c] = yesNo }
        checks["类型"] = ServicePoint.Kind.allCases.map(\.label)
        checks["状态"] = statuses
        return [
            regionSheet: ["类型": ["县", "镇", "街道", "村", "社区"]],
            organizationSheet: ["类型": Organization.Kind.allCases.map(\.label)],
            pointSheet: checks,
            itemSheet: ["事项类型": ItemType.allCases.map(\.label), "即办件": yesNo, "网办深度": OnlineDepth.allCases.map(\.label),
                        "可预约": yesNo, "可快递": yesNo, "可网上支付": yesNo, "高频事项": yesNo, "审批层级": ["县", "镇", "村"],
                        "状态": statuses],
            materialSheet: ["必要": yesNo, "材料形式": ["原件", "复印件", "原件及复印件"], "载体": ["纸质", "电子", "纸质或电子"]],
            delegationSheet: ["委托受理": yesNo, "委托审批": yesNo, "状态": statuses],
            sealSheet: ["状态": statuses],
            staffSheet: ["角色": ActorRole.staffRoles.map(\.label), "代办类型": AgentMode.allCases.map(\.label), "状态": statuses],
        ]
    }()

    static func kindText(_ kind: Region.Kind) -> String { regionKinds.first { $0.value == kind }!.key }

    static func number(_ d: Double?) -> String {
        guard let d else { return "" }
        return String(format: "%.6f", d).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    static func yes(_ b: Bool) -> String { b ? "是" : "否" }

    static func status(_ active: Bool) -> String { active ? Status.active.rawValue : Status.retired.rawValue }

    static func yuan(_ fen: Int) -> String { fen % 100 == 0 ? "\(fen / 100)" : String(format: "%d.%02d", fen / 100, fen % 100) }

    static func table(_ name: String, _ rows: [[String]]) -> SheetTable {
        SheetTable(name: name, header: columns[name]!, rows: rows.enumerated().map { .init(number: $0.offset + 2, cells: $0.element) })
    }

    /// One account as the 人员 sheet lists it.
    public struct StaffEntry: Sendable {
        public var member: StaffMember
        public var active: Bool

        public init(member: StaffMember, active: Bool) {
            self.member = member
            self.active = active
        }
    }

    /// What is stored, as the workbook's sheets: importing it changes nothing.
    public static func export(_ d: Directory, delegations: [Delegation], seals: [(seal: Seal, active: Bool)], staff: [StaffEntry]) -> [SheetTable] {
        let regions = d.tree.byCode.values.sorted { $0.code < $1.code }.map(regionRow)
        let orgs = d.organizations.values.sorted { $0.id < $1.id }.map(organizationRow)
        let items = d.items.values.sorted { $0.code < $1.code }
        let sealRows = seals.sorted { $0.seal.number < $1.seal.number }.map { s in
            [s.seal.number, s.seal.name, s.seal.ownerOrgId, s.seal.holderOrgId, status(s.active)]
        }
        let delegationRows = delegations.sorted { $0.id < $1.id }.map { g in
            [g.id, g.documentNumber, g.fromOrgId, g.toOrgId, g.itemCodes.joined(separator: "、"), yes(g.canAccept), yes(g.canDecide),
             g.validFrom.description, g.validTo?.description ?? "", g.sealNumber ?? "", "", status(g.revokedOn == nil)]
        }
        let usernames = Dictionary(staff.map { ($0.member.id, $0.member.username) }, uniquingKeysWith: { a, _ in a })
        let people = staff.sorted { $0.member.username < $1.member.username }.map { staffRow($0, usernames: usernames) }
        return [table(regionSheet, regions), table(organizationSheet, orgs), table(itemSheet, items.map(itemRow)),
                table(materialSheet, items.flatMap(materialRows)), table(stageSheet, items.flatMap(stageRows)),
                table(pointSheet, d.points.map(pointRow)), table(sealSheet, sealRows), table(delegationSheet, delegationRows),
                table(staffSheet, people)]
    }

    /// A region as its 区划 row.
    public static func regionRow(_ r: Region) -> [String] {
        [r.code.rawValue, r.name, kindText(r.kind), number(r.location?.lat), number(r.location?.lon)]
    }

    /// An organisation as its 机构 row.
    public static func organizationRow(_ o: Organization) -> [String] { [o.id, o.name, o.kind.label, o.region.rawValue, o.creditCode ?? ""] }

    /// An item as its 事项 row (every guide field).
    public static func itemRow(_ i: ServiceItem) -> [String] {
        [i.code, i.name, i.type.label, i.departmentId, i.legalBasis, i.conditions, "\(i.legalLimitDays)", "\(i.promisedLimitDays)",
         yes(i.isInstant), yuan(i.fee.amountFen), i.fee.amountFen == 0 ? "" : i.fee.basis, "\(i.siteVisits)", i.onlineDepth.label,
         yes(i.offersAppointment), yes(i.offersExpress), yes(i.offersOnlinePayment), i.result?.name ?? "", i.result?.licenceType ?? "",
         yes(i.isHighFrequency), [RegionLevel.county, .town, .village].filter(i.acceptLevels.contains).map(label).joined(separator: "、"),
         label(i.decisionLevel), i.keywords.joined(separator: "、"), status(i.isInUse)]
    }

    /// An item's checklist as its 材料 rows.
    public static func materialRows(_ i: ServiceItem) -> [[String]] {
        i.materials.enumerated().map { n, m in
            [i.code, "\(n + 1)", m.name, yes(m.required), label(m.form), "\(m.copies)", label(m.format), m.licenceSource ?? "",
             m.blankForm ?? "", m.example ?? "", m.note ?? ""]
        }
    }

    /// An item's review stages as its 环节 rows.
    public static func stageRows(_ i: ServiceItem) -> [[String]] {
        i.stages.enumerated().map { n, s in [i.code, "\(n + 1)", s, i.stageOwners?[s] ?? ""] }
    }

    /// A service point as its 站点 row.
    public static func pointRow(_ p: ServicePoint) -> [String] {
        let h = p.openingHours
        let checks = p.checklist.map { c in c.entries.map { yes($0.met) } } ?? Array(repeating: "", count: 7)
        return [p.id, p.name, p.kind.label, p.orgId, p.operatorOrgId ?? "", p.region.rawValue, p.address, number(p.location.lat),
                number(p.location.lon), "\(p.windows)", "\(p.staffCount)", p.phone ?? "", p.hours,
                OpeningHours.text(h?.workdays ?? []), OpeningHours.text(h?.extended ?? []), OpeningHours.text(h?.weekend ?? []),
                OpeningHours.text(h?.holidays ?? [])] + checks + [(p.offeredItems ?? []).joined(separator: "、"), status(p.isOpen)]
    }

    /// An account as its 人员 row; `usernames` by staff id name the AB角 backup.
    public static func staffRow(_ s: StaffEntry, usernames: [String: String]) -> [String] {
        [s.member.username, s.member.name, s.member.role.label, s.member.orgId, s.member.pointId ?? "",
         s.member.backupId.flatMap { usernames[$0] } ?? "", s.member.agentMode?.label ?? "", s.member.phone ?? "", status(s.active)]
    }

    static let exampleCreditCode = "91370000MA3C5GXX5" + String(CreditCode.checkCharacter(of: "91370000MA3C5GXX5") ?? "0")

    /// The template: every sheet with its columns and example rows (演示数据 of a county that does not exist) that
    /// import together as they are.
    public static func template() -> [SheetTable] {
        let blank7 = Array(repeating: "是", count: 7)
        return [
            table(regionSheet, [["990101000000", "青禾县", "县", "36.4", "118.2"], ["990101100000", "青石镇", "镇", "36.45", "118.25"],
                                ["990101100201", "王官庄村", "村", "36.46", "118.26"]]),
            table(organizationSheet, [["dept-scjg", "青禾县市场监督管理局", Organization.Kind.department.label, "990101000000", ""],
                                      ["town-100", "青石镇便民服务中心", Organization.Kind.town.label, "990101100000", ""],
                                      ["village-100201", "王官庄村便民服务站", Organization.Kind.village.label, "990101100201", ""],
                                      ["bank-nsh", "青禾农商银行", Organization.Kind.partner.label, "990101000000", exampleCreditCode]]),
            table(itemSheet, [["SCJ0701", "个体工商户设立登记", ItemType.confirmation.label, "dept-scjg", "《促进个体工商户发展条例》第八条",
                               "有经营能力的公民，经营场所符合规定", "15", "1", "否", "0", "", "0", OnlineDepth.fullyOnline.label, "是", "是", "否",
                               "个体工商户营业执照", "营业执照", "是", "县、镇、村", "县", "营业执照、开店", "在用"]]),
            table(materialSheet, [["SCJ0701", "1", "经营者身份证件", "是", "原件", "1", "纸质或电子", "居民身份证", "", "", ""],
                                  ["SCJ0701", "2", "个体工商户登记申请书", "是", "原件", "1", "纸质", "", "个体工商户登记申请书.pdf",
                                   "个体工商户登记申请书（示例）.pdf", "可在窗口现场填写"]]),
            table(stageSheet, [["SCJ0701", "1", "审查", ""], ["SCJ0701", "2", "决定", ""]]),
            table(pointSheet, [
                ["sp-town-100", "青石镇便民服务中心", ServicePoint.Kind.townCentre.label, "town-100", "", "990101100000", "青石镇政府路1号",
                 "36.45", "118.25", "6", "12", "0539-1234567", "", "08:30-12:00 13:30-17:30", "12:00-13:30", "09:00-12:00", ""]
                    + Array(repeating: "", count: 7) + ["", "在用"],
                ["sp-100201", "王官庄村便民服务站", ServicePoint.Kind.villageStation.label, "village-100201", "", "990101100201", "王官庄村委会",
                 "36.46", "118.26", "1", "2", "", "", "08:00-11:30 14:00-17:30", "", "08:00-11:30", ""] + blank7 + ["", "在用"],
                ["sp-bank-100", "青禾农商银行青石支行（政务服务合作网点）", ServicePoint.Kind.partnerBank.label, "town-100", "bank-nsh", "990101100000",
                 "青石镇商业街10号", "36.451", "118.251", "1", "2", "", "", "09:00-17:00", "", "09:00-17:00", ""]
                    + Array(repeating: "", count: 7) + ["SCJ0701", "在用"],
            ]),
            table(sealSheet, [["审批专用章(01)", "青禾县行政审批服务局审批专用章(01)", "dept-scjg", "town-100", "在用"]]),
            table(delegationSheet, [["del-scjg-100", "青禾市监发〔2026〕2号", "dept-scjg", "town-100", "SCJ0701", "是", "是", "2026-01-01",
                                     "2027-12-31", "审批专用章(01)", "依据原纸质委托书补录", "在用"]]),
            table(staffSheet, [["ck-100", "王芳", ActorRole.windowClerk.label, "town-100", "sp-town-100", "ck-100-b", "", "13812345678", "在用"],
                               ["ck-100-b", "李强", ActorRole.windowClerk.label, "town-100", "sp-town-100", "ck-100", "", "", "在用"],
                               ["dl-100201", "赵敏", ActorRole.villageAgent.label, "village-100201", "", "", AgentMode.partTime.label, "", "在用"],
                               ["gy-bank-100", "孙丽", ActorRole.partnerTeller.label, "bank-nsh", "sp-bank-100", "", "", "", "在用"]]),
        ]
    }
}
