import Foundation

/// What the window was told about one material of the checklist.
public struct MaterialCheck: Codable, Hashable, Sendable {
    public var name: String
    public var provided: Bool
    public var note: String?

    public init(name: String, provided: Bool, note: String? = nil) {
        self.name = name
        self.provided = provided
        self.note = note
    }
}

/// One material of a case's checklist as received (收件情况).
public struct StoredMaterial: Codable, Hashable, Sendable {
    public var name: String
    public var required: Bool
    public var provided: Bool
    /// The licence library supplies it for this applicant (免提交).
    public var waivable: Bool
    public var note: String?
    /// The files it was handed in as (scans, photos, PDFs), the latest upload; earlier ones stay in the history.
    public var files: [MaterialFile]?

    public init(name: String, required: Bool, provided: Bool, waivable: Bool, note: String? = nil, files: [MaterialFile]? = nil) {
        self.name = name
        self.required = required
        self.provided = provided
        self.waivable = waivable
        self.note = note
        self.files = files
    }

    /// Still owed by the applicant: required, not handed in, not waived.
    public var isMissing: Bool { required && !provided && !waivable }

    /// The item's checklist as received. Without checks every material counts as provided (an online
    /// filing or an API client that does not tick); a named material must belong to the item.
    public static func checklist(for item: ServiceItem, checks: [MaterialCheck]?, held: Set<String>) throws(ValidationError) -> [StoredMaterial] {
        var provided: [String: MaterialCheck] = [:]
        if let checks {
            guard checks.count <= 50 else { throw .field("materials", "材料清单最多50项") }
            let known = Set(item.materials.map(\.name))
            for (i, c) in checks.enumerated() {
                guard known.contains(c.name) else {
                    throw .coded(field: "materials.\(i).name", code: "unknown_material", message: "「\(TextLimit.echo(c.name))」不是事项「\(item.name)」的申请材料")
                }
                provided[c.name] = MaterialCheck(name: c.name, provided: c.provided,
                                                 note: try TextLimit.optional(c.note, field: "materials.\(i).note", max: 200, what: "材料备注"))
            }
        }
        return item.materials.map { m in
            let check = provided[m.name]
            return StoredMaterial(name: m.name, required: m.required, provided: checks == nil ? true : (check?.provided ?? false),
                                  waivable: m.isWaived(holding: held), note: check?.note)
        }
    }
}
