import Foundation
import Testing
@testable import JiujinCore

/// Small real files built by hand: a 1×1 PNG, a minimal JPEG frame, a minimal PDF.
enum SampleFiles {
    static func png(width: UInt32 = 1, height: UInt32 = 1) -> Data {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let ihdrBody: [UInt8] = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        let idatBody: [UInt8] = Array("IDAT".utf8) + [0x78, 0x9C, 0x63, 0xF8, 0xFF, 0xFF, 0x3F, 0x00, 0x05, 0xFE, 0x02, 0xFE]
        var out = FileInspection.pngSignature
        out += be(13) + ihdrBody + be(CRC32.checksum(ihdrBody))
        out += be(UInt32(idatBody.count - 4)) + idatBody + be(CRC32.checksum(idatBody))
        out += [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        return Data(out)
    }

    static func jpeg(width: UInt16 = 16, height: UInt16 = 8) -> Data {
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        out += [0xFF, 0xC0, 0x00, 0x0B, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x01, 0x01, 0x11, 0x00]
        out += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34]
        out += [0xFF, 0xD9]
        return Data(out)
    }

    static let pdf = Data("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".utf8)
}

@Suite struct FileInspectionTests {
    @Test func realFilesAreKnownByTheirContent() throws {
        #expect(try FileInspection.inspect(SampleFiles.png(), name: "page1.PNG").get() == .png)
        #expect(try FileInspection.inspect(SampleFiles.jpeg(), name: "image").get() == .jpeg)
        #expect(try FileInspection.inspect(SampleFiles.pdf, name: "申请书.pdf").get() == .pdf)
    }

    @Test func emptyTruncatedDisguisedAndOversizedFilesAreRefused() {
        func refusal(_ d: Data, _ limits: FileLimits = .standard) -> FileRefusal? {
            if case .failure(let r) = FileInspection.inspect(d, name: "x", limits: limits) { return r }
            return nil
        }
        #expect(refusal(Data())?.code == "file_empty")
        #expect(refusal(Data("<html><body>hi</body></html>".utf8))?.code == "file_type_not_accepted")
        #expect(refusal(SampleFiles.pdf.prefix(30))?.code == "file_damaged")
        #expect(refusal(SampleFiles.png().dropLast(12))?.code == "file_damaged")
        #expect(refusal(SampleFiles.jpeg().dropLast(2))?.code == "file_damaged")
        #expect(refusal(SampleFiles.png(width: 0))?.code == "file_damaged")
        var badCRC = [UInt8](SampleFiles.png())
        badCRC[20] ^= 0xFF
        #expect(refusal(Data(badCRC))?.code == "file_damaged")
        #expect(refusal(SampleFiles.jpeg(width: 0))?.code == "file_damaged")
        #expect(refusal(SampleFiles.pdf, FileLimits(perFile: 10, perCase: 100))?.code == "file_too_large")
        #expect(refusal(Data("%PDF-9.9\n%%EOF".utf8))?.code == "file_damaged")
        if case .failure(let r) = FileInspection.inspect(SampleFiles.png(), name: "身份证.pdf") { #expect(r.code == "file_name_mismatch") } else { Issue.record("a PNG named .pdf was accepted") }
        if case .failure(let r) = FileInspection.inspect(Data("<html></html>".utf8), name: "a.jpg") { #expect(r.code == "file_type_not_accepted") } else { Issue.record("HTML accepted") }
    }

    @Test func onlyLowercaseSHA256HexIsAFileKey() {
        #expect(MaterialFile.isHash(String(repeating: "a", count: 64)))
        #expect(!MaterialFile.isHash(String(repeating: "A", count: 64)))
        #expect(!MaterialFile.isHash("../../etc/passwd"))
        #expect(!MaterialFile.isHash(String(repeating: "a", count: 63)))
    }
}
