import Foundation

/// The in-memory catalog search (事项检索): Chinese substrings, full pinyin,
/// pinyin initials and any mix of them ("yyzz", "yingye", "yingyzz" all find
/// 营业执照), ranked, with filters. Built once per catalog change.
public struct CatalogIndex: Sendable {
    /// Which text of an item a hit was found in; earlier fields rank higher.
    public enum Field: String, Sendable, Codable {
        case name, keyword, result, department

        var weight: Double {
            switch self {
            case .name: return 100
            case .keyword: return 70
            case .result: return 60
            case .department: return 30
            }
        }
    }

    public enum MatchKind: String, Sendable, Codable {
        /// Chinese substring, a code, or full pinyin syllables.
        case exact
        /// Initials or a mix of initials and syllables.
        case initials
    }

    public struct Hit: Sendable, Equatable {
        public var item: ServiceItem
        public var score: Double
        public var field: Field
        public var kind: MatchKind
    }

    struct Token: Sendable {
        var readings: [[UInt8]]
        var charOffset: Int
    }

    struct Text: Sendable {
        var field: Field
        var normalized: String
        var tokens: [Token]
        /// `normalized` as UTF-8, searched byte-wise (a UTF-8 match starts and ends on character boundaries).
        var bytes: [UInt8]
        var characterCount: Int
        /// First bytes of any token's readings: a pinyin query must start with one of them.
        var firstBytes: Set<UInt8>

        init(field: Field, normalized: String, tokens: [Token]) {
            self.field = field
            self.normalized = normalized
            self.tokens = tokens
            bytes = Array(normalized.utf8)
            characterCount = normalized.count
            firstBytes = Set(tokens.flatMap { $0.readings.compactMap(\.first) })
        }
    }

    struct Entry: Sendable {
        var item: ServiceItem
        var texts: [Text]
        var levels: Set<RegionLevel>
    }

    private let entries: [Entry]

    /// `departments` maps department ids to names; `extraAcceptLevels` adds the
    /// levels where delegations let an item be accepted.
    public init(items: [ServiceItem], departments: [String: String] = [:],
                extraAcceptLevels: [String: Set<RegionLevel>] = [:]) {
        entries = items.map { item in
            var texts = [CatalogIndex.text(item.name, .name)]
            texts += item.keywords.map { CatalogIndex.text($0, .keyword) }
            if let r = item.result { texts.append(CatalogIndex.text(r.name, .result)) }
            if let d = departments[item.departmentId] { texts.append(CatalogIndex.text(d, .department)) }
            texts.append(Text(field: .name, normalized: item.code.lowercased(), tokens: []))
            var levels = item.acceptLevels
            levels.formUnion(extraAcceptLevels[item.code] ?? [])
            if item.decisionLevel != .county { levels.insert(item.decisionLevel) }
            return Entry(item: item, texts: texts, levels: levels)
        }
    }

    public var count: Int { entries.count }

    static func normalize(_ s: String) -> String {
        String(s.lowercased().filter { !$0.isWhitespace && $0 != "'" && $0 != "·" })
    }

    static func text(_ s: String, _ field: Field) -> Text {
        let normalized = normalize(s)
        var tokens: [Token] = []
        var ascii: [UInt8] = []
        var asciiStart = 0
        for (offset, c) in normalized.enumerated() {
            if c.isASCII && (c.isLetter || c.isNumber) {
                if ascii.isEmpty { asciiStart = offset }
                ascii.append(c.asciiValue!)
                continue
            }
            if !ascii.isEmpty { tokens.append(Token(readings: [ascii], charOffset: asciiStart)); ascii = [] }
            let r = Pinyin.readings(of: c)
            if !r.isEmpty { tokens.append(Token(readings: r.map { Array($0.utf8) }, charOffset: offset)) }
        }
        if !ascii.isEmpty { tokens.append(Token(readings: [ascii], charOffset: asciiStart)) }
        return Text(field: field, normalized: normalized, tokens: tokens)
    }

