import Foundation

/// A certificate a decision yields, to be signed with the deciding
/// organisation's seal (电子证照签发单). The id is drawn before the decision is
/// recorded, because the decision's event names it.
public struct CertificateOrder: Hashable, Sendable {
    public var id: String
    public var licenceType: String
    public var orgId: String
    public var sealNumber: String

    public init(id: String, licenceType: String, orgId: String, sealNumber: String) {
        self.id = id
        self.licenceType = licenceType
        self.orgId = orgId
        self.sealNumber = sealNumber
    }

    /// What an approval of `item` under `seal` yields: nothing unless the item's result is an electronic licence.
    public static func forApproval(of item: ServiceItem, orgId: String, sealNumber: String, id: String) -> CertificateOrder? {
        guard let licence = item.result?.licenceType else { return nil }
        return CertificateOrder(id: id, licenceType: licence, orgId: orgId, sealNumber: sealNumber)
    }

    /// The fields printed and signed: kept short, because the whole payload rides in the QR code.
    public func fields(for c: Case, item: ServiceItem, regionPath: String) -> [String: String] {
        var fields = ["办件编号": c.number]
        if let name = item.result?.name, name != licenceType { fields["证照名称"] = name }
        if licenceType == "居住证明" { fields["居住地"] = regionPath }
        if let rep = c.applicant.legalRepresentative { fields["法定代表人"] = Masking.name(rep) }
        return fields
    }
}

/// Rules of the licence library (证照库).
public enum CertificateRules {
    /// Validity of the certificate types that expire (days); the others are long-term.
    public static let validityDays: [String: Int] = ["居住证明": 180, "无犯罪记录证明": 90, "健康证明": 365]

    public static func validUntil(type: String, issued: LocalDate) -> LocalDate? {
        validityDays[type].map { issued.adding(days: $0) }
    }

    /// Who may revoke a certificate: approvers of the issuing organisation, supervisors and administrators.
    public static func mayRevoke(_ staff: Staff, issuingOrgId: String) -> Bool {
        guard [.approver, .supervisor].contains(staff.role) else { return false }
        return staff.seesWholeCounty || staff.org.id == issuingOrgId
    }
}
