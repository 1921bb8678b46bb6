import Crypto
import Foundation
import JiujinCore

/// Personal data at rest (个人信息加密存储): resident ID numbers and full phone numbers are stored encrypted with
/// AES-GCM under a key derived from the master key, bound to their column, so a copied database file does not
/// hand over the county's residents. Lookups use a keyed hash (`lookupHash`), never the number itself.
/// Stored text looks like `pd1:<base64>`; text without the prefix (rows written before encryption) reads as is
/// until the migration that encrypts it has run.
struct FieldCipher: Sendable {
    private let key: SymmetricKey
    private let lookupKey: SymmetricKey
    static let prefix = "pd1:"

    init(master: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("jiujin personal data v1".utf8), outputByteCount: 32)
        lookupKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("jiujin personal data lookup v1".utf8), outputByteCount: 32)
    }

    struct Unreadable: Error, CustomStringConvertible {
        var column: String
        var description: String { "encrypted \(column) cannot be opened with this master key" }
    }

    func seal(_ plain: String?, column: String) throws -> String? {
        guard let plain else { return nil }
        let box = try AES.GCM.seal(Data(plain.utf8), using: key, authenticating: Data(column.utf8))
        guard let combined = box.combined else { throw Unreadable(column: column) }
        return Self.prefix + combined.base64EncodedString()
    }

    func open(_ stored: String?, column: String) throws -> String? {
        guard let stored else { return nil }
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Data(column.utf8)) else { throw Unreadable(column: column) }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The keyed hash that finds a record by an ID number or phone without storing it in the clear.
    func lookupHash(_ plain: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(plain.uppercased().utf8), using: lookupKey))
    }
}
