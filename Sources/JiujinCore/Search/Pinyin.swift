import Foundation

/// Pinyin readings of Chinese characters (汉语拼音), from Foundation's
/// Mandarin-to-Latin transform, toneless and lowercase, with the second
/// readings of common polyphones and `v` for `ü` so residents can type
/// "yinhang" for 银行 and "lvyou" for 旅游.
public enum Pinyin {
    /// Every reading of one character; empty for characters that are not Han.
    public static func readings(of c: Character) -> [String] {
        guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first, isHan(scalar) else { return [] }
        return cache.withLock { cached in
            if let hit = cached[c] { return hit }
            let computed = compute(c)
            cached[c] = computed
            return computed
        }
    }

    /// Space-separated first readings, e.g. "ying ye zhi zhao".
    public static func spelled(_ s: String) -> String {
        s.compactMap { readings(of: $0).first }.joined(separator: " ")
    }

    /// Initials of the first readings, e.g. "yyzz".
    public static func initials(_ s: String) -> String {
        String(s.compactMap { readings(of: $0).first?.first })
    }

    public static func isHan(_ s: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value) || (0x20000...0x2A6DF).contains(s.value)
    }

    private static let cache = Locked<[Character: [String]]>([:])

    private static func compute(_ c: Character) -> [String] {
        guard let latin = String(c).applyingTransform(.mandarinToLatin, reverse: false) else { return [] }
        let lowered = latin.lowercased().trimmingCharacters(in: .whitespaces)
        let hasUmlaut = lowered.unicodeScalars.contains { "üǖǘǚǜ".unicodeScalars.contains($0) }
        guard let plain = lowered.applyingTransform(.stripDiacritics, reverse: false), !plain.isEmpty,
              plain.allSatisfy({ $0.isASCII && $0.isLetter }) else { return [] }
        var out = [plain]
        if hasUmlaut { out.append(plain.replacingOccurrences(of: "u", with: "v")) }
        for extra in polyphones[c] ?? [] where !out.contains(extra) { out.append(extra) }
        return out
    }

    /// Second readings that matter in item names.
    static let polyphones: [Character: [String]] = [
        "行": ["hang", "xing"], "长": ["zhang", "chang"], "重": ["chong", "zhong"], "调": ["tiao", "diao"],
        "还": ["huan", "hai"], "省": ["xing", "sheng"], "传": ["zhuan", "chuan"], "乐": ["yue", "le"],
        "便": ["pian", "bian"], "单": ["shan", "dan"], "参": ["shen", "can"], "会": ["kuai", "hui"],
        "种": ["zhong"], "处": ["chu"], "地": ["de", "di"], "校": ["jiao", "xiao"], "率": ["lv", "shuai"],
        "藏": ["zang", "cang"], "曾": ["zeng", "ceng"], "广": ["guang"], "供": ["gong"], "业": ["ye"],
        "薄": ["bo", "bao"], "给": ["ji", "gei"], "车": ["che", "ju"], "属": ["shu", "zhu"], "宁": ["ning"],
        "都": ["dou", "du"], "解": ["jie", "xie"], "期": ["qi", "ji"], "没": ["mei", "mo"],
    ]
}

/// A tiny mutex-guarded box; Foundation's NSLock keeps the core free of other dependencies.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
