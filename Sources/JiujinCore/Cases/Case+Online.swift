import Foundation

/// How an applicant filing online wants the result (送达方式): picked up at a point that can take the item in,
/// sent by express to an address (where the item offers it), or electronically (where the result is a licence).
public struct RequestedDelivery: Hashable, Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case pickup, express, electronic

        public var label: String {
            switch self {
            case .pickup: return "到办事点领取"
            case .express: return "快递寄送"
            case .electronic: return "电子证照"
            }
        }
    }

    public var method: Method
    public var pointId: String?
    public var address: String?

    public init(method: Method, pointId: String? = nil, address: String? = nil) {
        self.method = method
        self.pointId = pointId
        self.address = address
    }

    /// Checks a typed choice against the item and the points that can take it in today.
    public static func validated(method raw: String, pointId: String?, address: String?, item: ServiceItem,
                                 directory: Directory, today: LocalDate) throws(ValidationError) -> RequestedDelivery {
        guard let method = Method(rawValue: raw) else { throw .field("delivery.method", "请选择领取方式（到点领取、快递寄送或电子证照）") }
        switch method {
        case .pickup:
            guard let id = pointId?.trimmingCharacters(in: .whitespaces), !id.isEmpty else { throw .field("delivery.pointId", "请选择领取结果的办事点") }
            guard let point = directory.pointsById[id], point.isOpen,
                  ServiceFinder.basis(point, item: item, directory: directory, today: today) != nil else {
                throw .field("delivery.pointId", "所选办事点不能办理「\(item.name)」，请另选")
            }
            return RequestedDelivery(method: .pickup, pointId: id)
        case .express:
            guard item.offersExpress else { throw .field("delivery.method", "「\(item.name)」不提供快递寄送") }
            guard let text = try TextLimit.optional(address, field: "delivery.address", max: 200, what: "收件地址"), text.count >= 5 else {
                throw .field("delivery.address", "请填写完整的收件地址")
            }
            return RequestedDelivery(method: .express, address: text)
        case .electronic:
            guard item.result?.licenceType != nil else { throw .field("delivery.method", "「\(item.name)」的结果不是电子证照，不能电子送达") }
            return RequestedDelivery(method: .electronic)
        }
    }

    /// How the submit event records it.
    var details: [String: String] {
        var d = ["delivery": method.rawValue]
        if let pointId { d["pickupPoint"] = pointId }
        if let address { d["address"] = address }
        return d
    }
}

extension Case {
    /// Files an online application (网上申请): the item must be offered online and in use; the case waits for
    /// pre-review at `preReviewPoint` (the window of the applicant's town). The files the applicant uploaded are
    /// added in the same change, one event per material, so their hashes are in the history from the start; a
    /// material counts as handed in when it has files or the licence library holds it.
    public static func submitOnline(_ application: OnlineApplication, id: UUID, held: Set<String>, facts: CaseFacts,
                                    limits: FileLimits = .standard) throws -> CaseChange {
        let item = facts.item
        guard item.isInUse else { throw CaseError.itemRetired(itemName: item.name) }
        guard item.onlineDepth == .fullyOnline || item.onlineDepth == .onlineAcceptance else { throw CaseError.notOnline(itemName: item.name) }
        guard let region = DivisionCode(application.regionCode), facts.directory.tree[region] != nil else {
            throw ValidationError.field("regionCode", "所在地区划代码无效")
        }
        let comment = try TextLimit.optional(application.comment, field: "comment", max: 500, what: "说明")
        try checkFiles(application.files, item: item, limits: limits)
        let checks = application.materials ?? (application.files.isEmpty ? nil : item.materials.map {
            MaterialCheck(name: $0.name, provided: !(application.files[$0.name] ?? []).isEmpty)
        })
        let materials = try StoredMaterial.checklist(for: item, checks: checks, held: held)
        let point = application.preReviewPoint.flatMap { facts.directory.pointsById[$0] }
        var c = Case(id: id, number: "", itemCode: item.code, itemName: item.name, applicant: application.applicant, channel: .online,
                     region: region, pointId: point?.id, status: .submitted, limitDays: item.promisedLimitDays, materials: materials,
                     guideVersion: facts.guideVersion, createdAt: facts.now, updatedAt: facts.now)
        var details = ["channel": CaseChannel.online.rawValue]
        if let d = application.delivery { details.merge(d.details) { _, new in new } }
        var events = [c.record(.submit, from: nil, to: .submitted, actorId: "applicant", role: .applicant, orgId: nil, pointId: point?.id,
                               at: facts.now, comment: comment, details: details)]
        events += c.addingFiles(application.files, actorId: "applicant", role: .applicant, orgId: nil, at: facts.now)
        return CaseChange(case: c, events: events)
    }

