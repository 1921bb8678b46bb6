import Foundation

/// A member of staff (工作人员) with one role in one organisation. What they
/// may see is the organisation's region subtree; what they may decide
/// follows from the organisation's authority.
public struct StaffMember: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var username: String
    public var name: String
    public var role: ActorRole
    public var orgId: String
    public var phone: String?

    public init(id: String, username: String, name: String, role: ActorRole, orgId: String, phone: String? = nil) {
        self.id = id
        self.username = username
        self.name = name
        self.role = role
        self.orgId = orgId
        self.phone = phone
    }
}
