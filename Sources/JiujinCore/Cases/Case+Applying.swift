import Foundation

extension Case {
    /// Applies a command of `staff`: the lifecycle table allows it for the
    /// role, the authority rules allow it for the member (`authorize`), then
    /// the payload is checked against the case. Returns the case as it now is
    /// and the events to append, or throws a `DomainError`; the case itself is
    /// not changed.
    public func applying(_ command: CaseCommand, comment rawComment: String?, by staff: Staff, facts: CaseFacts) throws -> CaseChange {
        if case .recordProxyStep(let step) = command { return try recordingProxyStep(step, by: staff, now: facts.now) }
        let item = facts.item
        let today = facts.today
        let action = command.action
        let comment = try TextLimit.optional(rawComment, field: "comment", max: 500, what: "意见")
        let reason = try TextLimit.optional(command.reason, field: "reason", max: 500, what: "理由")
        let next = try CaseLifecycle.next(from: status, action: action, role: staff.role, isInstant: item.isInstant,
                                          resumeTo: resumeStatus, reason: reason)
        var details = try authorize(action, by: staff, facts: facts)
        var c = self
        var pointId = pointId
        var certificate: CertificateOrder?

        switch command {
        case .accept(let named):
            let point = try Case.workingPoint(named, staff: staff, directory: facts.directory)
            pointId = point.id
            c.pointId = point.id
            c.acceptedBy = staff.id
            c.acceptingOrgId = point.orgId
            c.acceptedOn = today
            let (decider, delegation) = try Case.decidingOrg(item: item, region: region, facts: facts)
            c.decidingOrgId = decider.id
            c.delegationId = delegation?.id
            details["decidingOrg"] = decider.id
        case .rejectAtIntake, .refuse, .withdraw:
            c.reason = reason
        case .requestSupplement(let missing, _):
            guard missing.count <= 50 else { throw ValidationError.field("missingMaterials", "缺少的材料最多列50项") }
            let known = Set(item.materials.map(\.name))
            for (i, m) in missing.enumerated() where !known.contains(m) { throw CaseError.notMaterialOfItem(index: i, name: m) }
            c.reason = reason
            details["missing"] = missing.joined(separator: "、")
            // A notice at pre-review returns the case to pre-review once answered; after acceptance, to where it was.
            c.resumeStatus = status == .underReview ? .underReview : status == .submitted ? .submitted : .accepted
            if acceptedOn != nil { c.pauses.append(ClockPause(kind: .supplement, start: today)) }
        case .supplement:
            if resumeStatus == .submitted {
                // Answered at pre-review: the case waits for pre-review again and its clock has not started.
            } else if acceptedOn == nil {
                // The one-time notice was given at intake: the case is accepted now, and its clock starts today.
                c.acceptedOn = today
                c.acceptedBy = acceptedBy ?? staff.id
            } else if let i = c.pauses.lastIndex(where: { $0.end == nil }) {
                c.pauses[i].end = today
            }
            c.resumeStatus = nil
            c.reason = nil
        case .startReview:
            c.stageIndex = 0
            c.assigneeId = staff.id
            details["stage"] = item.stages.first ?? "审查"
        case .passStage:
            guard stageIndex + 1 < item.stages.count else { throw CaseError.lastStage(item.stages.last ?? "") }
            details["passed"] = item.stages[stageIndex]
            c.stageIndex += 1
            details["stage"] = item.stages[c.stageIndex]
        case .startSpecialProcedure:
            c.pauses.append(ClockPause(kind: .specialProcedure, start: today))
            details["procedure"] = reason ?? ""
        case .endSpecialProcedure:
            if let i = c.pauses.lastIndex(where: { $0.end == nil }) { c.pauses[i].end = today }
        case .approve:
            if status == .underReview && stageIndex + 1 < item.stages.count {
                throw CaseError.stagesPending(item.stages[stageIndex...].joined(separator: "、"))
            }
            let seal = try c.decide(at: facts, details: &details)
            certificate = CertificateOrder.forApproval(of: item, orgId: decidingOrgId ?? "", sealNumber: seal, id: facts.certificateId)
            if let certificate { details["certificate"] = certificate.id }
        case .reassign(let target):
            guard let target, let colleague = facts.colleagues.first(where: { $0.id == target }),
                  colleague.role == .approver else { throw CaseError.invalidColleague }
            c.assigneeId = colleague.id
            details["assignee"] = colleague.id
        case .deliver(let draft):
            let delivery = try Delivery(draft, today: today)
            details.merge(delivery.eventDetails) { _, new in new }
            c.deliveryMethod = delivery.method
            c.trackingNumber = delivery.trackingNumber
        case .close, .recordProxyStep:
            break
        }
        if case .refuse = command { _ = try c.decide(at: facts, details: &details) }
        var events = [c.record(action, from: status, to: next, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                               pointId: pointId, at: facts.now, comment: comment ?? reason, details: details)]
        c.status = next
        if next == .delivered {
            // Handing the result over ends the case: it is archived in the same step.
            c.proxy?.mark(.rateAndArchive, at: facts.now)
            events.append(c.record(.close, from: .delivered, to: .closed, actorId: "system", role: .system, orgId: staff.org.id,
                                   pointId: pointId, at: facts.now, comment: "送达后自动归档", details: [:]))
            c.status = .closed
        }
        try c.refreshDeadline(calendar: facts.calendar, today: today)
        c.updatedAt = facts.now
        return CaseChange(case: c, events: events, certificate: certificate)
    }