    /// The applicant answers a one-time notice given at pre-review (网上补正): the files of the materials asked for
    /// are added, and the case returns to pre-review. Only an online case whose notice came before acceptance;
    /// a notice after acceptance is answered at the point that accepted it.
    public func answeringNotice(with files: [String: [MaterialFile]], comment raw: String?, facts: CaseFacts, storedBytes: Int,
                                limits: FileLimits) throws -> CaseChange {
        let next = try CaseLifecycle.next(from: status, action: .supplement, role: .applicant, isInstant: facts.item.isInstant,
                                          resumeTo: resumeStatus)
        guard channel == .online, resumeStatus == .submitted, next == .submitted else {
            throw CaseError.notHandledHere(action: "网上补正")
        }
        let comment = try TextLimit.optional(raw, field: "comment", max: 500, what: "说明")
        guard !files.isEmpty, files.values.allSatisfy({ !$0.isEmpty }) else { throw ValidationError.field("files", "请上传补正材料") }
        for name in files.keys.sorted() where !materials.contains(where: { $0.name == name }) {
            throw ValidationError.coded(field: "files", code: "unknown_material", message: "「\(TextLimit.echo(name))」不是本办件的申请材料")
        }
        for f in files.values where f.count > limits.perUpload { throw FileRefusal.tooMany(limit: limits.perUpload) }
        if storedBytes + files.values.joined().reduce(0, { $0 + $1.size }) > limits.perCase { throw FileRefusal.caseFull(limit: limits.perCase) }
        var c = self
        var events = c.addingFiles(files, actorId: "applicant", role: .applicant, orgId: nil, at: facts.now)
        events.append(c.record(.supplement, from: status, to: .submitted, actorId: "applicant", role: .applicant, orgId: nil,
                               pointId: pointId, at: facts.now, comment: comment ?? "网上提交补正材料", details: ["materials": files.keys.sorted().joined(separator: "、")]))
        c.status = .submitted
        c.resumeStatus = nil
        c.reason = nil
        c.updatedAt = facts.now
        return CaseChange(case: c, events: events)
    }

    /// One `attach_material` event per material with files, in the item's order, by whoever handed them in (the
    /// applicant online, the clerk or agent at the counter); the materials count as handed in.
    mutating func addingFiles(_ files: [String: [MaterialFile]], actorId: String, role: ActorRole, orgId: String?, at now: Date) -> [CaseEvent] {
        var events: [CaseEvent] = []
        for i in materials.indices {
            guard let list = files[materials[i].name], !list.isEmpty else { continue }
            let replaced = materials[i].files?.count ?? 0
            materials[i].provided = true
            materials[i].files = list
            events.append(record(.attachMaterial, from: status, to: status, actorId: actorId, role: role, orgId: orgId,
                                 pointId: pointId, at: now, comment: nil, attachments: list.map(\.sha256),
                                 details: ["material": materials[i].name, "files": "\(list.count)", "replaced": "\(replaced)"]))
        }
        return events
    }
}
