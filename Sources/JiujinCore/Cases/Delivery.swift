import Foundation

/// How a result is handed over (出件/送达方式).
public enum DeliveryMethod: String, Codable, Sendable, CaseIterable {
    case window, express, electronic, agent

    public var label: String {
        switch self {
        case .window: return "窗口领取"
        case .express: return "邮寄送达"
        case .electronic: return "电子送达"
        case .agent: return "代办员送达"
        }
    }
}

/// A delivery as typed at the window, before it is checked.
public struct DeliveryDraft: Codable, Hashable, Sendable {
    public var method: String
    public var carrier: String?
    public var trackingNumber: String?
    public var collectorName: String?
    /// For window pickup: the collector's resident ID, checked against GB 11643.
    public var collectorIdNumber: String?

    public init(method: String, carrier: String? = nil, trackingNumber: String? = nil, collectorName: String? = nil,
                collectorIdNumber: String? = nil) {
        self.method = method
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.collectorName = collectorName
        self.collectorIdNumber = collectorIdNumber
    }
}

/// A checked delivery (送达). Window pickup records the collector's ID card
/// (领取人身份核验), express needs a carrier and tracking number; names and
/// ID numbers are kept masked.
public enum Delivery: Hashable, Sendable {
    case window(collectorName: String, collectorId: ResidentID)
    case express(carrier: String, trackingNumber: String, collectorName: String?)
    case electronic(collectorName: String?)
    case agent(collectorName: String?)

    public init(_ draft: DeliveryDraft?, today: LocalDate) throws(ValidationError) {
        guard let d = draft else { throw .coded(field: "delivery", code: "delivery_required", message: "请填写出件方式") }
        guard let method = DeliveryMethod(rawValue: d.method) else { throw .field("delivery.method", "出件方式「\(TextLimit.echo(d.method))」无效") }
        let collector = try TextLimit.optional(d.collectorName, field: "delivery.collectorName", max: 50, what: "领取人姓名")
        switch method {
        case .window:
            guard let name = collector else { throw .field("delivery.collectorName", "窗口领取须登记领取人姓名") }
            guard let raw = d.collectorIdNumber else { throw .field("delivery.collectorIdNumber", "窗口领取须核验领取人身份证") }
            do {
                self = .window(collectorName: name, collectorId: try ResidentID(raw, today: today))
            } catch {
                throw .within("delivery", .coded(field: "collectorIdNumber", code: error.code, message: error.message))
            }
        case .express:
            guard let carrier = try TextLimit.optional(d.carrier, field: "delivery.carrier", max: 40, what: "快递公司") else {
                throw .field("delivery.carrier", "邮寄送达须填写快递公司")
            }
            guard let no = d.trackingNumber?.trimmingCharacters(in: .whitespacesAndNewlines), !no.isEmpty, no.count <= 40,
                  no.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw .field("delivery.trackingNumber", "快递单号应为字母或数字")
            }
            self = .express(carrier: carrier, trackingNumber: no, collectorName: collector)
        case .electronic: self = .electronic(collectorName: collector)
        case .agent: self = .agent(collectorName: collector)
        }
    }

    public var method: DeliveryMethod {
        switch self {
        case .window: return .window
        case .express: return .express
        case .electronic: return .electronic
        case .agent: return .agent
        }
    }

    public var trackingNumber: String? {
        if case .express(_, let no, _) = self { return no }
        return nil
    }

    /// What the delivery event records: method, carrier and number, the collector masked.
    public var eventDetails: [String: String] {
        var d = ["delivery": method.rawValue]
        switch self {
        case .window(let name, let id):
            d["collector"] = Masking.name(name)
            d["collectorId"] = id.masked
        case .express(let carrier, let no, let name):
            d["carrier"] = carrier
            d["trackingNumber"] = no
            if let name { d["collector"] = Masking.name(name) }
        case .electronic(let name), .agent(let name):
            if let name { d["collector"] = Masking.name(name) }
        }
        return d
    }
}
