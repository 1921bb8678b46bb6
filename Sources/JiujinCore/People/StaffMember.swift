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
    /// The point the member works at (所属站点): required for partner-point tellers, who work nowhere else.
    public var pointId: String?
    /// The colleague who stands in when the member is away (AB角 backup), by staff id.
    public var backupId: String?
    /// For agents: full-time (专职) or part-time (兼职).
    public var agentMode: AgentMode?

    public init(id: String, username: String, name: String, role: ActorRole, orgId: String, phone: String? = nil,
                pointId: String? = nil, backupId: String? = nil, agentMode: AgentMode? = nil) {
        self.id = id
        self.username = username
        self.name = name
        self.role = role
        self.orgId = orgId
        self.phone = phone
        self.pointId = pointId
        self.backupId = backupId
        self.agentMode = agentMode
    }
}

/// Whether an agent (帮办代办员) does this full-time (专职) or beside other work (兼职).
public enum AgentMode: String, Codable, Sendable, CaseIterable {
    case fullTime = "full_time", partTime = "part_time"

    public var label: String { self == .fullTime ? "专职" : "兼职" }
}
