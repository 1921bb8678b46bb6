import Foundation

/// A case taken in by staff at a window, a station, the bus or a partner
/// point (受理登记), after its applicant has been checked.
public struct Intake: Sendable {
    /// 受理 (default), 一次性告知 or 不予受理 at the counter.
    public enum Decision: String, Sendable, CaseIterable {
        case accept, requestSupplement = "request_supplement", rejectAtIntake = "reject_at_intake"

        public var action: CaseAction {
            switch self {
            case .accept: return .accept
            case .requestSupplement: return .requestSupplement
            case .rejectAtIntake: return .rejectAtIntake
            }
        }

        public static func parse(_ raw: String?) throws(ValidationError) -> Decision {
            guard let d = Decision(rawValue: raw ?? "accept") else {
                throw .field("decision", "受理决定应为 accept、request_supplement 或 reject_at_intake")
            }
            return d
        }
    }

    /// The resident's written authorization of the agent (委托书), as typed.
    public struct Authorization: Sendable, Hashable {
        public var scope: String
        public var signedOn: String
        public var validUntil: String

        public init(scope: String, signedOn: String, validUntil: String) {
            self.scope = scope
            self.signedOn = signedOn
            self.validUntil = validUntil
        }
    }

    public var pointId: String?
    public var channel: CaseChannel?
    /// The applicant's village or town when it differs from the point's, as typed.
    public var regionCode: String?
    public var applicant: Applicant
    public var materials: [MaterialCheck]?
    public var decision: Decision
    public var reason: String?
    public var comment: String?
    public var authorization: Authorization?
    /// Scans and photos taken at the counter, by material name: they count as handed in.
    public var files: [String: [MaterialFile]]

    public init(pointId: String?, channel: CaseChannel?, regionCode: String?, applicant: Applicant, materials: [MaterialCheck]?,
                decision: Decision, reason: String?, comment: String?, authorization: Authorization?, files: [String: [MaterialFile]] = [:]) {
        self.files = files
        self.pointId = pointId
        self.channel = channel
        self.regionCode = regionCode
        self.applicant = applicant
        self.materials = materials
        self.decision = decision
        self.reason = reason
        self.comment = comment
        self.authorization = authorization
    }
}

/// An online application by a resident (网上申请), waiting for pre-review.
public struct OnlineApplication: Sendable {
    public var regionCode: String
    public var applicant: Applicant
    public var materials: [MaterialCheck]?
    public var comment: String?
    /// The files of each material, by material name (scans, photos, PDFs already checked by `FileInspection`).
    public var files: [String: [MaterialFile]]
    public var delivery: RequestedDelivery?
    /// The window that pre-reviews it: the centre of the applicant's town.
    public var preReviewPoint: String?

    public init(regionCode: String, applicant: Applicant, materials: [MaterialCheck]?, comment: String?,
                files: [String: [MaterialFile]] = [:], delivery: RequestedDelivery? = nil, preReviewPoint: String? = nil) {
        self.regionCode = regionCode
        self.applicant = applicant
        self.materials = materials
        self.comment = comment
        self.files = files
        self.delivery = delivery
        self.preReviewPoint = preReviewPoint
    }
}

