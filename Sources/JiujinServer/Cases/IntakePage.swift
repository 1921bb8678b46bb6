import JiujinCore
import Vapor

/// The one-window search (`cases/window.leaf`): any item by name or pinyin, with the agent's colours.
struct WindowPage: PageContext {
    static let template = "cases/window"

    struct ItemRow: Encodable, Sendable {
        var code: String
        var name: String
        var department: String
        var kind: String
        var promisedDays: Int
        var zeroTrip: Bool
        var colour: String
        var colourLabel: String
        var acceptable: Bool
    }

    var layout: LayoutContext
    var q: String
    var isAgent: Bool
    var items: [ItemRow]
    var searched: Bool

    init(layout: LayoutContext, q: String, staff: Staff, hits: [CatalogIndex.Hit], directory d: Directory, delegations: [Delegation],
         today: LocalDate) {
        self.layout = layout
        self.q = q
        isAgent = staff.role == .villageAgent
        items = hits.map { hit in
            let item = hit.item
            let colour = Authority.agentColour(station: staff.org, item: item, on: today, delegations: delegations)
            return ItemRow(code: item.code, name: item.name, department: d.name(ofOrg: item.departmentId),
                           kind: item.isInstant ? "即办件" : "承诺件", promisedDays: item.promisedLimitDays, zeroTrip: item.isZeroTrip,
                           colour: colour.rawValue, colourLabel: colour.label, acceptable: colour != .red)
        }
        searched = !q.isEmpty
    }
}

/// The intake form (`cases/intake.leaf`): the guide, the applicant, the
/// material checklist with 免提交 marks, the point and, for agents, the 委托书.
struct IntakePage: PageContext {
    static let template = "cases/intake"

    /// The form as typed; kept and shown again when it is refused.
    struct FormValues: Content {
        var kind: String?
        var name: String?
        var idNumber: String?
        var creditCode: String?
        var legalRepresentative: String?
        var phone: String?
        var regionCode: String?
        var pointId: String?
        var provided: [String]?
        var decision: String?
        var reason: String?
        var comment: String?
        var authScope: String?
        var authSignedOn: String?
        var authValidUntil: String?

        /// The values shown again after a refusal, each cut to its field's longest allowed length, so that a page
        /// never repeats a payload (the refusal itself names the field that was too long).
        var clipped: FormValues {
            func cut(_ s: String?, _ n: Int) -> String? { s.map { String($0.prefix(n)) } }
            var v = self
            v.kind = cut(kind, 20); v.name = cut(name, 100); v.idNumber = cut(idNumber, 18); v.creditCode = cut(creditCode, 18)
            v.legalRepresentative = cut(legalRepresentative, 50); v.phone = cut(phone, 11); v.regionCode = cut(regionCode, 12)
            v.pointId = cut(pointId, 64); v.provided = provided.map { Array($0.prefix(50)).map { String($0.prefix(100)) } }
            v.decision = cut(decision, 20); v.reason = cut(reason, 500); v.comment = cut(comment, 500); v.authScope = cut(authScope, 200)
            v.authSignedOn = cut(authSignedOn, 10); v.authValidUntil = cut(authValidUntil, 10)
            return v
        }

        /// What the form asks for: the applicant as a person or an organisation, every material ticked or not,
        /// the reason (which at acceptance is the clerk's comment), and the 委托书 when an agent files.
        func intake(for item: ServiceItem, staff: AuthenticatedStaff, today: LocalDate) throws -> Intake {
            let person = (kind ?? "person") == "person"
            let applicant = ApplicantInput(kind: kind ?? "person", name: name ?? "", idNumber: person ? idNumber : nil,
                                           creditCode: person ? nil : creditCode, legalRepresentative: person ? nil : legalRepresentative,
                                           phone: phone ?? "")
            let decision = try Intake.Decision.parse(decision)
            return Intake(pointId: pointId?.nonEmpty, channel: nil, regionCode: regionCode?.nonEmpty,
                          applicant: try applicant.validated(today: today),
                          materials: item.materials.map { MaterialCheck(name: $0.name, provided: (provided ?? []).contains($0.name)) },
                          decision: decision, reason: reason?.trimmed.nonEmpty,
                          comment: decision == .accept ? reason?.trimmed.nonEmpty : comment?.trimmed.nonEmpty,
                          authorization: staff.role == .villageAgent
                              ? Intake.Authorization(scope: authScope ?? "", signedOn: authSignedOn ?? "", validUntil: authValidUntil ?? "")
                              : nil)
        }
    }

