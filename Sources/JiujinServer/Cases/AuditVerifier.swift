import Fluent
import Crypto
import Vapor
import Foundation
import JiujinCore

/// Walks every case's event chain (审计校验): hashes, links, numbering, and
/// the chain head recorded on the case.
public enum AuditVerifier {
    public struct Report: Sendable {
        public var casesChecked: Int
        public var eventsChecked: Int
        /// Signed checkpoints replayed and checked against the database.
        public var checkpointsChecked = 0
        /// Material files whose content was read and matched the hash their event records.
        public var filesChecked = 0
        /// The first broken event found, e.g. "办件 990101-20261121-000001 第 3 条事件：…".
        public var firstProblem: String?
    }

    /// `key`: the audit chain key; every event must carry its seal, and the last event's digest must match the case
    /// row as it stands (a case row edited by hand disagrees).
    /// `files`: the material file store; every hash an event names must be there with that content.
    static func verify(_ db: Database, key: SymmetricKey, cipher: FieldCipher, files: FileStore? = nil, batchSize: Int = 500) async throws -> Report {
        var report = Report(casesChecked: 0, eventsChecked: 0)
        var offset = 0
        while true {
            let cases = try await CaseModel.query(on: db).sort(\.$number).range(offset..<(offset + batchSize)).all()
            if cases.isEmpty { break }
            offset += cases.count
            // One query for the whole batch's events, not one per case.
            let batchEvents = Dictionary(grouping: try await CaseRows.storedEvents(of: cases.map { $0.id! }, on: try sqlDatabase(db)),
                                         by: \.caseId)
            let domain = Dictionary(try await CaseRows.find(cases.map { $0.id! }, cipher: cipher, on: try sqlDatabase(db)).map { ($0.id, $0) },
                                    uniquingKeysWith: { a, _ in a })
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
                for row in rows {
                    guard let e = row.event, let digest = row.caseDigest, let mac = row.mac,
                          AuditSeal.isValid(mac, eventHash: e.hash, caseDigest: digest, key: key) else {
                        report.firstProblem = "办件 \(c.number) 第 \(row.sequence) 条事件（id \(row.id.uuidString)）：审计密钥校验失败（事件被改写，或不是 jiujin 写入的）"
                        return report
                    }
                }
                if case .broken(let seq, let reason) = EventChain.verify(events) {
                    let id = rows.first { $0.sequence == seq }?.id.uuidString ?? "?"
                    report.firstProblem = "办件 \(c.number) 第 \(seq) 条事件（id \(id)）：\(reason)"
                    return report
                }
                if let files {
                    for e in events {
                        for sha in e.attachments where !files.holds(sha) {
                            report.firstProblem = "办件 \(c.number) 第 \(e.sequence) 条事件：材料文件 \(sha.prefix(12))… 缺失或内容与记录的哈希不符（文件被替换或删除）"
                            return report
                        }
                        report.filesChecked += e.attachments.count
                    }
                }
                if events.count != c.eventCount || (events.last?.hash ?? CaseEvent.genesisHash) != c.lastHash {
                    report.firstProblem = "办件 \(c.number)：事件链末端与办件记录不符（事件被删除或追加）"
                    return report
                }
                if let digest = rows.last?.caseDigest, let current = domain[c.id!], AuditSeal.caseDigest(current) != digest {
                    report.firstProblem = "办件 \(c.number)：申请人、事项、审批机构或印章与最后一条事件记录的不符（办件记录被改写）"
                    return report
                }
            }
        }
        return report
    }

    /// Every check of `jiujin verify-audit`: each chain with its keyed seals, then the signed checkpoints of
    /// `checkpointDirectory` (default JIUJIN_AUDIT_DIR) against the database.
    public static func verify(_ app: Application, checkpointDirectory: String? = nil) async throws -> Report {
        let ctx = app.jiujin
        var report = try await verify(app.db, key: ctx.audit.chainKey, cipher: ctx.cipher, files: ctx.files)
        guard report.firstProblem == nil else { return report }
        let anchors = AuditCheckpoints(directory: checkpointDirectory ?? ctx.options.auditDirectory, keys: ctx.audit)
        do {
            let (count, problem) = try await anchors.verify(app.db)
            report.checkpointsChecked = count
            report.firstProblem = problem
        } catch let p as AuditCheckpoints.Problem {
            report.firstProblem = p.description
        }
        return report
    }
}
