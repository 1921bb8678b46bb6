import Foundation

/// An applicant (申请人): a natural person with a checked resident ID, or a
/// legal person with a checked credit code and a legal representative; a
/// mobile number either way. Only `validated` makes one from typed input.
public struct Applicant: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case person, organization }

    public var kind: Kind
    public var name: String
    public var idNumber: String?
    public var creditCode: String?
    public var legalRepresentative: String?
    public var phone: String

    /// An applicant as stored (already checked when it was taken in).
    public init(kind: Kind, name: String, idNumber: String?, creditCode: String?, legalRepresentative: String?, phone: String) {
        self.kind = kind
        self.name = name
        self.idNumber = idNumber
        self.creditCode = creditCode
        self.legalRepresentative = legalRepresentative
        self.phone = phone
    }

    /// Checks what was typed: kind, name (≤100), resident ID (GB 11643) or credit code (GB 32100) with the
    /// legal representative (≤50), and the mobile number. Errors name fields under `applicant.`.
    public static func validated(kind rawKind: String, name rawName: String, idNumber: String?, creditCode: String?,
                                 legalRepresentative: String?, phone: String, today: LocalDate) throws(ValidationError) -> Applicant {
        do throws(ValidationError) {
            guard let kind = Kind(rawValue: rawKind) else { throw ValidationError.field("kind", "申请人类型应为 person（自然人）或 organization（法人）") }
            let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 100 else { throw ValidationError.field("name", "申请人名称不能为空且不超过100字") }
            let mobile = try MobileNumber(phone)
            switch kind {
            case .person:
                guard let raw = idNumber else { throw ValidationError.field("idNumber", "自然人须填写身份证号码") }
                return Applicant(kind: kind, name: name, idNumber: try ResidentID(raw, today: today).rawValue, creditCode: nil,
                                 legalRepresentative: nil, phone: mobile.rawValue)
            case .organization:
                guard let raw = creditCode else { throw ValidationError.field("creditCode", "法人须填写统一社会信用代码") }
                let code = try CreditCode(raw).rawValue
                guard let rep = legalRepresentative?.trimmingCharacters(in: .whitespacesAndNewlines), !rep.isEmpty, rep.count <= 50 else {
                    throw ValidationError.field("legalRepresentative", "法人须填写法定代表人姓名")
                }
                return Applicant(kind: kind, name: name, idNumber: nil, creditCode: code, legalRepresentative: rep, phone: mobile.rawValue)
            }
        } catch {
            throw .within("applicant", error)
        }
    }

    /// The ID number or credit code that identifies the applicant in the licence library.
    public var number: String { idNumber ?? creditCode ?? "" }

    /// The same applicant as lists, pages and logs show it (脱敏).
    public var masked: Applicant {
        Applicant(kind: kind, name: Masking.name(name), idNumber: idNumber.map(Masking.residentID),
                  creditCode: creditCode.map(Masking.creditCode), legalRepresentative: legalRepresentative.map(Masking.name),
                  phone: Masking.phone(phone))
    }
}
