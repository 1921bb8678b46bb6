import Foundation

/// An entrustment (委托/下放) by which a county bureau lets a town or village
/// accept and/or decide items on its behalf, under a numbered document
/// (委托书) and a validity window. Revocation takes effect on the day it is made.
public struct Delegation: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var documentNumber: String
    public var fromOrgId: String
    public var toOrgId: String
    public var itemCodes: [String]
    public var canAccept: Bool
    public var canDecide: Bool
    public var validFrom: LocalDate
    /// nil: open-ended.
    public var validTo: LocalDate?
    public var revokedOn: LocalDate?
    public var revokeReason: String?
    /// The numbered seal entrusted with it, e.g. 审批专用章(03).
    public var sealNumber: String?

    public init(id: String, documentNumber: String, fromOrgId: String, toOrgId: String, itemCodes: [String],
                canAccept: Bool, canDecide: Bool, validFrom: LocalDate, validTo: LocalDate? = nil,
                revokedOn: LocalDate? = nil, revokeReason: String? = nil, sealNumber: String? = nil) {
        self.id = id
        self.documentNumber = documentNumber
        self.fromOrgId = fromOrgId
        self.toOrgId = toOrgId
        self.itemCodes = itemCodes
        self.canAccept = canAccept
        self.canDecide = canDecide
        self.validFrom = validFrom
        self.validTo = validTo
        self.revokedOn = revokedOn
        self.revokeReason = revokeReason
        self.sealNumber = sealNumber
    }

    public func isActive(on date: LocalDate) -> Bool {
        if date < validFrom { return false }
        if let validTo, date > validTo { return false }
        if let revokedOn, date >= revokedOn { return false }
        return true
    }

    public func covers(_ action: AuthorityAction) -> Bool {
        switch action {
        case .accept: return canAccept || canDecide
        case .decide: return canDecide
        }
    }

    /// Checks a new delegation against the catalog and the organisations.
    public func validate(items: [String: ServiceItem], orgs: [String: Organization]) throws(AuthorityError) {
        if documentNumber.trimmingCharacters(in: .whitespaces).isEmpty { throw .invalidDelegation("委托书文号不能为空") }
        if !canAccept && !canDecide { throw .invalidDelegation("至少委托受理或审批之一") }
        if let validTo, validTo < validFrom { throw .invalidDelegation("有效期结束日期早于开始日期") }
        guard let from = orgs[fromOrgId], from.kind == .department else { throw .invalidDelegation("委托机关必须是县直部门") }
        guard let to = orgs[toOrgId], to.kind == .town || to.kind == .village else {
            throw .invalidDelegation("受委托组织必须是镇（街道）或村（社区）")
        }
        guard to.region.county == from.region.county else { throw .invalidDelegation("受委托组织不在本县") }
        if itemCodes.isEmpty { throw .invalidDelegation("委托事项不能为空") }
        for code in itemCodes {
            guard let item = items[code] else { throw .unknownItem(code) }
            guard item.departmentId == fromOrgId else {
                throw .invalidDelegation("事项 \(item.name) 不属于委托机关，不能委托")
            }
        }
    }
}

/// Accepting (受理) or deciding (审批) an item.
public enum AuthorityAction: String, Codable, Sendable, CaseIterable {
    case accept, decide

    public var label: String { self == .accept ? "受理" : "审批" }
}

/// Why an organisation may act on an item: by its own right under the
/// implementation list, or under a delegation.
public enum AuthorityGrant: Hashable, Sendable {
    case ownRight
    case delegated(Delegation)

    public var delegation: Delegation? {
        if case .delegated(let d) = self { return d }
        return nil
    }
}

public enum AuthorityError: Error, Hashable, Sendable {
    case notAuthorized(org: String, item: String, action: AuthorityAction)
    case unknownItem(String)
    case invalidDelegation(String)

    public var message: String {
        switch self {
        case .notAuthorized(let org, let item, let action):
            return "\(TextLimit.echo(org)) 无权\(action.label)事项「\(TextLimit.echo(item))」（无本级权限，也无有效委托）"
        case .unknownItem(let code): return "事项 \(TextLimit.echo(code)) 不存在"
        case .invalidDelegation(let m): return m
        }
    }
}

/// Answers "may organisation X accept / decide item Y on date D, and under
/// which delegation" from the implementation list and the delegations.
public enum Authority {
    public static func check(org: Organization, item: ServiceItem, action: AuthorityAction, on date: LocalDate,
                             delegations: [Delegation]) -> Result<AuthorityGrant, AuthorityError> {
        if hasOwnRight(org: org, item: item, action: action) { return .success(.ownRight) }
        let candidates = delegations.filter {
            $0.toOrgId == org.id && $0.fromOrgId == item.departmentId && $0.covers(action)
                && $0.isActive(on: date) && $0.itemCodes.contains(item.code)
        }
        // The delegation that runs longest is the one to cite.
        if let best = candidates.max(by: { ($0.validTo?.dayNumber ?? .max, $0.id) < ($1.validTo?.dayNumber ?? .max, $1.id) }) {
            return .success(.delegated(best))
        }
        return .failure(.notAuthorized(org: org.name, item: item.name, action: action))
    }

    /// Rights from the implementation list alone.
    public static func hasOwnRight(org: Organization, item: ServiceItem, action: AuthorityAction) -> Bool {
        switch action {
        case .decide:
            switch item.decisionLevel {
            case .county: return org.kind == .department && org.id == item.departmentId
            case .town: return org.kind == .town
            case .village: return org.kind == .village
            }
        case .accept:
            switch org.kind {
            case .department: return org.id == item.departmentId
            case .countyCentre: return item.acceptLevels.contains(.county)
            case .town: return item.acceptLevels.contains(.town) || item.decisionLevel == .town
            case .village: return item.acceptLevels.contains(.village) || item.decisionLevel == .village
            case .partner: return false
            }
        }
    }

    /// The colour a village agent sees for an item (红黄绿): green when the
    /// station finishes it itself, yellow when it accepts and the town or
    /// county decides, red when it cannot accept it.
    public static func agentColour(station: Organization, item: ServiceItem, on date: LocalDate,
                                   delegations: [Delegation]) -> AgentColour {
        guard case .success = check(org: station, item: item, action: .accept, on: date, delegations: delegations) else {
            return .red
        }
        if case .success = check(org: station, item: item, action: .decide, on: date, delegations: delegations) {
            return .green
        }
        return .yellow
    }
}

/// The three colours of the proxy-service list (红黄绿三色).
public enum AgentColour: String, Codable, Sendable {
    case green, yellow, red

    public var label: String {
        switch self {
        case .green: return "绿色：本站办结"
        case .yellow: return "黄色：本站受理，镇/县审批"
        case .red: return "红色：需陪同或到县办理"
        }
    }
}
