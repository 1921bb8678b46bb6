import Foundation

/// A rejected value, with the field it belongs to and a message for people.
public enum ValidationError: Error, Hashable, Sendable {
    case residentID(String)
    case creditCode(String)
    case mobile(String)
    case field(String, String)
    /// A rejection with its own stable code (e.g. `delivery_required`).
    case coded(field: String, code: String, message: String)
    /// A rejection inside a part of the input, e.g. `applicant` + `idNumber` → `applicant.idNumber`.
    indirect case within(String, ValidationError)

    /// The dotted path of the field, e.g. `applicant.idNumber`.
    public var fieldPath: String {
        switch self {
        case .residentID: return "idNumber"
        case .creditCode: return "creditCode"
        case .mobile: return "phone"
        case .field(let f, _), .coded(let f, _, _): return f
        case .within(let prefix, let inner): return "\(prefix).\(inner.fieldPath)"
        }
    }

    public var message: String {
        switch self {
        case .residentID(let m), .creditCode(let m), .mobile(let m), .field(_, let m), .coded(_, _, let m): return m
        case .within(_, let inner): return inner.message
        }
    }

    public var code: String {
        switch self {
        case .residentID: return "invalid_id_number"
        case .creditCode: return "invalid_credit_code"
        case .mobile: return "invalid_phone"
        case .field: return "invalid_field"
        case .coded(_, let code, _): return code
        case .within(_, let inner): return inner.code
        }
    }
}

/// Length limits of free text, so that no field can carry an essay or a payload.
public enum TextLimit {
    /// Trims the text; nil when empty. Refuses text longer than `max` characters.
    public static func optional(_ raw: String?, field: String, max: Int, what: String) throws(ValidationError) -> String? {
        guard let t = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        guard t.count <= max else { throw .field(field, "\(what)不超过\(max)字") }
        return t
    }

    /// Input quoted back in a message, clipped so that no error repeats an essay or a payload.
    public static func echo(_ raw: String, max: Int = 40) -> String {
        raw.count <= max ? raw : String(raw.prefix(max)) + "…"
    }
}
