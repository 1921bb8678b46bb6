import Crypto
import Foundation

/// The keyed seal on a case's history (审计锚定). The SHA-256 chain of `CaseEvent` shows any edit to someone who
/// trusts the database; these add what an editor with database access cannot recompute: an HMAC per event under
/// a key held outside the database, over the event's hash and a digest of the case's key fields (applicant,
/// item, deciding organisation, seal), so neither an event nor the case row can be rewritten quietly.
public enum AuditSeal {
    /// The case's key fields as they stand after an event, length-prefixed in a fixed order.
    public static func caseDigest(_ c: Case) -> String {
        var out: [UInt8] = Array("jiujin-case-key-fields-v1".utf8)
        for s in [c.id.uuidString.lowercased(), c.number, c.itemCode, c.applicant.kind.rawValue, c.applicant.name,
                  c.applicant.idNumber ?? "", c.applicant.creditCode ?? "", c.decidingOrgId ?? "", c.sealNumber ?? ""] {
            let b = Array(s.utf8)
            out.append(contentsOf: Array("\(b.count):".utf8))
            out.append(contentsOf: b)
        }
        return Hex.encode(SHA256.hash(data: out))
    }

    public static func mac(eventHash: String, caseDigest: String, key: SymmetricKey) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data("\(eventHash):\(caseDigest)".utf8), using: key))
    }

    /// Compares in time independent of where the texts differ.
    public static func isValid(_ mac: String, eventHash: String, caseDigest: String, key: SymmetricKey) -> Bool {
        PrintedCode.same(mac, Self.mac(eventHash: eventHash, caseDigest: caseDigest, key: key))
    }
}

/// Where one case's chain stood at a checkpoint: its number of events and the hash of the last.
public struct ChainHead: Codable, Hashable, Sendable {
    public var caseId: String
    public var count: Int
    public var hash: String

    public init(caseId: String, count: Int, hash: String) {
        self.caseId = caseId
        self.count = count
        self.hash = hash
    }
}

/// A Merkle tree over every case's chain head (RFC 6962 style: leaves and nodes hashed with distinct prefixes,
/// an odd node carried up), so one signed root stands for the whole county's history at a moment.
public enum MerkleTree {
    public static func root(_ heads: [ChainHead]) -> String {
        var level: [[UInt8]] = heads.sorted { $0.caseId < $1.caseId }.map { h in
            Array(SHA256.hash(data: [0] + Array("\(h.caseId):\(h.count):\(h.hash)".utf8)))
        }
        guard !level.isEmpty else { return Hex.encode(SHA256.hash(data: [UInt8]())) }
        while level.count > 1 {
            var next: [[UInt8]] = []
            next.reserveCapacity((level.count + 1) / 2)
            for i in stride(from: 0, to: level.count, by: 2) {
                next.append(i + 1 < level.count ? Array(SHA256.hash(data: [1] + level[i] + level[i + 1])) : level[i])
            }
            level = next
        }
        return Hex.encode(level[0])
    }
}

/// A signed checkpoint (审计锚点): at `atMillis`, `cases` chains whose Merkle root is `root`. It records the heads
/// that changed since the previous checkpoint (`changed`) and that checkpoint's digest (`previous`), so the files
/// form a chain of their own and the whole state can be replayed from them. Signed with the county's checkpoint
/// key (Ed25519); kept outside the database (files, the log), which therefore cannot rewrite it.
public struct AuditCheckpoint: Codable, Hashable, Sendable {
    public var version: Int
    public var atMillis: Int64
    public var cases: Int
    public var root: String
    public var previous: String
    public var changed: [ChainHead]
    public var kid: String
    public var signature: String

    public init(atMillis: Int64, cases: Int, root: String, previous: String, changed: [ChainHead], kid: String) {
        version = 1
        self.atMillis = atMillis
        self.cases = cases
        self.root = root
        self.previous = previous
        self.changed = changed
        self.kid = kid
        signature = ""
    }

    /// Every field but the signature, in a fixed order.
    public var signedBytes: [UInt8] {
        var text = "jiujin-audit-checkpoint-v\(version)\n\(atMillis)\n\(cases)\n\(root)\n\(previous)\n\(kid)\n"
        for h in changed { text += "\(h.caseId) \(h.count) \(h.hash)\n" }
        return Array(text.utf8)
    }

    /// What the next checkpoint names as `previous`.
    public var digest: String { Hex.encode(SHA256.hash(data: signedBytes + Array(signature.utf8))) }

    public static let genesis = String(repeating: "0", count: 64)
}