    /// Runs a query. An empty text lists every item that passes the filters, high-frequency first.
    public func search(_ query: CatalogQuery) -> [Hit] {
        let q = CatalogIndex.normalize(query.text)
        let qBytes = Array(q.utf8)
        let pinyinQuery = !q.isEmpty && q.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        var hits: [Hit] = []
        for entry in entries where query.admits(entry.item, levels: entry.levels) {
            if q.isEmpty {
                hits.append(Hit(item: entry.item, score: entry.item.isHighFrequency ? 1 : 0, field: .name, kind: .exact))
                continue
            }
            var best: Hit?
            for text in entry.texts {
                guard let (score, kind) = CatalogIndex.match(q, qBytes, pinyin: pinyinQuery, in: text) else { continue }
                var s = score
                if entry.item.isHighFrequency { s += 3 }
                if best == nil || s > best!.score { best = Hit(item: entry.item, score: s, field: text.field, kind: kind) }
            }
            if let best { hits.append(best) }
        }
        hits.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.item.name.count != $1.item.name.count { return $0.item.name.count < $1.item.name.count }
            return $0.item.code < $1.item.code
        }
        return Array(hits.prefix(query.limit))
    }

    /// Scores one text: field weight, a bonus for matching at its start, and a
    /// small one for short texts. The same text scores the same whether it was
    /// found by its characters or by their pinyin, so "营业执照" and "yingye" agree.
    static func match(_ q: String, _ qBytes: [UInt8], pinyin: Bool, in text: Text) -> (Double, MatchKind)? {
        if let at = firstOccurrence(of: qBytes, in: text.bytes) {
            // Characters before the match: the bytes that begin a UTF-8 sequence.
            let start = text.bytes[..<at].reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            return (score(text, start: start), .exact)
        }
        guard pinyin, let first = qBytes.first, text.firstBytes.contains(first) else { return nil }
        var bestMatch: (start: Int, full: Bool)?
        for s in text.tokens.indices where text.tokens[s].readings.contains(where: { $0.first == first }) {
            if let full = syllableMatch(qBytes, text.tokens, from: s) {
                bestMatch = (s, full)
                break
            }
        }
        guard let m = bestMatch else { return nil }
        let base = score(text, start: text.tokens[m.start].charOffset)
        return m.full ? (base, .exact) : (base - 5, .initials)
    }

    static func score(_ text: Text, start: Int) -> Double {
        text.field.weight + (start == 0 ? 20 : 10.0 / Double(start + 1)) + 10.0 / Double(max(text.characterCount, 1))
    }

    /// Where `needle` first occurs in `haystack`, by byte.
    static func firstOccurrence(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first else { return 0 }
        guard haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Whether the query spells consecutive tokens from `start`, each by a
    /// prefix of one of its readings; if so, whether every token but the last
    /// was spelled in full.
    static func syllableMatch(_ q: [UInt8], _ tokens: [Token], from start: Int) -> Bool? {
        var memo: [Int: Bool?] = [:]
        func go(_ k: Int, _ p: Int) -> Bool? {
            if p == q.count { return true }
            if k == tokens.count { return nil }
            let key = k * 1024 + p
            if let m = memo[key] { return m }
            var result: Bool?
            outer: for reading in tokens[k].readings {
                var l = min(reading.count, q.count - p)
                while l >= 1 {
                    if reading[0..<l].elementsEqual(q[p..<(p + l)]) {
                        if let full = go(k + 1, p + l) {
                            let spelledFully = l == reading.count || p + l == q.count
                            result = full && spelledFully
                            if result! { break outer }
                        }
                    }
                    l -= 1
                }
            }
            memo[key] = result
            return result
        }
        return go(start, 0)
    }
}

/// A catalog query: free text and filters.
public struct CatalogQuery: Sendable {
    public var text: String
    /// Only items that can be accepted at this level.
    public var level: RegionLevel?
    public var departmentId: String?
    /// Only 即办件.
    public var instantOnly: Bool
    /// Only items needing no trip (零跑动).
    public var zeroTripOnly: Bool
    /// Only items that can be filed online (网上受理 or 全程网办).
    public var onlineOnly: Bool
    public var type: ItemType?
    public var limit: Int

    public init(text: String = "", level: RegionLevel? = nil, departmentId: String? = nil, instantOnly: Bool = false,
                zeroTripOnly: Bool = false, onlineOnly: Bool = false, type: ItemType? = nil, limit: Int = 50) {
        self.text = text
        self.level = level
        self.departmentId = departmentId
        self.instantOnly = instantOnly
        self.zeroTripOnly = zeroTripOnly
        self.onlineOnly = onlineOnly
        self.type = type
        self.limit = limit
    }

    func admits(_ item: ServiceItem, levels: Set<RegionLevel>) -> Bool {
        if let level, !levels.contains(level) { return false }
        if let departmentId, item.departmentId != departmentId { return false }
        if instantOnly && !item.isInstant { return false }
        if zeroTripOnly && !item.isZeroTrip { return false }
        if onlineOnly && !(item.onlineDepth == .fullyOnline || item.onlineDepth == .onlineAcceptance) { return false }
        if let type, item.type != type { return false }
        return true
    }
}