    /// Records the decision's time and seal (一枚印章); deciding without a seal is refused.
    mutating func decide(at facts: CaseFacts, details: inout [String: String]) throws(CaseError) -> String {
        guard let seal = facts.directory.sealNumber(heldBy: decidingOrgId ?? "") else {
            throw .noSeal(orgName: facts.directory.name(ofOrg: decidingOrgId))
        }
        decidedAt = facts.now
        sealNumber = seal
        details["seal"] = seal
        return seal
    }

    /// The authorized agent records a step they take by hand; a step already recorded keeps its first time.
    func recordingProxyStep(_ step: ProxyStep, by staff: Staff, now: Date) throws -> CaseChange {
        guard step.isManual else { throw CaseError.proxyStepNotManual }
        guard var record = proxy else { throw CaseError.noProxyRecord }
        guard record.authorization.agentId == staff.id else { throw CaseError.notTheAuthorizedAgent }
        guard record.stepsDone[step] == nil else { return CaseChange(case: self, events: []) }
        record.mark(step, at: now)
        var c = self
        c.proxy = record
        c.updatedAt = now
        let event = c.record(.recordProxyStep, from: status, to: status, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                             pointId: pointId, at: now, comment: nil, details: ["step": step.rawValue])
        return CaseChange(case: c, events: [event])
    }

    /// Open cases decided under a revoked delegation go back to the delegating bureau, so none is left with
    /// an organisation that may no longer decide it; the move is an event of the case.
    public func returned(afterRevoking delegation: Delegation, by staff: Staff, directory: Directory, now: Date) -> CaseChange? {
        guard delegationId == delegation.id, status.isRunning else { return nil }
        var c = self
        c.decidingOrgId = delegation.fromOrgId
        c.delegationId = nil
        c.assigneeId = nil
        c.updatedAt = now
        let event = c.record(.reassign, from: status, to: status, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                             pointId: pointId, at: now,
                             comment: "委托书 \(delegation.documentNumber) 已撤销，退回\(directory.name(ofOrg: delegation.fromOrgId))审批",
                             details: ["decidingOrg": delegation.fromOrgId, "revokedDelegation": delegation.documentNumber])
        return CaseChange(case: c, events: [event])
    }
}
