import Foundation
import Testing
@testable import JiujinCore

@Suite struct ValidationTests {
    let today = LocalDate("2026-11-21")!

    @Test func residentIDsFromTheStandardAreValid() throws {
        let a = try ResidentID("11010519491231002X", today: today)
        #expect(a.birthDate == LocalDate("1949-12-31"))
        #expect(!a.isMale)
        #expect(try ResidentID("11010519491231002x", today: today).rawValue == "11010519491231002X")
        let b = try ResidentID("440524188001010014", today: today)
        #expect(b.isMale)
        #expect(a.masked == "110***********002X")
    }

    @Test(arguments: [
        ("11010519491231002", "18位"), ("1101051949123100XX", "前17位"), ("110105194912310021", "校验位"),
        ("110105194913310020", "出生日期"), ("110105202712310021", "出生日期"), ("000105194912310021", "地址码"),
        ("11010519491231002Y", "第18位"), ("", "18位"),
    ])
    func badResidentIDsAreRejected(_ text: String, _ fragment: String) {
        do {
            _ = try ResidentID(text, today: today)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(fragment), "\(text): \(error.message)")
            #expect(error.field == "idNumber")
        }
    }

    @Test func checkCharacterMatchesForGeneratedNumbers() throws {
        for seq in 100..<160 {
            let first17 = "37030319850612\(seq)"
            let id = first17 + String(ResidentID.checkCharacter(of: first17))
            #expect(throws: Never.self) { try ResidentID(id, today: today) }
        }
    }

    @Test func creditCodes() throws {
        #expect(try CreditCode("91350100M000100Y43").rawValue == "91350100M000100Y43")
        #expect(try CreditCode("91990101ma3c8k2d1g").rawValue == "91990101MA3C8K2D1G")
        #expect(throws: ValidationError.self) { try CreditCode("91350100M000100Y44") }
        #expect(throws: ValidationError.self) { try CreditCode("91350100M000100Y4") }
        #expect(throws: ValidationError.self) { try CreditCode("91350100M000I00Y43") } // I is not in the set
        #expect(throws: ValidationError.self) { try CreditCode("Z1350100M000100Y43") }
        #expect(throws: ValidationError.self) { try CreditCode("913A0100M000100Y43") }
        #expect(CreditCode.checkCharacter(of: "92990101MA3RXL5Q0") == "2")
    }

    @Test func mobileNumbers() throws {
        #expect(try MobileNumber("13812345678").rawValue == "13812345678")
        #expect(try MobileNumber("+86 138-1234-5678").rawValue == "13812345678")
        #expect(try MobileNumber("8613812345678").rawValue == "13812345678")
        for bad in ["1381234567", "23812345678", "12812345678", "1381234567a", "", "138123456789"] {
            #expect(throws: ValidationError.self, "\(bad)") { try MobileNumber(bad) }
        }
        #expect(try MobileNumber("13812345678").masked == "138****5678")
    }

    @Test func masking() {
        #expect(Masking.name("刘坤") == "刘*")
        #expect(Masking.name("张小珊") == "张**")
        #expect(Masking.name("欧阳明月") == "欧阳**")
        #expect(Masking.phone("13812345678") == "138****5678")
        #expect(Masking.residentID("123") == "***")
    }

    @Test func hexMatchesTheFormatterForEveryByte() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.encode(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
    }
}
