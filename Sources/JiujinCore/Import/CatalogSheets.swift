import Foundation

/// The catalog's sheets (实施清单): 事项, one row per item with every guide field; 材料, the checklist; 环节, the review
/// stages and who owns each. An item's 材料 or 环节 rows, when the workbook has any, replace what is stored for it.
extension CountySheets {
    public static let itemTypes: [String: ItemType] = Dictionary(uniqueKeysWithValues: ItemType.allCases.map { ($0.label, $0) })
    public static let onlineDepths: [String: OnlineDepth] = Dictionary(uniqueKeysWithValues: OnlineDepth.allCases.map { ($0.label, $0) })
    public static let materialForms: [String: Material.Form] = ["原件": .original, "复印件": .copy, "原件及复印件": .originalAndCopy]
    public static let materialFormats: [String: Material.Format] = ["纸质": .paper, "电子": .electronic, "纸质或电子": .paperOrElectronic]

    static func label(_ form: Material.Form) -> String { materialForms.first { $0.value == form }!.key }
    static func label(_ format: Material.Format) -> String { materialFormats.first { $0.value == format }!.key }
    static func label(_ level: RegionLevel) -> String { levels.first { $0.value == level }!.key }

    static func isItemCode(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 40 && s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }

    /// A file name of a blank or example form: a plain name, no folder.
    static func isFileName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 120 && !s.contains("/") && !s.contains("\\") && !s.hasPrefix(".")
    }
}

extension Reader {
    mutating func items(_ t: SheetTable?, materials: SheetTable?, stages: SheetTable?) -> [CountySheets.ItemRow] {
        // 事项
        var rows: [String: (row: Int, item: ServiceItem)] = [:]
        var order: [String] = []
        if let t {
            for c in cells(t) {
                let code = c.code("事项编码")
                guard CountySheets.isItemCode(code) else {
                    c.problem("事项编码", "事项编码「\(TextLimit.echo(code))」无效：用1–40位字母、数字和“-”"); continue
                }
                guard rows[code] == nil else { c.problem("事项编码", "事项编码 \(code) 重复"); continue }
                guard let item = item(c, code: code) else { continue }
                rows[code] = (c.row.number, item)
                order.append(code)
            }
        }
        func base(_ code: String) -> ServiceItem? { rows[code]?.item ?? items[code] }

        // 材料 and 环节, grouped by item, in the order of 序号 (then of the rows).
        var materialRows: [String: [(seq: Int, row: Int, material: Material)]] = [:]
        if let materials {
            var names = Set<String>()
            for c in cells(materials) {
                let code = c.code("事项编码")
                guard base(code) != nil else { c.problem("事项编码", "事项「\(TextLimit.echo(code))」不存在：请先在「事项」表中列出"); continue }
                let seq = c.int("序号", in: 1...999, blank: 0) ?? 0
                let name = c.text("材料名称", max: 200, required: true)
                guard !name.isEmpty else { continue }
                guard names.insert(code + "\u{1}" + name).inserted else { c.problem("材料名称", "事项 \(code) 的材料「\(name)」重复"); continue }
                let required = c.flag("必要", blank: true)
                let form = c.choice("材料形式", CountySheets.materialForms, blank: .original) ?? .original
                let copies = c.int("份数", in: 1...99, blank: 1) ?? 1
                let format = c.choice("载体", CountySheets.materialFormats, blank: .paperOrElectronic) ?? .paperOrElectronic
                let licence = c.optionalText("来源证照", max: 50)
                var files: [String?] = []
                for column in ["空白表格", "示例样表"] {
                    let file = c.text(column, max: 120)
                    if !file.isEmpty && !CountySheets.isFileName(file) {
                        c.problem(column, "「\(column)」应为文件名（如 申请书.pdf），不含文件夹")
                        files.append(nil)
                    } else {
                        files.append(file.nonEmptyText)
                    }
                }
                let note = c.optionalText("备注", max: 500)
                materialRows[code, default: []].append((seq, c.row.number, Material(
                    name: name, required: required, form: form, copies: copies, format: format, blankForm: files[0], example: files[1],
                    licenceSource: licence, note: note)))
            }
        }
        var stageRows: [String: [(seq: Int, row: Int, name: String, owner: String?)]] = [:]
        if let stages {
            var names = Set<String>()
            for c in cells(stages) {
                let code = c.code("事项编码")
                guard base(code) != nil else { c.problem("事项编码", "事项「\(TextLimit.echo(code))」不存在：请先在「事项」表中列出"); continue }
                let seq = c.int("序号", in: 1...99, blank: 0) ?? 0
                let name = c.text("环节名称", max: 30, required: true)
                guard !name.isEmpty else { continue }
                guard names.insert(code + "\u{1}" + name).inserted else { c.problem("环节名称", "事项 \(code) 的环节「\(name)」重复"); continue }
                let owner = org(c, "承办机构", kinds: [.department, .countyCentre, .town, .village], blankAllowed: true)
                stageRows[code, default: []].append((seq, c.row.number, name, owner?.id))
            }
        }

        var out: [CountySheets.ItemRow] = []
        var touched = order
        for code in Set(materialRows.keys).union(stageRows.keys).sorted() where rows[code] == nil { touched.append(code) }
        for code in touched {
            guard var item = base(code) else { continue }
            if let list = materialRows[code] { item.materials = list.sorted { ($0.seq, $0.row) < ($1.seq, $1.row) }.map(\.material) }
            if let list = stageRows[code] {
                let sorted = list.sorted { ($0.seq, $0.row) < ($1.seq, $1.row) }
                item.stages = sorted.map(\.name)
                let owners = Dictionary(sorted.compactMap { s in s.owner.map { (s.name, $0) } }, uniquingKeysWith: { a, _ in a })
                item.stageOwners = owners.isEmpty ? nil : owners
            }
            let row = rows[code]?.row ?? materialRows[code]?.first?.row ?? stageRows[code]?.first?.row ?? 0
            let sheet = rows[code] != nil ? CountySheets.itemSheet : materialRows[code] != nil ? CountySheets.materialSheet : CountySheets.stageSheet
            if item.materials.isEmpty {
                log.add(ImportProblem(sheet: sheet, row: row, message: "事项 \(code) 没有申请材料：请在「材料」表中列出（至少一项）"))
            }
            if item.stages.isEmpty {
                log.add(ImportProblem(sheet: sheet, row: row, message: "事项 \(code) 没有审查环节：请在「环节」表中列出（如 审查、决定）"))
            }
            out.append(.init(row: row, item: item))
            items[code] = item
        }
        return out
    }

