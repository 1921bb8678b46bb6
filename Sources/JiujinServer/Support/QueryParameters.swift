import Vapor

/// The URL's query parameters, parsed once per request: `name=value` pairs split on `&`, `+` read as a space,
/// percent-escapes decoded (left as written when malformed). A name given twice keeps its first value.
struct QueryValues: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            guard values[name] == nil else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
    }

    subscript(name: String) -> String? { values[name] }

    private static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

private struct QueryValuesKey: StorageKey {
    typealias Value = QueryValues
}

/// Query parameters every list reads the same way, each refused with a clear 422 when malformed.
extension Request {
    /// One query parameter as text, nil when absent.
    func queryText(_ name: String) -> String? {
        if let parsed = storage[QueryValuesKey.self] { return parsed[name] }
        let parsed = QueryValues(url.query)
        storage[QueryValuesKey.self] = parsed
        return parsed[name]
    }

    /// `limit`: 1…`max`, `default` when absent.
    func limitParameter(default value: Int, max: Int = 1000) throws -> Int {
        guard let raw = queryText("limit") else { return value }
        guard let n = Int(raw), n >= 1, n <= max else { throw APIError.invalid("limit", "limit 应为 1 到 \(max) 的整数") }
        return n
    }

    /// A coordinate in degrees (`lat`, `lon`), nil when absent.
    func coordinateParameter(_ name: String) throws -> Double? {
        guard let raw = queryText(name) else { return nil }
        let bound: Double = name == "lat" ? 90 : 180
        guard let value = Double(raw), value.isFinite, abs(value) <= bound else {
            throw APIError.invalid(name, "\(name) 应为 -\(Int(bound)) 到 \(Int(bound)) 之间的数字（度）")
        }
        return value
    }

    /// A yes/no filter: true/1 or false/0, false when absent.
    func flagParameter(_ name: String) throws -> Bool {
        guard let raw = queryText(name) else { return false }
        switch raw {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalid(name, "\(name) 应为 true 或 false")
        }
    }
}
