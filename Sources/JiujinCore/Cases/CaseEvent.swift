import Crypto
import Foundation

/// One entry of a case's history (办件流转记录). Events are appended, never
/// edited; each carries the SHA-256 of the one before, so any change to a
/// stored event breaks the chain from there on.
public struct CaseEvent: Codable, Hashable, Sendable {
    public var caseId: String
    /// 1, 2, 3… within the case.
    public var sequence: Int
    public var action: CaseAction
    public var fromStatus: CaseStatus?
    public var toStatus: CaseStatus
    public var actorId: String
    public var actorRole: ActorRole
    public var orgId: String?
    public var pointId: String?
    /// Milliseconds since 1970 (UTC); integer so the hash is exact.
    public var atMillis: Int64
    public var comment: String?
    public var attachments: [String]
    /// Action details (missing materials, delegation used, stage name…), sorted by key when hashed.
    public var details: [String: String]
    public var previousHash: String
    public var hash: String

    public static let genesisHash = String(repeating: "0", count: 64)

    /// Builds the next event of a chain and computes its hash.
    public init(caseId: String, sequence: Int, action: CaseAction, fromStatus: CaseStatus?, toStatus: CaseStatus,
                actorId: String, actorRole: ActorRole, orgId: String?, pointId: String?, at: Date,
                comment: String?, attachments: [String] = [], details: [String: String] = [:], previousHash: String) {
        self.caseId = caseId
        self.sequence = sequence
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.actorId = actorId
        self.actorRole = actorRole
        self.orgId = orgId
        self.pointId = pointId
        self.atMillis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        self.comment = comment
        self.attachments = attachments
        self.details = details
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computeHash()
    }

    /// An event exactly as it was stored, hash included and not recomputed, so verification sees any tampering.
    public init(stored caseId: String, sequence: Int, action: CaseAction, fromStatus: CaseStatus?, toStatus: CaseStatus,
                actorId: String, actorRole: ActorRole, orgId: String?, pointId: String?, atMillis: Int64, comment: String?,
                attachments: [String], details: [String: String], previousHash: String, hash: String) {
        self.caseId = caseId
        self.sequence = sequence
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.actorId = actorId
        self.actorRole = actorRole
        self.orgId = orgId
        self.pointId = pointId
        self.atMillis = atMillis
        self.comment = comment
        self.attachments = attachments
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMillis) / 1000) }

    /// The canonical byte form that is hashed: every field, length-prefixed, in a fixed order.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = Array("jiujin-case-event-v1".utf8)
        func put(_ s: String?) {
            guard let s else { out.append(contentsOf: Array("-1:".utf8)); return }
            let b = Array(s.utf8)
            out.append(contentsOf: Array("\(b.count):".utf8))
            out.append(contentsOf: b)
        }
        put(caseId)
        put(String(sequence))
        put(action.rawValue)
        put(fromStatus?.rawValue)
        put(toStatus.rawValue)
        put(actorId)
        put(actorRole.rawValue)
        put(orgId)
        put(pointId)
        put(String(atMillis))
        put(comment)
        put(String(attachments.count))
        attachments.forEach { put($0) }
        let keys = details.keys.sorted()
        put(String(keys.count))
        for k in keys { put(k); put(details[k]) }
        put(previousHash)
        return out
    }

    public func computeHash() -> String {
        Hex.encode(SHA256.hash(data: canonicalBytes))
    }
}

/// The verdict on a case's chain of events.
public enum ChainVerdict: Equatable, Sendable {
    case intact(count: Int)
    case broken(sequence: Int, reason: String)
}

public enum EventChain {
    /// Checks hashes, links and numbering of one case's events, oldest first.
    public static func verify(_ events: [CaseEvent]) -> ChainVerdict {
        var previous = CaseEvent.genesisHash
        for (i, e) in events.enumerated() {
            if e.sequence != i + 1 { return .broken(sequence: e.sequence, reason: "序号不连续（应为 \(i + 1)）") }
            if e.previousHash != previous { return .broken(sequence: e.sequence, reason: "与前一事件的哈希不衔接") }
            if e.computeHash() != e.hash { return .broken(sequence: e.sequence, reason: "事件内容与哈希不符（被篡改）") }
            previous = e.hash
        }
        return .intact(count: events.count)
    }
}