    /// One 事项 row: every guide field, checked; the stored item's materials and stages stay until their sheets say otherwise.
    func item(_ c: Cells, code: String) -> ServiceItem? {
        let old = items[code]
        let name = c.text("事项名称", max: 100, required: true)
        let type = c.choice("事项类型", CountySheets.itemTypes)
        let dept = org(c, "实施主体", kinds: [.department])
        let basis = c.text("设定依据", max: 2000, required: true)
        let conditions = c.text("受理条件", max: 2000, required: true)
        let legal = c.int("法定时限", in: 0...3650)
        let promised = c.int("承诺时限", in: 0...3650)
        let instant = c.flag("即办件", blank: false)
        if let legal, let promised {
            if promised > legal { c.problem("承诺时限", "承诺时限 \(promised) 个工作日超过法定时限 \(legal) 个工作日") }
            if instant && promised != 0 { c.problem("承诺时限", "即办件的承诺时限应为 0（当场办结）") }
            if !instant && promised == 0 { c.problem("承诺时限", "承诺件的承诺时限应大于 0；当场办结的请在「即办件」填 是") }
        }
        var fee = Fee.free
        let feeText = c.code("收费标准").replacingOccurrences(of: "元", with: "")
        let feeBasis = c.text("收费依据", max: 500)
        if !feeText.isEmpty && feeText != "0" {
            if let fen = Self.fen(feeText) {
                if fen > 0 {
                    if feeBasis.isEmpty { c.problem("收费依据", "收费的事项须写明收费依据") }
                    fee = Fee(amountFen: fen, basis: feeBasis)
                }
            } else {
                c.problem("收费标准", "收费标准应为金额（元，最多两位小数，如 10 或 12.50），不收费填 0")
            }
        }
        let visits = c.int("到现场次数", in: 0...5, blank: 0)
        let depth = c.choice("网办深度", CountySheets.onlineDepths, blank: .consultation)
        let resultName = c.optionalText("办理结果", max: 100)
        let licence = c.optionalText("结果证照类型", max: 50)
        if licence != nil && resultName == nil { c.problem("结果证照类型", "填写结果证照类型时须同时填写办理结果") }
        var acceptLevels = Set<RegionLevel>()
        for l in c.list("受理层级") {
            if let level = CountySheets.levels[l] { acceptLevels.insert(level) } else { c.problem("受理层级", "受理层级「\(TextLimit.echo(l))」无效：可填 县、镇、村，多个用、分隔") }
        }
        if acceptLevels.isEmpty && c.raw("受理层级").isEmpty { c.problem("受理层级", "请填写受理层级（县、镇、村，多个用、分隔）") }
        let decision = c.choice("审批层级", CountySheets.levels)
        let keywords = c.list("关键词", code: false)
        if keywords.count > 20 || keywords.contains(where: { $0.count > 20 }) { c.problem("关键词", "关键词最多 20 个，每个最多 20 个字") }
        guard let status = c.status(), let type, let dept, let legal, let promised, let visits, let depth, let decision,
              !name.isEmpty, !basis.isEmpty, !conditions.isEmpty, !acceptLevels.isEmpty else { return nil }
        return ServiceItem(
            code: code, name: name, type: type, departmentId: dept.id, legalBasis: basis, conditions: conditions,
            materials: old?.materials ?? [], legalLimitDays: legal, promisedLimitDays: promised, isInstant: instant, fee: fee,
            siteVisits: visits, onlineDepth: depth, offersAppointment: c.flag("可预约", blank: false),
            offersExpress: c.flag("可快递", blank: false), offersOnlinePayment: c.flag("可网上支付", blank: false),
            stages: old?.stages ?? [], result: resultName.map { ResultDocument(name: $0, licenceType: licence) },
            isHighFrequency: c.flag("高频事项", blank: false), acceptLevels: acceptLevels, decisionLevel: decision,
            keywords: keywords, stageOwners: old?.stageOwners,
            retiredOn: status == .retired ? (old?.retiredOn ?? known.today) : nil)
    }

    /// Yuan with at most two decimals, in fen; nil when it is not such an amount (or above a million yuan).
    static func fen(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let yuan = Int(parts[0]), yuan >= 0, yuan <= 1_000_000 else { return nil }
        guard parts.count == 2 else { return yuan * 100 }
        let decimals = String(parts[1])
        guard (1...2).contains(decimals.count), decimals.allSatisfy(\.isNumber), let d = Int(decimals) else { return nil }
        return yuan * 100 + (decimals.count == 1 ? d * 10 : d)
    }
}