    struct MaterialRow: Encodable, Sendable {
        /// The material's file field is `m<index>[]`.
        var index: Int
        var name: String
        var required: Bool
        var formLabel: String
        var copies: Int
        var waivable: Bool
        var licence: String?
        var checked: Bool
    }

    struct ItemView: Encodable, Sendable {
        var code: String
        var name: String
        var department: String
        var typeLabel: String
        var isInstant: Bool
        var promisedDays: Int
        var legalDays: Int
        var fee: String
        var conditions: String
        var legalBasis: String
        var result: String?
        var stages: String
        var siteVisits: Int
    }

    var layout: LayoutContext
    var item: ItemView
    var colour: String
    var colourLabel: String
    var materials: [MaterialRow]
    var points: [Option]
    var regions: [Option]
    var isAgent: Bool
    var values: FormValues
    var error: String?
    var errorField: String?
    /// The licence library was consulted for this applicant: 免提交 marks are final.
    var libraryChecked: Bool

    /// `held`: the licence types the library holds for the applicant, once looked up.
    init(layout: LayoutContext, staff: Staff, item: ServiceItem, values: FormValues, error: (message: String, field: String?)?,
         held: Set<String>?, directory d: Directory, delegations: [Delegation], today: LocalDate) {
        let colour = Authority.agentColour(station: staff.org, item: item, on: today, delegations: delegations)
        let provided = Set(values.provided ?? [])
        let submitted = values.provided != nil
        materials = item.materials.enumerated().map { i, m in
            MaterialRow(index: i, name: m.name, required: m.required, formLabel: m.formLabel, copies: m.copies,
                        waivable: m.isWaived(holding: held ?? []), licence: m.licenceSource,
                        checked: submitted ? provided.contains(m.name) : false)
        }
        // The member's own centre or station first and chosen by default; then the shared points (bus, terminals,
        // partner points) they may work at, if those offer this item.
        let usable = d.points.filter { Case.mayWork(at: $0, staff: staff) && ($0.offeredItems?.contains(item.code) ?? true) }
            .sorted { a, b in
                let ownA = a.isOwn(by: staff.org.id), ownB = b.isOwn(by: staff.org.id)
                return ownA != ownB ? ownA : a.id < b.id
            }
        let chosen = values.pointId ?? usable.first?.id
        points = usable.map { Option(value: $0.id, label: "\($0.name)（\($0.kind.label)）", selected: $0.id == chosen) }
        let county = d.countyName
        regions = d.tree.byCode.values.filter { $0.level != .county && $0.code.isWithin(staff.org.region) }.sorted { $0.code < $1.code }
            .map { r in
                Option(value: r.code.rawValue, label: d.tree.path(of: r.code).replacingOccurrences(of: "\(county) / ", with: ""),
                       selected: r.code.rawValue == (values.regionCode ?? staff.org.region.rawValue))
            }
        self.item = ItemView(code: item.code, name: item.name, department: d.name(ofOrg: item.departmentId), typeLabel: item.type.label,
                             isInstant: item.isInstant, promisedDays: item.promisedLimitDays, legalDays: item.legalLimitDays,
                             fee: item.fee.display, conditions: item.conditions, legalBasis: item.legalBasis, result: item.result?.name,
                             stages: item.stages.joined(separator: " → "), siteVisits: item.siteVisits)
        self.layout = layout
        self.colour = colour.rawValue
        self.colourLabel = colour.label
        isAgent = staff.role == .villageAgent
        self.values = values
        self.error = error?.message
        errorField = error?.field
        libraryChecked = held != nil
    }
}
