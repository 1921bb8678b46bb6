import Crypto
import Foundation

/// What an electronic certificate (电子证照/电子证明) says, as signed. It is
/// encoded as canonical JSON — UTF-8, object keys sorted by their bytes, no
/// insignificant whitespace — and the seal's Ed25519 key signs those exact
/// bytes. Verifiers check the bytes they were given, never a re-encoding.
public struct CertificatePayload: Codable, Hashable, Sendable {
    /// Format version.
    public var v: Int
    public var id: String
    public var type: String
    /// Holder's name, masked.
    public var holder: String
    /// Holder's ID number or credit code, masked.
    public var holderId: String
    public var fields: [String: String]
    /// Issuing organisation's name.
    public var org: String
    public var seal: String
    /// Key id of the seal key that signed.
    public var kid: String
    public var issued: LocalDate
    public var validUntil: LocalDate?

    public init(id: String, type: String, holder: String, holderId: String, fields: [String: String], org: String, seal: String,
                kid: String, issued: LocalDate, validUntil: LocalDate?) {
        v = 1
        self.id = id
        self.type = type
        self.holder = holder
        self.holderId = holderId
        self.fields = fields
        self.org = org
        self.seal = seal
        self.kid = kid
        self.issued = issued
        self.validUntil = validUntil
    }

    public func canonicalJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}

/// Signing and checking certificate payloads with a seal's Ed25519 key.
public enum CertificateSignature {
    public static func sign(_ payload: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        Array(try key.signature(for: Data(payload)))
    }

    public static func isValid(_ signature: [UInt8], for payload: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: Data(publicKey)) else { return false }
        return key.isValidSignature(Data(signature), for: Data(payload))
    }
}

/// The text inside a certificate's QR code: a verification URL that also
/// carries the signed payload and signature, so it opens the online check
/// and verifies offline with the public key alone:
/// `<base>/v/<id>?p=<base64url payload>&s=<base64url signature>`.
public struct CertificateToken: Hashable, Sendable {
    public var id: String
    public var payload: [UInt8]
    public var signature: [UInt8]

    public init(id: String, payload: [UInt8], signature: [UInt8]) {
        self.id = id
        self.payload = payload
        self.signature = signature
    }

    public func url(base: String) -> String {
        "\(base)/v/\(id)?p=\(Base64URL.encode(payload))&s=\(Base64URL.encode(signature))"
    }

    /// The token of the `p` and `s` query values for a known id; nil when they are not base64url or the signature has the wrong size.
    public static func fromParts(id: String, p: String, s: String) -> CertificateToken? {
        guard let payload = Base64URL.decode(p), let signature = Base64URL.decode(s), signature.count == 64, payload.count <= 4096 else {
            return nil
        }
        return CertificateToken(id: id, payload: payload, signature: signature)
    }

    /// Reads a token from a scanned URL (any host) or from the bare `p=…&s=…` part.
    public static func parse(_ text: String) -> CertificateToken? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var id: String?
        if let r = trimmed.range(of: "/v/") {
            id = String(trimmed[r.upperBound...].prefix { $0 != "?" && $0 != "#" && $0 != "/" })
        }
        let query = trimmed.split(separator: "?", maxSplits: 1).last.map(String.init) ?? trimmed
        var p: [UInt8]?, s: [UInt8]?
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "p" { p = Base64URL.decode(kv[1]) }
            if kv[0] == "s" { s = Base64URL.decode(kv[1]) }
        }
        guard let p, let s, s.count == 64, p.count <= 4096 else { return nil }
        let payloadId = (try? JSONDecoder().decode(CertificatePayload.self, from: Data(p)))?.id
        guard let resolved = id ?? payloadId, !resolved.isEmpty else { return nil }
        return CertificateToken(id: resolved, payload: p, signature: s)
    }
}

/// What an offline check of a token concludes.
public enum OfflineVerdict: Equatable, Sendable {
    case authentic(CertificatePayload)
    case expired(CertificatePayload)
    /// The signature does not match the payload: it was altered or forged.
    case badSignature
    /// No published key has this key id.
    case unknownKey(String)
    /// The certificate says it was issued after its key was retired: made with a retired (perhaps stolen) key.
    case keyRetired(LocalDate)
    case malformed
}

/// Verifies a token with published public keys only (离线验证): no database, no network.
public enum OfflineVerifier {
    /// `retiredOn`: the day each retired key was retired (the key list publishes it); a certificate issued after
    /// that day is refused even when its signature holds.
    public static func verify(_ token: CertificateToken, publicKeys: [String: [UInt8]], retiredOn: [String: LocalDate] = [:],
                              today: LocalDate) -> OfflineVerdict {
        guard let payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(token.payload)), payload.id == token.id else {
            // Without a readable payload there is no key id; still refuse to call it authentic.
            return .malformed
        }
        guard let key = publicKeys[payload.kid] else { return .unknownKey(payload.kid) }
        guard CertificateSignature.isValid(token.signature, for: token.payload, publicKey: key) else { return .badSignature }
        if let retired = retiredOn[payload.kid], payload.issued > retired { return .keyRetired(retired) }
        if let until = payload.validUntil, today > until { return .expired(payload) }
        return .authentic(payload)
    }
}

/// Base64URL text (RFC 4648 §5), as certificate tokens carry their parts.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Each byte's 6-bit value, 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes, or nil for text outside the URL-safe alphabet, padding, or an impossible length.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v != 0xFF else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        // Leftover bits of the last character must be zero (a canonical encoding).
        guard acc & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
