import Crypto
import Foundation
import Testing
@testable import JiujinCore

@Suite struct CertificateTests {
    func payload(kid: String) -> CertificatePayload {
        CertificatePayload(id: "JJTEST12345", type: "居住证明", holder: "张*", holderId: "440***********0014",
                           fields: ["居住地": "青禾县 / 青石镇 / 王官庄村", "事项": "居民居住证明"], org: "王官庄村便民服务站",
                           seal: "CW-100201", kid: kid, issued: LocalDate("2026-11-20")!, validUntil: LocalDate("2027-05-19")!)
    }

    @Test func signedPayloadsVerifyAndAnyChangedByteFails() throws {
        let key = Curve25519.Signing.PrivateKey()
        let bytes = payload(kid: "k1").canonicalJSON()
        let json = String(decoding: bytes, as: UTF8.self)
        #expect(json.hasPrefix("{\"fields\":{") && !json.contains(" \""))
        let sig = try CertificateSignature.sign(bytes, with: key)
        let keys = ["k1": Array(key.publicKey.rawRepresentation)]
        let token = CertificateToken(id: "JJTEST12345", payload: bytes, signature: sig)
        let today = LocalDate("2026-11-21")!
        #expect(OfflineVerifier.verify(token, publicKeys: keys, today: today) == .authentic(payload(kid: "k1")))
        for i in stride(from: 0, to: bytes.count, by: 7) {
            var changed = bytes
            changed[i] ^= 0x01
            let verdict = OfflineVerifier.verify(CertificateToken(id: token.id, payload: changed, signature: sig), publicKeys: keys, today: today)
            let accepted: Bool
            switch verdict {
            case .authentic, .expired: accepted = true
            case .badSignature, .unknownKey, .malformed, .keyRetired: accepted = false
            }
            #expect(!accepted, "byte \(i) changed: \(verdict)")
        }
        var badSig = sig
        badSig[0] ^= 0x80
        #expect(OfflineVerifier.verify(CertificateToken(id: token.id, payload: bytes, signature: badSig), publicKeys: keys, today: today) == .badSignature)
        #expect(OfflineVerifier.verify(token, publicKeys: [:], today: today) == .unknownKey("k1"))
        #expect(OfflineVerifier.verify(token, publicKeys: keys, today: LocalDate("2027-05-20")!) == .expired(payload(kid: "k1")))
    }

    @Test func aRotatedOutKeyStillVerifiesWithItsPublishedHalf() throws {
        let old = Curve25519.Signing.PrivateKey(), new = Curve25519.Signing.PrivateKey()
        let oldBytes = payload(kid: "old").canonicalJSON()
        let oldToken = CertificateToken(id: "JJTEST12345", payload: oldBytes, signature: try CertificateSignature.sign(oldBytes, with: old))
        let published = ["old": Array(old.publicKey.rawRepresentation), "new": Array(new.publicKey.rawRepresentation)]
        #expect(OfflineVerifier.verify(oldToken, publicKeys: published, today: LocalDate("2026-12-01")!) == .authentic(payload(kid: "old")))
        // Claiming the new key id for an old signature fails.
        let claimed = payload(kid: "new").canonicalJSON()
        let forged = CertificateToken(id: "JJTEST12345", payload: claimed, signature: oldToken.signature)
        #expect(OfflineVerifier.verify(forged, publicKeys: published, today: LocalDate("2026-12-01")!) == .badSignature)
    }

    @Test func aCertificateIssuedAfterItsKeyRetiredIsRefusedOffline() throws {
        let key = Curve25519.Signing.PrivateKey()
        let bytes = payload(kid: "old").canonicalJSON() // issued 2026-11-20
        let token = CertificateToken(id: "JJTEST12345", payload: bytes, signature: try CertificateSignature.sign(bytes, with: key))
        let published = ["old": Array(key.publicKey.rawRepresentation)]
        let today = LocalDate("2026-12-01")!
        // Retired the same day or later: what it signed before still holds.
        #expect(OfflineVerifier.verify(token, publicKeys: published, retiredOn: ["old": LocalDate("2026-11-20")!], today: today)
                == .authentic(payload(kid: "old")))
        // Retired the day before: a stolen key cannot sign a "new" certificate.
        #expect(OfflineVerifier.verify(token, publicKeys: published, retiredOn: ["old": LocalDate("2026-11-19")!], today: today)
                == .keyRetired(LocalDate("2026-11-19")!))
    }

    @Test func tokensRoundTripThroughTheURL() throws {
        let key = Curve25519.Signing.PrivateKey()
        let bytes = payload(kid: "k1").canonicalJSON()
        let token = CertificateToken(id: "JJTEST12345", payload: bytes, signature: try CertificateSignature.sign(bytes, with: key))
        let url = token.url(base: "http://127.0.0.1:8080")
        #expect(url.hasPrefix("http://127.0.0.1:8080/v/JJTEST12345?p="))
        #expect(CertificateToken.parse(url) == token)
        #expect(CertificateToken.parse("  " + url + "\n") == token)
        #expect(CertificateToken.parse(String(url.split(separator: "?")[1])) == token)
        #expect(CertificateToken.parse("https://example.com/") == nil)
        #expect(CertificateToken.parse(url.replacingOccurrences(of: "&s=", with: "&s=AA")) == nil)
        #expect(Base64URL.decode("a+b") == nil)
        #expect(Base64URL.decode(Base64URL.encode([0, 255, 62, 63])) == [0, 255, 62, 63])
    }

    @Test func base64URLAgreesWithFoundationAndRefusesWhatIsNotCanonical() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
        }
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("A") == nil)        // no length leaves one character over
        #expect(Base64URL.decode("AB==") == nil)     // no padding
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil)       // leftover bits set: not what the encoder writes
        #expect(Base64URL.decode("中文") == nil)
    }
}
