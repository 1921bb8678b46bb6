import Foundation

/// A point's structured opening hours (开放时间): the time slots of a working day, the 延时 slots added to working
/// days (lunchtime or evening service), and the slots of weekends and of official holidays. Which day is which
/// comes from the official calendar, so a 调休 Saturday counts as a working day.
public struct OpeningHours: Codable, Hashable, Sendable {
    /// One opening slot, in minutes after midnight (`end` may be 24:00).
    public struct Slot: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        public static func < (a: Slot, b: Slot) -> Bool { (a.start, a.end) < (b.start, b.end) }

        public var description: String { Self.clock(start) + "-" + Self.clock(end) }

        static func clock(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
    }

    public var workdays: [Slot]
    public var extended: [Slot]
    public var weekend: [Slot]
    public var holidays: [Slot]

    public init(workdays: [Slot], extended: [Slot] = [], weekend: [Slot] = [], holidays: [Slot] = []) {
        self.workdays = workdays
        self.extended = extended
        self.weekend = weekend
        self.holidays = holidays
    }

    public var isEmpty: Bool { workdays.isEmpty && extended.isEmpty && weekend.isEmpty && holidays.isEmpty }

    /// What residents read: 工作日 08:30-12:00 13:30-17:30；延时 17:30-19:00；周末 09:00-12:00；节假日 不开放.
    public var summary: String {
        var parts: [String] = []
        func add(_ label: String, _ slots: [Slot]) { if !slots.isEmpty { parts.append(label + " " + Self.text(slots)) } }
        add("工作日", workdays)
        add("延时服务", extended)
        add("周末", weekend)
        add("节假日", holidays)
        return parts.isEmpty ? "不开放" : parts.joined(separator: "；")
    }

    /// The slots as typed in a workbook cell: "08:30-12:00 13:30-17:30".
    public static func text(_ slots: [Slot]) -> String { slots.map(\.description).joined(separator: " ") }

    /// Reads a cell of slots: times as 8:30-12:00 (also with ：, ～, ~, – or 至), separated by spaces, commas or
    /// 、；; "24小时" for the whole day; empty for closed. Slots must not overlap; they come back in order.
    public static func slots(_ raw: String) -> Result<[Slot], SlotProblem> {
        var text = raw
        for (from, to) in [("：", ":"), ("～", "-"), ("~", "-"), ("–", "-"), ("—", "-"), ("至", "-"), ("－", "-")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .success([]) }
        if text == "24小时" || text == "全天" { return .success([Slot(start: 0, end: 24 * 60)]) }
        let pieces = text.split(whereSeparator: { " ,，、;；".contains($0) }).map(String.init)
        var out: [Slot] = []
        for piece in pieces {
            let ends = piece.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = minutes(String(ends[0])), let end = minutes(String(ends[1])) else {
                return .failure(.unreadable(TextLimit.echo(piece)))
            }
            guard start < end, end <= 24 * 60 else { return .failure(.backwards(TextLimit.echo(piece))) }
            out.append(Slot(start: start, end: end))
        }
        out.sort()
        for (a, b) in zip(out, out.dropFirst()) where b.start < a.end { return .failure(.overlapping(a.description, b.description)) }
        return .success(out)
    }

    static func minutes(_ s: String) -> Int? {
        let parts = s.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    public enum SlotProblem: Error, Hashable, Sendable {
        case unreadable(String), backwards(String), overlapping(String, String)

        public var message: String {
            switch self {
            case .unreadable(let s): return "时段「\(s)」无法识别：应写成 08:30-12:00，多个时段用空格分隔"
            case .backwards(let s): return "时段「\(s)」的结束时间应晚于开始时间（最晚 24:00）"
            case .overlapping(let a, let b): return "时段 \(a) 与 \(b) 重叠"
            }
        }
    }
}
