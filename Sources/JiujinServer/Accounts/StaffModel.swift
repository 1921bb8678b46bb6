import Fluent
import Foundation
import JiujinCore

final class StaffModel: Model, @unchecked Sendable {
    static let schema = "staff"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "username") var username: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "org_id") var orgId: String
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "must_change_password") var mustChangePassword: Bool
    /// No longer read or changed: failed sign-ins are counted by `SignInThrottle` (per name and address), not per row.
    /// The columns stay because migrations are never edited; the next staff migration can drop them.
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "active") var active: Bool
    @OptionalField(key: "point_id") var pointId: String?
    @OptionalField(key: "backup_id") var backupId: String?
    @OptionalField(key: "agent_mode") var agentMode: String?

    init() {}

    init(_ s: StaffMember, passwordHash: String, mustChangePassword: Bool) {
        id = s.id
        username = s.username
        name = s.name
        role = s.role.rawValue
        orgId = s.orgId
        phone = s.phone
        pointId = s.pointId
        backupId = s.backupId
        agentMode = s.agentMode?.rawValue
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        failedLogins = 0
        active = true
    }

    var domain: StaffMember? {
        guard let id, let role = ActorRole(rawValue: role) else { return nil }
        return StaffMember(id: id, username: username, name: name, role: role, orgId: orgId, phone: phone, pointId: pointId,
                           backupId: backupId, agentMode: agentMode.flatMap(AgentMode.init))
    }
}