extension Case {
    /// Takes a case in: checks the agent's authorization, the point, the
    /// materials against the checklist (waiving what the licence library
    /// `held`), the lifecycle and the point's authority; fixes the deciding
    /// organisation; and for a 即办件 decides it at once under that
    /// organisation's seal. `id` is the new case's identifier.
    public static func intake(_ intake: Intake, id: UUID, by staff: Staff, held: Set<String>, facts: CaseFacts,
                              limits: FileLimits = .standard) throws -> CaseChange {
        let item = facts.item
        guard item.isInUse else { throw CaseError.itemRetired(itemName: item.name) }
        let today = facts.today
        let comment = try TextLimit.optional(intake.comment, field: "comment", max: 500, what: "意见")
        let reason = try TextLimit.optional(intake.reason, field: "reason", max: 500, what: "理由")
        var proxy: ProxyRecord?
        if staff.role == .villageAgent && intake.authorization == nil { throw CaseError.authorizationRequired }
        if let auth = intake.authorization {
            guard staff.role == .villageAgent else { throw CaseError.notAnAgent }
            let record = ProxyAuthorization(agentId: staff.id, agentName: staff.member.name, scope: auth.scope,
                                            signedOn: try date(auth.signedOn, field: "authorization.signedOn"),
                                            validUntil: try date(auth.validUntil, field: "authorization.validUntil"))
            try record.validate(today: today)
            var p = ProxyRecord(authorization: record)
            for step in [ProxyStep.inform, .authorize, .file] { p.mark(step, at: facts.now) }
            proxy = p
        }
        let point = try workingPoint(intake.pointId, staff: staff, directory: facts.directory)
        guard let pointOrg = facts.directory.organizations[point.orgId] else { throw CaseError.orgMissing("站点所属机构") }
        let channel = intake.channel ?? .taken(at: point, by: staff.role)
        let region = try handlingRegion(intake.regionCode, point: point, directory: facts.directory)
        try Self.checkFiles(intake.files, item: item, limits: limits)
        let checks = intake.materials.map { list in
            list.map { MaterialCheck(name: $0.name, provided: $0.provided || !(intake.files[$0.name] ?? []).isEmpty, note: $0.note) }
        }
        let materials = try StoredMaterial.checklist(for: item, checks: checks, held: held)
        let missing = materials.filter(\.isMissing).map(\.name)
        let action = intake.decision.action
        let next = try CaseLifecycle.next(from: nil, action: action, role: staff.role, isInstant: item.isInstant,
                                          reason: intake.decision == .requestSupplement ? (reason ?? noticeText(missing)) : reason)
        if let offered = point.offeredItems, !offered.contains(item.code) {
            throw CaseError.pointDoesNotOffer(pointName: point.name, itemName: item.name)
        }
        try Authority.check(org: pointOrg, item: item, action: .accept, on: today, delegations: facts.delegations).get()
        if intake.decision == .accept && !missing.isEmpty { throw CaseError.materialsMissing(missing) }
        if intake.decision == .requestSupplement && missing.isEmpty && reason == nil { throw CaseError.nothingMissing }
        let (decider, delegation) = try decidingOrg(item: item, region: region, facts: facts)

        var c = Case(id: id, number: "", itemCode: item.code, itemName: item.name, applicant: intake.applicant, channel: channel,
                     region: region, pointId: point.id, acceptedBy: staff.id, acceptingOrgId: pointOrg.id, decidingOrgId: decider.id,
                     delegationId: delegation?.id, status: next, limitDays: item.promisedLimitDays, materials: materials,
                     proxy: proxy, guideVersion: facts.guideVersion, createdAt: facts.now, updatedAt: facts.now)
        var details: [String: String] = ["channel": channel.rawValue, "decidingOrg": decider.id]
        if let proxy { details["authorizationValidUntil"] = proxy.authorization.validUntil.description }
        if let delegation { details["delegation"] = delegation.documentNumber }
        switch next {
        case .accepted:
            c.acceptedOn = today
        case .needsSupplement:
            c.resumeStatus = .accepted
            c.reason = reason ?? noticeText(missing)
            details["missing"] = missing.joined(separator: "、")
        case .rejectedAtIntake:
            c.reason = reason
        default:
            break
        }
        var events = [c.record(action, from: nil, to: next, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                               pointId: point.id, at: facts.now, comment: comment, details: details)]
        events += c.addingFiles(intake.files, actorId: staff.id, role: staff.role, orgId: staff.org.id, at: facts.now)
        var certificate: CertificateOrder?
        if item.isInstant && next == .accepted {
            // 即办件: decided at the window in the same visit, under the decider's seal.
            guard let seal = facts.directory.sealNumber(heldBy: decider.id) else { throw CaseError.noSeal(orgName: decider.name) }
            c.status = .approved
            c.decidedAt = facts.now
            c.sealNumber = seal
            var approval = ["seal": seal]
            certificate = CertificateOrder.forApproval(of: item, orgId: decider.id, sealNumber: seal, id: facts.certificateId)
            if let certificate { approval["certificate"] = certificate.id }
            events.append(c.record(.approve, from: .accepted, to: .approved, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                                   pointId: point.id, at: facts.now, comment: "即办件当场办结", details: approval))
        }
        try c.refreshDeadline(calendar: facts.calendar, today: today)
        return CaseChange(case: c, events: events, certificate: certificate)
    }

