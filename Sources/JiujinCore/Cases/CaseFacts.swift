import Foundation

/// What the rules need to know beyond the case itself, gathered by the
/// server before it calls the core: the directory snapshot, the item, the
/// delegations in force, the deciding organisation's approvers, the clock.
public struct CaseFacts: Sendable {
    public var directory: Directory
    public var item: ServiceItem
    /// Delegations not revoked, read fresh for this change.
    public var delegations: [Delegation]
    /// Active approvers of the deciding organisation (for hand-overs, AB角).
    public var colleagues: [StaffMember]
    public var calendar: WorkingDayCalendar
    public var now: Date
    /// A fresh identifier for a certificate this change may issue.
    public var certificateId: String
    /// The item's current guide version, which a new case keeps.
    public var guideVersion: Int? { directory.guideVersions[item.code] }

    public init(directory: Directory, item: ServiceItem, delegations: [Delegation], colleagues: [StaffMember] = [],
                calendar: WorkingDayCalendar, now: Date, certificateId: String) {
        self.directory = directory
        self.item = item
        self.delegations = delegations
        self.colleagues = colleagues
        self.calendar = calendar
        self.now = now
        self.certificateId = certificateId
    }

    /// Today in China.
    public var today: LocalDate { LocalDate(now, in: .china) }
}
