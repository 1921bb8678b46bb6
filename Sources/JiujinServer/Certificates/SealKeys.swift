import Crypto
import Fluent
import Foundation
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

    struct Signer: Sendable {
        var kid: String
        var key: Curve25519.Signing.PrivateKey
    }

    func signer(forSealNumber number: String) async throws -> Signer {
        guard let seal = try await SealModel.query(on: db).filter(\.$number == number).first() else {
            throw APIError(.unprocessableEntity, "no_seal", "印章「\(TextLimit.echo(number))」不存在")
        }
        if let row = try await SealKeyModel.query(on: db).filter(\.$sealId == seal.id!).filter(\.$retiredAt == nil).first() {
            return Signer(kid: row.id!, key: try open(row))
        }
        let sealId = seal.id ?? ""
        return try await door.write(db) { tx in try await create(for: sealId, on: tx) }
    }

    /// Retires the seal's current key and makes a new one.
    func rotate(sealId: String) async throws -> Signer {
        try await door.write(db) { tx in
            for row in try await SealKeyModel.query(on: tx).filter(\.$sealId == sealId).filter(\.$retiredAt == nil).all() {
                row.retiredAt = now
                try await row.save(on: tx)
            }
            return try await create(for: sealId, on: tx)
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
    func publicKey(kid: String) async throws -> [UInt8]? {
        guard kid.count <= 40 else { return nil }
        return try await sqlDatabase(db).raw("SELECT public_key FROM seal_keys WHERE id = \(bind: kid)").first()
            .flatMap { Base64URL.decode(try $0.decode(column: "public_key", as: String.self)) }
    }

    /// The master key: JIUJIN_SEAL_KEY (base64, 32 bytes), else a key file kept in the data directory.
    static func masterKey(options: ServerOptions, logger: Logger) throws -> SymmetricKey {
        if let raw = options.sealKey {
            guard let data = Data(base64Encoded: raw), data.count == 32 else {
                throw Abort(.internalServerError, reason: "JIUJIN_SEAL_KEY must be 32 bytes in base64")
            }
            return SymmetricKey(data: data)
        }
        let directory: String
        switch options.storage {
        case .sqliteMemory: return SymmetricKey(size: .bits256)
        case .sqliteFile(let dir): directory = dir
        case .postgres: directory = options.dataDirectory
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("seal-master.key")
        if let data = try? Data(contentsOf: url), let decoded = Data(base64Encoded: data), decoded.count == 32 {
            return SymmetricKey(data: decoded)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedData()
        // A key that could not be kept would make every sealed signing key unreadable after a restart: refuse to start.
        guard FileManager.default.createFile(atPath: url.path, contents: encoded, attributes: [.posixPermissions: 0o600]) else {
            throw Abort(.internalServerError, reason: "cannot write the seal master key file \(url.path); set JIUJIN_SEAL_KEY")
        }
        logger.warning("generated a seal master key file; set JIUJIN_SEAL_KEY in production and keep it safe",
                       metadata: ["path": .string(url.path)])
        return key
    }
}
