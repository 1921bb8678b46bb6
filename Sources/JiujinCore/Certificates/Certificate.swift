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
    case malformed
}

/// Verifies a token with published public keys only (离线验证): no database, no network.
public enum OfflineVerifier {
    public static func verify(_ token: CertificateToken, publicKeys: [String: [UInt8]], today: LocalDate) -> OfflineVerdict {
        guard let payload = try? JSONDecoder().decode(CertificatePayload.self, from: Data(token.payload)), payload.id == token.id else {
            // Without a readable payload there is no key id; still refuse to call it authentic.
            return .malformed
        }
        guard let key = publicKeys[payload.kid] else { return .unknownKey(payload.kid) }
        guard CertificateSignature.isValid(token.signature, for: token.payload, publicKey: key) else { return .badSignature }
        if let until = payload.validUntil, today > until { return .expired(payload) }
        return .authentic(payload)
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
