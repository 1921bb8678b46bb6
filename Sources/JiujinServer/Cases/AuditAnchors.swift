import Crypto
import Fluent
import Foundation
import JiujinCore
import Logging
import SQLKit
import Vapor

/// The keys of the audit anchoring, derived from the master key (HKDF-SHA256 with distinct labels), so they are
/// never in the database: the HMAC key that seals every case event, and the Ed25519 key that signs checkpoints.
struct AuditKeys: Sendable {
    let chainKey: SymmetricKey
    let checkpointKey: Curve25519.Signing.PrivateKey

    init(master: SymmetricKey) {
        chainKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("jiujin audit chain v1".utf8), outputByteCount: 32)
        let seed = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("jiujin audit checkpoint v1".utf8), outputByteCount: 32)
        checkpointKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed.withUnsafeBytes { Data($0) })
    }

    /// The checkpoint key's id: the first 12 hex digits of its public key's SHA-256.
    var kid: String { String(Hex.encode(SHA256.hash(data: checkpointKey.publicKey.rawRepresentation)).prefix(12)) }
}

/// Daily signed checkpoints of every case's chain head (审计锚点), written as files outside the database
/// (JIUJIN_AUDIT_DIR, default `<data dir>/audit-checkpoints`) and to the log. Each file carries the heads that
/// moved since the one before and that one's digest; `verify` replays them and checks the database against them,
/// naming the first case whose history no longer matches.
struct AuditCheckpoints {
    let directory: String
    let keys: AuditKeys

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The checkpoint files, oldest first.
    func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
    }

    /// Reads, checks and replays every checkpoint: the heads they vouch for, the last one, and how many there were.
    func replay() throws -> (state: [String: ChainHead], last: AuditCheckpoint?, count: Int) {
        var state: [String: ChainHead] = [:]
        var last: AuditCheckpoint?
        var count = 0
        for path in files() {
            let name = (path as NSString).lastPathComponent
            guard let data = FileManager.default.contents(atPath: path),
                  let cp = try? JSONDecoder().decode(AuditCheckpoint.self, from: data) else {
                throw Problem(description: "审计锚点 \(name) 无法读取")
            }
            guard let signature = Data(base64Encoded: cp.signature),
                  keys.checkpointKey.publicKey.isValidSignature(signature, for: Data(cp.signedBytes)) else {
                throw Problem(description: "审计锚点 \(name) 的签名无效（被篡改或非本县密钥签发）")
            }
            guard cp.previous == (last?.digest ?? AuditCheckpoint.genesis) else {
                throw Problem(description: "审计锚点 \(name) 与前一锚点不衔接（锚点被删除或替换）")
            }
            for h in cp.changed { state[h.caseId] = h }
            guard state.count == cp.cases, MerkleTree.root(Array(state.values)) == cp.root else {
                throw Problem(description: "审计锚点 \(name) 的根哈希与其记录的链头不符")
            }
            last = cp
            count += 1
        }
        return (state, last, count)
    }

    /// Writes a checkpoint of every case's chain head now. The file is written to a temporary name, synced and
    /// renamed, so a crash leaves either the whole file or none.
    @discardableResult
    /// `onlyIfDue`: leave it at the newest checkpoint when that one is from today (the daily job of every process).
    func write(_ db: Database, now: Date, logger: Logger, onlyIfDue: Bool = false) async throws -> AuditCheckpoint {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Processes sharing the directory write one at a time, or two files would name the same predecessor.
        let fd = open(directory + "/.lock", O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw Problem(description: "cannot open \(directory)/.lock") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw Problem(description: "cannot lock \(directory)/.lock") }
        defer { flock(fd, LOCK_UN) }
        let (state, last, _) = try replay()
        if onlyIfDue, let last, !(try isDue(now: now)) { return last }
        var heads: [ChainHead] = []
        for row in try await sqlDatabase(db).raw("SELECT id, event_count, last_hash FROM cases").all() {
            heads.append(ChainHead(caseId: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                                   count: try row.decode(column: "event_count", as: Int.self),
                                   hash: try row.decode(column: "last_hash", as: String.self)))
        }
        let changed = heads.filter { state[$0.caseId] != $0 }.sorted { $0.caseId < $1.caseId }
        var cp = AuditCheckpoint(atMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()), cases: heads.count,
                                 root: MerkleTree.root(heads), previous: last?.digest ?? AuditCheckpoint.genesis, changed: changed, kid: keys.kid)
        cp.signature = try keys.checkpointKey.signature(for: Data(cp.signedBytes)).base64EncodedString()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(cp)
        let name = String(format: "checkpoint-%015lld.json", cp.atMillis)
        let path = directory + "/" + name
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw Problem(description: "cannot write \(temporary)")
        }
        try handle.synchronize()
        try handle.close()
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        logger.notice("audit checkpoint", metadata: ["file": .string(name), "cases": "\(cp.cases)", "root": .string(cp.root),
                                                     "changed": "\(changed.count)", "kid": .string(cp.kid)])
        return cp
    }

    /// Whether the newest checkpoint is from an earlier day (China time) than `now`, or there is none.
    func isDue(now: Date) throws -> Bool {
        guard let newest = files().last, let data = FileManager.default.contents(atPath: newest),
              let cp = try? JSONDecoder().decode(AuditCheckpoint.self, from: data) else { return true }
        let then = Date(timeIntervalSince1970: Double(cp.atMillis) / 1000)
        return LocalDate(then, in: .china) < LocalDate(now, in: .china)
    }

    /// Checks the database against the replayed checkpoints: every head they vouch for must still be in its case's
    /// chain. Nil when all hold; otherwise the first case (by id) that disagrees.
    func verify(_ db: Database) async throws -> (checkpoints: Int, problem: String?) {
        let (state, _, count) = try replay()
        let sql = try sqlDatabase(db)
        let heads = state.values.filter { $0.count > 0 }.sorted { $0.caseId < $1.caseId }
        for start in stride(from: 0, to: heads.count, by: 500) {
            let batch = Array(heads[start..<min(start + 500, heads.count)])
            let ids = batch.compactMap { UUID(uuidString: $0.caseId) }
            var found: [String: (number: String, hashes: [Int: String])] = [:]
            for row in try await sql.raw("SELECT id, number FROM cases WHERE id IN (\(binds: ids))").all() {
                found[try row.decode(column: "id", as: UUID.self).uuidString.lowercased()] = (try row.decode(column: "number", as: String.self), [:])
            }
            for row in try await sql.raw("SELECT case_id, sequence, hash FROM case_events WHERE case_id IN (\(binds: ids))").all() {
                let id = try row.decode(column: "case_id", as: UUID.self).uuidString.lowercased()
                found[id]?.hashes[try row.decode(column: "sequence", as: Int.self)] = try row.decode(column: "hash", as: String.self)
            }
            for head in batch {
                guard let c = found[head.caseId] else {
                    return (count, "办件（id \(head.caseId)）在审计锚点之后被删除")
                }
                guard c.hashes[head.count] == head.hash else {
                    return (count, "办件 \(c.number) 与审计锚点不符：第 \(head.count) 条事件已被改写或删除")
                }
            }
        }
        return (count, nil)
    }
}

extension AuditCheckpoint {
    /// Writes a checkpoint now to the application's audit directory (`jiujin checkpoint`).
    public static func write(_ app: Application) async throws -> AuditCheckpoint {
        try await AuditCheckpoints(directory: app.jiujin.options.auditDirectory, keys: app.jiujin.audit)
            .write(app.db, now: app.jiujin.now(), logger: app.logger)
    }
}
