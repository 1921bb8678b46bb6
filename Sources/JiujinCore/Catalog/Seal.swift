import Foundation

/// A numbered approval seal (印章), e.g. 审批专用章(03): owned by a bureau and
/// entrusted to one organisation, which signs everything it decides with it.
public struct Seal: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var number: String
    public var name: String
    public var ownerOrgId: String
    public var holderOrgId: String

    public init(id: String, number: String, name: String, ownerOrgId: String, holderOrgId: String) {
        self.id = id
        self.number = number
        self.name = name
        self.ownerOrgId = ownerOrgId
        self.holderOrgId = holderOrgId
    }
}
