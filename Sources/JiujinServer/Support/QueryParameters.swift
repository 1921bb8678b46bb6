import Vapor

/// Query parameters every list reads the same way, each refused with a clear 422 when malformed.
extension Request {
    /// `limit`: 1…`max`, `default` when absent.
    func limitParameter(default value: Int, max: Int = 1000) throws -> Int {
        guard let raw = query[String.self, at: "limit"] else { return value }
        guard let n = Int(raw), n >= 1, n <= max else { throw APIError.invalid("limit", "limit 应为 1 到 \(max) 的整数") }
        return n
    }

    /// A coordinate in degrees (`lat`, `lon`), nil when absent.
    func coordinateParameter(_ name: String) throws -> Double? {
        guard let raw = query[String.self, at: name] else { return nil }
        let bound: Double = name == "lat" ? 90 : 180
        guard let value = Double(raw), value.isFinite, abs(value) <= bound else {
            throw APIError.invalid(name, "\(name) 应为 -\(Int(bound)) 到 \(Int(bound)) 之间的数字（度）")
        }
        return value
    }

    /// A yes/no filter: true/1 or false/0, false when absent.
    func flagParameter(_ name: String) throws -> Bool {
        guard let raw = query[String.self, at: name] else { return false }
        switch raw {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid(name, "\(name) 应为 true 或 false")
        }
    }
}
