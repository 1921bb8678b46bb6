import Foundation

extension Case {
    /// Who may take `action` on this case, beyond the lifecycle's roles: the
    /// deciding organisation's approvers (with the authority to decide it
    /// today, own right or delegation) for review, decisions and hand-overs;
    /// staff serving the applicant's region for intake and delivery, with the
    /// authority to accept the item for intake decisions. Returns the event
    /// details the authority adds (the delegation cited, its seal).
    public func authorize(_ action: CaseAction, by staff: Staff, facts: CaseFacts) throws -> [String: String] {
        let item = facts.item
        let reviewActions: Set<CaseAction> = [.startReview, .passStage, .startSpecialProcedure, .endSpecialProcedure, .approve, .refuse]
        let instantAtWindow = item.isInstant && status == .accepted && (action == .approve || action == .refuse)
        let isReview = (reviewActions.contains(action) && !instantAtWindow)
            || (action == .requestSupplement && status == .underReview)
            || (staff.role == .approver && [.supplement, .deliver, .close, .requestSupplement].contains(action))
        if action == .reassign && staff.role == .supervisor { return [:] }
        if isReview || action == .reassign {
            guard decidingOrgId == staff.org.id else { throw CaseError.decidedElsewhere(orgName: facts.directory.name(ofOrg: decidingOrgId)) }
            var details: [String: String] = [:]
            if case .delegated(let d) = try Authority.check(org: staff.org, item: item, action: .decide, on: facts.today,
                                                            delegations: facts.delegations).get() {
                details["delegation"] = d.documentNumber
                if let seal = d.sealNumber { details["seal"] = seal }
            }
            return details
        }
        var details: [String: String] = [:]
        guard staff.scope.serves(region) else { throw CaseError.outOfScope }
        // Once accepted, a case is withdrawn, sent back for materials or handed over only by the organisations
        // that accepted it and decide it — not by every window whose region covers it.
        if Self.ownersOnly.contains(action), acceptingOrgId != nil, staff.org.id != acceptingOrgId, staff.org.id != decidingOrgId {
            throw CaseError.notHandledHere(action: action.label)
        }
        if instantAtWindow, let acceptor = acceptingOrgId, staff.org.id != acceptor {
            throw CaseError.instantDecidedByAcceptor(orgName: facts.directory.name(ofOrg: acceptor))
        }
        if action == .withdraw { details["onRequestOf"] = "applicant" }
        if [.accept, .rejectAtIntake, .requestSupplement, .approve, .refuse].contains(action) {
            try Authority.check(org: staff.org, item: item, action: .accept, on: facts.today, delegations: facts.delegations).get()
        }
        return details
    }

    /// Actions on an accepted case that only its accepting and deciding organisations take.
    static let ownersOnly: Set<CaseAction> = [.withdraw, .requestSupplement, .deliver, .close]

    /// Every action `staff` may take on this case now: allowed by the lifecycle for their role, by
    /// `authorize`, and by the review stages, and adding files (`attach_material`, through its own door). The API
    /// and the case page both offer exactly these.
    public func availableActions(for staff: Staff, facts: CaseFacts) -> [CaseAction] {
        let item = facts.item
        let moves = CaseLifecycle.available(from: status, role: staff.role, isInstant: item.isInstant).filter { action in
            guard (try? authorize(action, by: staff, facts: facts)) != nil else { return false }
            if action == .approve, status == .underReview, stageIndex + 1 < item.stages.count { return false }
            if action == .passStage, stageIndex + 1 >= item.stages.count { return false }
            return true
        }
        // Adding a material's files does not move the case; it is offered whenever the member may do it.
        return moves + (mayAttach(by: staff) ? [.attachMaterial] : [])
    }
}
