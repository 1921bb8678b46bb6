import Crypto
import Fluent
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SQLKit
import JiujinCore
import Vapor

/// Each numbered seal's Ed25519 signing keys (电子印章密钥). Private keys are
/// stored sealed with the master key from configuration (AES-GCM); rotation
/// retires the current key but keeps its public half for verification.
struct SealKeys {
    let db: Database
    let master: SymmetricKey
    let door: WriteDoor
    let now: Date

    /// A public key as verification needs it.
    struct PublishedKey: Sendable {
        var key: [UInt8]
        var retiredOn: LocalDate?
    }

    struct Signer: Sendable {
        var kid: String
        var key: Curve25519.Signing.PrivateKey
    }

    func signer(forSealNumber number: String) async throws -> Signer {
        guard let seal = try await SealModel.query(on: db).filter(\.$number == number).first() else {
            throw APIError(.unprocessableEntity, "no_seal", "印章「\(TextLimit.echo(number))」不存在")
        }
        // A retired seal signs nothing, and never gets a new key.
        guard seal.active else { throw APIError(.conflict, "seal_retired", "印章「\(TextLimit.echo(number))」已停用") }
        if let row = try await SealKeyModel.query(on: db).filter(\.$sealId == seal.id!).filter(\.$retiredAt == nil).first() {
            return Signer(kid: row.id!, key: try open(row))
        }
        let sealId = seal.id ?? ""
        return try await door.write(db) { tx in try await create(for: sealId, on: tx) }
    }

    /// Retires the seal's current key and makes a new one; recorded with who did it.
    func rotate(sealId: String, by staff: Staff, reason: String?) async throws -> Signer {
        try await door.write(db) { tx in
            try await Self.retireAll(sealId: sealId, at: now, on: tx)
            let signer = try await create(for: sealId, on: tx)
            try await AdminChangeModel(.key, signer.kid, action: "rotated", by: staff, reason: reason ?? "seal \(sealId)", at: now).create(on: tx)
            return signer
        }
    }

    private func create(for sealId: String, on db: Database) async throws -> Signer {
        let key = Curve25519.Signing.PrivateKey()
        let row = SealKeyModel()
        var kidBytes = [UInt8](repeating: 0, count: 6)
        for i in kidBytes.indices { kidBytes[i] = UInt8.random(in: 0...255) }
        row.id = "k" + Hex.encode(kidBytes)
        row.sealId = sealId
        row.publicKey = Base64URL.encode(Array(key.publicKey.rawRepresentation))
        let box = try AES.GCM.seal(key.rawRepresentation, using: master, authenticating: Data(row.id!.utf8))
        row.privateKeySealed = box.combined!.base64EncodedString()
        row.createdAt = now
        try await row.create(on: db)
        return Signer(kid: row.id!, key: key)
    }

    private func open(_ row: SealKeyModel) throws -> Curve25519.Signing.PrivateKey {
        guard let combined = Data(base64Encoded: row.privateKeySealed) else { throw Abort(.internalServerError, reason: "sealed key unreadable") }
        let raw = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: master, authenticating: Data(row.id!.utf8))
        return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// The public half of one key, current or retired: one primary-key read (a verification needs only the key its
    /// payload names, never the whole table).
    func publicKey(kid: String) async throws -> PublishedKey? {
        guard kid.count <= 40,
              let row = try await sqlDatabase(db).raw("SELECT public_key, retired_at FROM seal_keys WHERE id = \(bind: kid)").first(),
              let key = Base64URL.decode(try row.decode(column: "public_key", as: String.self)) else { return nil }
        return PublishedKey(key: key, retiredOn: try row.decode(column: "retired_at", as: Date?.self).map { LocalDate($0, in: .china) })
    }

    /// Retires every active key of a seal (the seal itself is being retired), inside the caller's write.
    static func retireAll(sealId: String, at now: Date, on tx: Database) async throws {
        try await SealKeyModel.query(on: tx).filter(\.$sealId == sealId).filter(\.$retiredAt == nil).set(\.$retiredAt, to: now).update()
        try await DirectoryVersion.bump(on: tx)
    }

    /// The master key: JIUJIN_SEAL_KEY, else `seal-master.key` in the data directory (SQLite only), made once.
    /// An existing key file is never replaced: one that cannot be read stops jiujin, since every sealed signing
    /// key, every licence-library holder hash and the audit chain's key depend on it. Surrounding whitespace
    /// (an editor's trailing newline) is ignored. On PostgreSQL several processes must share one key, so
    /// JIUJIN_SEAL_KEY is required there.
    static func masterKey(options: ServerOptions, logger: Logger) throws -> SymmetricKey {
        if let raw = options.sealKey {
            return try parse(Data(raw.utf8), source: "JIUJIN_SEAL_KEY")
        }
        let directory: String
        switch options.storage {
        case .sqliteMemory: return SymmetricKey(size: .bits256)
        case .sqliteFile(let dir): directory = dir
        case .postgres:
            throw ConfigurationError("JIUJIN_SEAL_KEY is required with PostgreSQL: every jiujin process must use the same master key "
                             + "(32 random bytes in base64, e.g. `openssl rand -base64 32`)")
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("seal-master.key").path
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read the seal master key file \(path); fix its permissions or restore it from the key backup")
            }
            return try parse(data, source: path)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedData() + Data("\n".utf8)
        // O_EXCL: if another process made the file meanwhile, this fails instead of replacing its key.
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot create the seal master key file \(path) (errno \(errno)); set JIUJIN_SEAL_KEY") }
        let written = encoded.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == encoded.count, synced else {
            throw ConfigurationError("cannot write the seal master key file \(path); remove the partial file and set JIUJIN_SEAL_KEY")
        }
        logger.warning("generated a seal master key file; back it up apart from the database, or set JIUJIN_SEAL_KEY",
                       metadata: ["path": .string(path)])
        return key
    }

    /// 32 bytes in base64, with surrounding whitespace ignored.
    static func parse(_ data: Data, source: String) throws -> SymmetricKey {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw ConfigurationError("\(source) is not a master key (32 bytes in base64); jiujin will not start with another key")
        }
        return SymmetricKey(data: decoded)
    }
}