    /// The point the member works at for this case: the one named, which must be their organisation's or a
    /// shared point (bus, terminal, partner point) in the region they serve; else their organisation's own.
    public static func workingPoint(_ id: String?, staff: Staff, directory: Directory) throws(CaseError) -> ServicePoint {
        if let id {
            guard let point = directory.pointsById[id] else { throw .unknownPoint(id) }
            guard mayWork(at: point, staff: staff) else { throw .notYourPoint(pointName: point.name) }
            return point
        }
        if let assigned = staff.member.pointId, let point = directory.pointsById[assigned], mayWork(at: point, staff: staff) {
            return point
        }
        guard let own = directory.points.first(where: { $0.isOwn(by: staff.org.id) && $0.isOpen }) else { throw .pointRequired }
        return own
    }

    /// Whether a member may take cases in at a point: a point in use, of their organisation or shared in the region they
    /// serve; a partner-point teller only at their own point.
    public static func mayWork(at point: ServicePoint, staff: Staff) -> Bool {
        guard point.isOpen else { return false }
        if staff.role == .partnerTeller { return point.id == staff.member.pointId && point.kind.isPartner }
        return point.orgId == staff.org.id || (point.kind.isShared && staff.scope.serves(point.region))
    }

    static func handlingRegion(_ raw: String?, point: ServicePoint, directory: Directory) throws(CaseError) -> DivisionCode {
        guard let raw else { return point.region }
        guard let code = DivisionCode(raw), directory.tree[code] != nil else { throw .invalidRegion(raw) }
        return code
    }

    /// The organisation that decides: the nearest to the applicant's region that has the authority today
    /// (own right or delegation) — the village, the town, else the owning bureau.
    public static func decidingOrg(item: ServiceItem, region: DivisionCode, facts: CaseFacts) throws(CaseError) -> (Organization, Delegation?) {
        let d = facts.directory
        var candidates: [Organization] = []
        if region.level == .village, let v = d.organization(runningRegion: region) { candidates.append(v) }
        if let town = region.town, let t = d.organization(runningRegion: town) { candidates.append(t) }
        if let dept = d.organizations[item.departmentId] { candidates.append(dept) }
        for org in candidates {
            if case .success(let grant) = Authority.check(org: org, item: item, action: .decide, on: facts.today, delegations: facts.delegations) {
                return (org, grant.delegation)
            }
        }
        throw .regionRequired(itemName: item.name, level: item.decisionLevel == .village ? .village : .town)
    }

    static func noticeText(_ missing: [String]) -> String {
        missing.isEmpty ? "" : "请补正以下材料：\(missing.joined(separator: "、"))"
    }

    static func date(_ raw: String, field: String) throws(ValidationError) -> LocalDate {
        guard let d = LocalDate(raw) else { throw .field(field, "日期格式应为 YYYY-MM-DD") }
        return d
    }
}

extension Case {
    /// The files handed in with a new case: each names a material of the item, within the size and count limits.
    static func checkFiles(_ files: [String: [MaterialFile]], item: ServiceItem, limits: FileLimits) throws {
        let known = Set(item.materials.map(\.name))
        for name in files.keys.sorted() where !known.contains(name) {
            throw ValidationError.coded(field: "files", code: "unknown_material", message: "「\(TextLimit.echo(name))」不是事项「\(item.name)」的申请材料")
        }
        if files.values.joined().reduce(0, { $0 + $1.size }) > limits.perCase { throw FileRefusal.caseFull(limit: limits.perCase) }
        for list in files.values where list.count > limits.perUpload { throw FileRefusal.tooMany(limit: limits.perUpload) }
    }
}
