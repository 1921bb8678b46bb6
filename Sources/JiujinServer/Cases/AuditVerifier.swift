import Fluent
import Foundation
import JiujinCore

/// Walks every case's event chain (审计校验): hashes, links, numbering, and
/// the chain head recorded on the case.
public enum AuditVerifier {
    public struct Report: Sendable {
        public var casesChecked: Int
        public var eventsChecked: Int
        /// The first broken event found, e.g. "办件 990101-20261121-000001 第 3 条事件：…".
        public var firstProblem: String?
    }

    public static func verify(_ db: Database, batchSize: Int = 500) async throws -> Report {
        var report = Report(casesChecked: 0, eventsChecked: 0)
        var offset = 0
        while true {
            let cases = try await CaseModel.query(on: db).sort(\.$number).range(offset..<(offset + batchSize)).all()
            if cases.isEmpty { break }
            offset += cases.count
            // One query for the whole batch's events, not one per case.
            let batchEvents = Dictionary(grouping: try await CaseRows.storedEvents(of: cases.map { $0.id! }, on: try sqlDatabase(db)),
                                         by: \.caseId)
            for c in cases {
                report.casesChecked += 1
                let rows = batchEvents[c.id!] ?? []
                var events: [CaseEvent] = []
                for row in rows {
                    guard let event = row.event else {
                        report.firstProblem = "办件 \(c.number) 第 \(row.sequence) 条事件（id \(row.id.uuidString)）：字段值无效（被篡改）"
                        return report
                    }
                    events.append(event)
                }
                report.eventsChecked += events.count
                if case .broken(let seq, let reason) = EventChain.verify(events) {
                    let id = rows.first { $0.sequence == seq }?.id.uuidString ?? "?"
                    report.firstProblem = "办件 \(c.number) 第 \(seq) 条事件（id \(id)）：\(reason)"
                    return report
                }
                if events.count != c.eventCount || (events.last?.hash ?? CaseEvent.genesisHash) != c.lastHash {
                    report.firstProblem = "办件 \(c.number)：事件链末端与办件记录不符（事件被删除或追加）"
                    return report
                }
            }
        }
        return report
    }
}
