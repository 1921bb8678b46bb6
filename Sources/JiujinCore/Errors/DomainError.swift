import Foundation

/// What kind of refusal an error is; the server maps each kind to one HTTP
/// status in one place (invalid → 422, conflict → 409, forbidden → 403, not found → 404).
public enum ErrorKind: String, Sendable, Hashable {
    /// The input is wrong or incomplete.
    case invalid
    /// The input is fine but the current state does not allow it.
    case conflict
    /// The person asking may not do it.
    case forbidden
    /// The thing asked for does not exist (or is not visible to the person asking).
    case notFound
}

/// An error of a domain rule: it says its kind, a stable code, a message in
/// Chinese for people and, where it concerns one, the field.
public protocol DomainError: Error {
    var kind: ErrorKind { get }
    var code: String { get }
    var message: String { get }
    var field: String? { get }
}

extension LifecycleError: DomainError {
    public var kind: ErrorKind {
        switch self {
        case .notAllowed: return .conflict
        case .roleNotPermitted: return .forbidden
        case .reasonRequired: return .invalid
        }
    }

    public var field: String? {
        if case .reasonRequired = self { return "reason" }
        return nil
    }
}

extension AuthorityError: DomainError {
    public var kind: ErrorKind {
        switch self {
        case .notAuthorized: return .forbidden
        case .unknownItem, .invalidDelegation: return .invalid
        }
    }

    public var code: String {
        switch self {
        case .notAuthorized: return "not_authorized"
        case .unknownItem: return "unknown_item"
        case .invalidDelegation: return "invalid_delegation"
        }
    }

    public var field: String? {
        if case .unknownItem = self { return "itemCodes" }
        return nil
    }
}

extension ValidationError: DomainError {
    public var kind: ErrorKind { .invalid }
    public var field: String? { fieldPath }
}

extension CalendarError: DomainError {
    public var kind: ErrorKind { .invalid }
    public var code: String { "invalid_calendar" }
    public var field: String? { nil }
}

extension RatingError: DomainError {
    public var kind: ErrorKind { self == .caseNotFinished ? .invalid : .conflict }
    public var code: String { "rating_refused" }
    public var field: String? { nil }
}

extension FollowUpError: DomainError {
    public var kind: ErrorKind {
        if case .roleNotPermitted = self { return .forbidden }
        return .invalid
    }

    public var code: String {
        if case .roleNotPermitted = self { return "role_not_permitted" }
        return "follow_up_refused"
    }

    public var field: String? {
        switch self {
        case .noteRequired: return "note"
        case .outcomeRequired: return "outcome"
        case .badExtension: return "newDue"
        case .notAllowed, .roleNotPermitted: return nil
        }
    }
}

extension RegionTreeError: DomainError {
    public var kind: ErrorKind { .invalid }
    public var code: String { "invalid_region_tree" }
    public var field: String? { nil }

    public var message: String {
        switch self {
        case .duplicate(let c): return "区划代码 \(c) 重复"
        case .orphan(let c): return "区划 \(c) 的上级区划不存在"
        }
    }
}
