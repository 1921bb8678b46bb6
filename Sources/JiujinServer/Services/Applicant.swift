import JiujinCore
import Vapor

/// A validated applicant (申请人): a natural person with a checked resident ID,
/// or a legal person with a checked credit code; a mobile number either way.
struct Applicant: Sendable {
    enum Kind: String, Sendable { case person, organization }
    var kind: Kind
    var name: String
    var idNumber: ResidentID?
    var creditCode: CreditCode?
    var legalRepresentative: String?
    var phone: MobileNumber

    static func validate(_ input: ApplicantInput, today: LocalDate) throws -> Applicant {
        guard let kind = Kind(rawValue: input.kind) else {
            throw APIError.invalid("applicant.kind", "申请人类型应为 person（自然人）或 organization（法人）")
        }
        let name = input.name.trimmed
        guard !name.isEmpty, name.count <= 100 else { throw APIError.invalid("applicant.name", "申请人名称不能为空且不超过100字") }
        do {
            let phone = try MobileNumber(input.phone)
            switch kind {
            case .person:
                guard let raw = input.idNumber else { throw APIError.invalid("applicant.idNumber", "自然人须填写身份证号码") }
                return Applicant(kind: kind, name: name, idNumber: try ResidentID(raw, today: today), phone: phone)
            case .organization:
                guard let raw = input.creditCode else { throw APIError.invalid("applicant.creditCode", "法人须填写统一社会信用代码") }
                guard let rep = input.legalRepresentative?.trimmed.nonEmpty, rep.count <= 50 else {
                    throw APIError.invalid("applicant.legalRepresentative", "法人须填写法定代表人姓名")
                }
                return Applicant(kind: kind, name: name, creditCode: try CreditCode(raw), legalRepresentative: rep, phone: phone)
            }
        } catch let e as ValidationError {
            throw APIError.invalid("applicant.\(e.field)", e.message, code: e.code)
        }
    }

    /// The ID number or credit code that identifies the applicant in the licence library.
    var number: String { idNumber?.rawValue ?? creditCode?.rawValue ?? "" }

    func apply(to model: CaseModel) {
        model.applicantKind = kind.rawValue
        model.applicantName = name
        model.applicantIdNumber = idNumber?.rawValue
        model.applicantCreditCode = creditCode?.rawValue
        model.applicantLegalRep = legalRepresentative
        model.applicantPhone = phone.rawValue
    }
}
