import Foundation

/// A member of staff at work: who they are and the organisation they act
/// for. Every rule about what staff may see or do takes this value.
public struct Staff: Hashable, Sendable {
    public var member: StaffMember
    public var org: Organization

    public init(member: StaffMember, org: Organization) {
        self.member = member
        self.org = org
    }

    public var id: String { member.id }
    public var role: ActorRole { member.role }
    public var scope: StaffScope { StaffScope(staff: self) }
    /// Supervisors, administrators and the county centre see the whole county.
    public var seesWholeCounty: Bool { scope.wholeCounty }
}

/// Which cases a member of staff may see and act on (办件可见范围).
///
/// A case is visible to whoever works county-wide, to the organisations that
/// accepted or decide it, and to a town's or village's staff when the
/// applicant lives in their region. This value is the rule; the server turns
/// it into one database filter, so lists and single reads cannot disagree.
public struct StaffScope: Hashable, Sendable {
    public var wholeCounty: Bool
    public var orgId: String
    /// The region a town or village serves; nil for bureaus, which see only their own cases.
    public var region: DivisionCode?
    /// A partner-point teller sees only the cases taken in at their point, nothing else of the organisation.
    public var pointId: String?

    public init(staff: Staff) {
        if staff.role == .partnerTeller {
            // A teller without a point sees nothing: the point id never matches a case.
            wholeCounty = false
            orgId = ""
            region = nil
            pointId = staff.member.pointId ?? ""
            return
        }
        wholeCounty = [.supervisor, .administrator].contains(staff.role) || staff.org.kind == .countyCentre
        orgId = staff.org.id
        region = staff.org.kind == .town || staff.org.kind == .village ? staff.org.region : nil
        pointId = nil
    }

    /// Whether a case deciding at `decidingOrgId`, accepted by `acceptingOrgId` at `point`, for an applicant in
    /// `region` is visible.
    public func sees(decidingOrgId: String?, acceptingOrgId: String?, point casePoint: String? = nil, region caseRegion: DivisionCode?) -> Bool {
        if let pointId { return casePoint == pointId }
        if wholeCounty || decidingOrgId == orgId || acceptingOrgId == orgId { return true }
        return caseRegion.map(serves) ?? false
    }

    /// Whether the member serves residents of `code`: the county for county-wide staff, else their town or village.
    public func serves(_ code: DivisionCode) -> Bool {
        if wholeCounty { return true }
        guard let region else { return false }
        return code.isWithin(region)
    }

    /// The prefix every division code in the served region starts with (for database filters); nil for bureaus.
    public var regionPrefix: String? { region?.prefix }
}
