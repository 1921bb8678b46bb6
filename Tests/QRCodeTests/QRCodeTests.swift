import Foundation
import Testing
@testable import QRCode

/// Decodes what the encoder draws with zbarimg (Debian's zbar-tools), an
/// independent decoder. Without zbarimg the decoding tests are skipped unless
/// JIUJIN_REQUIRE_ZBAR=1 (CI sets it), which turns its absence into a failure.
@Suite struct QRCodeTests {
    static let zbarimg: String? = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let requireZbar = ProcessInfo.processInfo.environment["JIUJIN_REQUIRE_ZBAR"] == "1"

    /// Writes each code as a PGM and decodes them all in one zbarimg run; returns the payloads in order.
    func decode(_ codes: [QRCode]) throws -> [[UInt8]]? {
        guard let zbar = Self.zbarimg else {
            if Self.requireZbar { Issue.record("zbarimg is not installed (apt-get install zbar-tools)") }
            return nil
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (i, code) in codes.enumerated() {
            let url = dir.appendingPathComponent(String(format: "%04d.pgm", i))
            try Data(code.pgm(scale: 3, border: 4)).write(to: url)
            paths.append(url.path)
        }
        var results: [[UInt8]] = []
        // zbarimg prints one symbol per file; -Sbinary keeps bytes as they are, --raw drops the "QR-Code:" prefix.
        // One process per file keeps the output aligned with the inputs even when a file fails to decode.
        for path in paths {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: zbar)
            p.arguments = ["--quiet", "--raw", "-Sbinary", "-Sdisable", "-Sqrcode.enable", path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = Pipe()
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            var bytes = [UInt8](data)
            if bytes.last == 0x0A { bytes.removeLast() } // zbarimg ends each symbol with a newline
            results.append(p.terminationStatus == 0 ? bytes : [])
        }
        return results
    }

    @Test func twoHundredCodesAcrossLevelsAndLengthsDecodeToTheirInput() throws {
        var rng = SystemRandomNumberGenerator()
        var payloads: [[UInt8]] = []
        var codes: [QRCode] = []
        let lengths = [0, 1, 2, 7, 14, 17, 18, 31, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718]
        for level in QRCode.ErrorCorrection.allCases {
            for (n, length) in lengths.enumerated() {
                for variant in 0..<2 {
                    var bytes: [UInt8]
                    switch (n + variant) % 3 {
                    case 0: bytes = Array(String(repeating: "就近办营业执照", count: length / 21 + 1).utf8.prefix(length))
                    case 1: bytes = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
                    default: bytes = Array("https://jiujin.example/v/ABCDEFGH?p=".utf8 + (0..<length).map { _ in UInt8(ascii: "A") + UInt8(Int.random(in: 0..<26, using: &rng)) }).prefix(length).map { $0 }
                    }
                    payloads.append(bytes)
                    codes.append(try QRCode.encode(bytes, level: level))
                }
            }
        }
        #expect(codes.count == 200)
        #expect(Set(codes.map(\.version)).count >= 15)
        #expect(Set(codes.map(\.mask)).count >= 6)
        guard let decoded = try decode(codes) else { return }
        for (i, d) in decoded.enumerated() {
            #expect(d == payloads[i], "code \(i): version \(codes[i].version) level \(codes[i].level) mask \(codes[i].mask) length \(payloads[i].count)")
        }
    }

    @Test func everyMaskDecodes() throws {
        let text = Array("青禾县居住证明 https://jiujin.example/v/Q7K2".utf8)
        let codes = try (0..<8).map { try QRCode.encode(text, level: .quartile, mask: $0) }
        guard let decoded = try decode(codes) else { return }
        #expect(decoded.allSatisfy { $0 == text })
    }

    @Test func largeVersionsDecode() throws {
        let big = try QRCode.encode(Array(repeating: UInt8(ascii: "7"), count: 2000), level: .low)
        #expect(big.version == 33)
        let full = try QRCode.encode(Array(repeating: UInt8(ascii: "x"), count: 2953), level: .low)
        #expect(full.version == 40)
        guard let decoded = try decode([big, full]) else { return }
        #expect(decoded[0].count == 2000 && decoded[1].count == 2953)
    }

    @Test func capacityLimitsAndStructure() throws {
        #expect(throws: QRCode.EncodingError.dataTooLong(bytes: 2954, level: .low)) {
            try QRCode.encode(Array(repeating: 0, count: 2954), level: .low)
        }
        #expect(try QRCode.encode(Array(repeating: 0, count: 17), level: .low).version == 1)
        #expect(try QRCode.encode(Array(repeating: 0, count: 18), level: .low).version == 2)
        #expect(try QRCode.encode(Array(repeating: 0, count: 7), level: .high).version == 1)
        let code = try QRCode.encode("jiujin", level: .medium)
        #expect(code.size == 21)
        // Finder pattern corners and the dark module are always dark.
        #expect(code[0, 0] && code[20, 0] && code[0, 20] && code[8, 13])
        #expect(!code[7, 0] && !code[0, 7])
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 29 29\""))
        #expect(QRCode.rawDataModules(version: 1) == 208 && QRCode.rawDataModules(version: 40) == 29648)
    }

    @Test func reedSolomonMatchesAKnownVector() {
        // "HELLO WORLD" at 1-M (ISO/IEC 18004 Annex I): data codewords and their 10 error-correction codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }
}
