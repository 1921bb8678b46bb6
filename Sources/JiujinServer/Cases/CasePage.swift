import JiujinCore
import Vapor

/// A list of cases (`cases/cases.leaf`): all in scope, the approver's inbox, or 督办.
struct CasesPage: PageContext {
    static let template = "cases/cases"
    var layout: LayoutContext
    var heading: String
    var rows: [CaseLists.Row]
    var overdue: Int
    var dueSoon: Int
    var empty: String

    init(layout: LayoutContext, heading: String, rows: [CaseLists.Row], empty: String) {
        self.layout = layout
        self.heading = heading
        self.rows = rows
        overdue = rows.filter(\.overdue).count
        dueSoon = rows.filter(\.dueSoon).count
        self.empty = empty
    }
}

/// The case page (`cases/case.leaf`): facts, applicant, materials, the
/// actions the member may take (exactly `CaseView.actions`), documents,
/// certificates, the proxy record and the history.
struct CasePage: PageContext {
    static let template = "cases/case"

    struct EventRow: Encodable, Sendable {
        var at: String
        var action: String
        var change: String
        var actor: String
        var comment: String?
        var details: String
    }

    struct ActionForm: Encodable, Sendable {
        var action: String
        var label: String
        var needsReason: Bool
        var isDelivery: Bool
        var isSupplementRequest: Bool
        var isReassign: Bool
        var primary: Bool
    }

    struct Documents: Encodable, Sendable {
        var receipt: Bool
        var notice: Bool
        var refusal: Bool
        var decision: Bool
        var authorization: Bool
    }

    struct StepRow: Encodable, Sendable {
        var step: String
        var label: String
        var doneAt: String?
        var canMark: Bool
    }

    struct ProxyView: Encodable, Sendable {
        var agentName: String
        var scope: String
        var signedOn: String
        var validUntil: String
        var steps: [StepRow]
    }

    struct FeedbackRow: Encodable, Sendable {
        var at: String
        var channel: String
        var text: String
        var staff: String
    }

    struct CertificateRow: Encodable, Sendable {
        var id: String
        var type: String
        var issued: String
        var revoked: Bool
    }

    var layout: LayoutContext
    var c: CaseDetail
    var applicantRevealed: Bool
    var applicant: ApplicantView
    var pointName: String?
    var assigneeName: String?
    var delegationDocument: String?
    var events: [EventRow]
    var materials: [StoredMaterial]
    /// Whether this member may see the materials' files, and add them.
    var filesVisible: Bool
    var canUpload: Bool
    var itemMaterials: [String]
    var actions: [ActionForm]
    var colleagues: [Option]
    var proxy: ProxyView?
    var feedback: [FeedbackRow]
    var feedbackChannels = ProxyFeedback.channels
    var documents: Documents
    var certificates: [CertificateRow]
    var canRevokeCertificates: Bool
    var ratable: Bool
    var error: String?

    /// Event details shown in the history, in this order, with their labels.
    static let detailLabels: [(key: String, label: String)] = [
        ("missing", "缺少材料"), ("seal", "印章"), ("delegation", "委托书"), ("stage", "环节"), ("passed", "已通过"),
        ("delivery", "出件方式"), ("carrier", "快递"), ("trackingNumber", "单号"), ("collector", "领取人"),
        ("collectorId", "领取人证件"), ("assignee", "接办人"), ("procedure", "特别程序"), ("step", "代办步骤"),
        ("material", "材料"), ("files", "文件数"), ("pickupPoint", "领取地点"), ("address", "收件地址"),
    ]

    static let primaryActions: Set<CaseAction> = [.accept, .approve, .startReview, .passStage, .deliver, .supplement]

    init(view v: CaseView, staff: Staff, layout: LayoutContext, error: String?) {
        let c = v.c
        let d = v.directory
        self.layout = layout
        self.c = CaseDetail(v)
        applicantRevealed = v.revealed
        applicant = ApplicantView(v.applicant)
        pointName = v.point?.name
        assigneeName = v.name(of: c.assigneeId)
        delegationDocument = v.delegationDocument
        events = v.events.map { e in
            EventRow(at: Printed.time(e.at), action: e.action.label,
                     change: "\(e.fromStatus?.label ?? "新建") → \(e.toStatus.label)",
                     actor: (v.name(of: e.actorId) ?? (e.actorRole == .applicant ? "申请人" : e.actorId))
                         + (e.orgId.flatMap { d.organizations[$0]?.name }.map { "（\($0)）" } ?? ""),
                     comment: e.comment,
                     details: Self.detailLabels.compactMap { key, label in
                         guard let value = e.details[key], !value.isEmpty else { return nil }
                         switch key {
                         case "assignee": return "\(label)：\(v.name(of: value) ?? value)"
                         case "step": return "\(label)：\(ProxyStep(rawValue: value)?.label ?? value)"
                         case "delivery":
                             let method = DeliveryMethod(rawValue: value)?.label ?? RequestedDelivery.Method(rawValue: value)?.label
                             return "\(label)：\(method ?? value)"
                         case "pickupPoint": return "\(label)：\(d.pointsById[value]?.name ?? value)"
                         default: return "\(label)：\(value)"
                         }
                     }.joined(separator: "；"))
        }
        materials = c.materials
        filesVisible = CaseFiles.maySee(c, events: v.events, staff: staff)
        canUpload = v.actions.contains(.attachMaterial)
        itemMaterials = v.item?.materials.map(\.name) ?? []
        actions = v.actions.filter { $0 != .attachMaterial }.map { a in
            ActionForm(action: a.rawValue, label: a.label, needsReason: a.needsReason, isDelivery: a == .deliver,
                       isSupplementRequest: a == .requestSupplement, isReassign: a == .reassign, primary: Self.primaryActions.contains(a))
        }
        colleagues = v.colleagues.map { Option(value: $0.id, label: $0.name, selected: false) }
        proxy = c.proxy.map { record in
            let isAgent = staff.id == record.authorization.agentId
            return ProxyView(agentName: record.authorization.agentName, scope: record.authorization.scope,
                             signedOn: record.authorization.signedOn.description, validUntil: record.authorization.validUntil.description,
                             steps: ProxyStep.allCases.map { step in
                                 StepRow(step: step.rawValue, label: step.label,
                                         doneAt: record.stepsDone[step].map { Printed.time(Date(timeIntervalSince1970: Double($0) / 1000)) },
                                         canMark: isAgent && record.stepsDone[step] == nil && step.isManual)
                             })
        }
        feedback = v.feedback.map { FeedbackRow(at: Printed.time($0.at), channel: $0.channel, text: $0.text, staff: v.name(of: $0.staffId) ?? $0.staffId) }
        documents = Documents(receipt: c.acceptedOn != nil, notice: v.did(.requestSupplement), refusal: c.status == .rejectedAtIntake,
                              decision: [.approved, .refused, .delivered, .closed].contains(c.status) && c.decidedAt != nil,
                              authorization: c.proxy != nil)
        certificates = v.certificates.map { CertificateRow(id: $0.id, type: $0.type, issued: $0.issued, revoked: $0.revoked) }
        canRevokeCertificates = v.certificates.contains { CertificateRules.mayRevoke(staff, issuingOrgId: $0.orgId) }
        ratable = ActorRole.frontDesk.contains(staff.role) && RatingRules.ratableStatuses.contains(c.status)
        self.error = error
    }
}
