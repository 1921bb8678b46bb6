import Fluent
import Foundation
import JiujinCore
import SQLKit

/// Encrypts the personal data already stored (`FieldCipher`): applicants' ID numbers and phones, the phones of
/// queued messages; and adds the ID number's keyed hash for lookups. Rows are rewritten in batches; a value
/// that is already sealed is left alone, so a second run changes nothing.
struct M014_PersonalDataAtRest: AsyncMigration {
    let cipher: FieldCipher

    func prepare(on db: Database) async throws {
        try await db.schema("cases").field("applicant_id_hash", .string).update()
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_cases_applicant_id_hash").on("cases").column("applicant_id_hash").run()
        try await sealExisting(on: sql)
    }

    /// Seals every value still in the clear.
    func sealExisting(on sql: SQLDatabase) async throws {
        var offset = 0
        while true {
            let rows = try await sql.raw("""
                SELECT id, applicant_id_number, applicant_phone FROM cases ORDER BY id LIMIT 500 OFFSET \(unsafeRaw: String(offset))
                """).all()
            if rows.isEmpty { break }
            offset += rows.count
            for row in rows {
                let number = try row.decode(column: "applicant_id_number", as: String?.self)
                let phone = try row.decode(column: "applicant_phone", as: String.self)
                guard !phone.hasPrefix(FieldCipher.prefix) else { continue }
                try await sql.update("cases")
                    .set("applicant_id_number", to: try cipher.seal(number, column: "applicant_id_number"))
                    .set("applicant_phone", to: try cipher.seal(phone, column: "applicant_phone"))
                    .set("applicant_id_hash", to: number.map(cipher.lookupHash))
                    .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
            }
        }
        for row in try await sql.raw("SELECT id, phone FROM notifications").all() {
            let phone = try row.decode(column: "phone", as: String.self)
            guard !phone.hasPrefix(FieldCipher.prefix) else { continue }
            try await sql.update("notifications").set("phone", to: try cipher.seal(phone, column: "notifications.phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await openExisting(on: sql)
        try await sql.drop(index: "idx_cases_applicant_id_hash").run()
        try await db.schema("cases").deleteField("applicant_id_hash").update()
    }

    /// Puts every sealed value back in the clear (reverting the migration).
    func openExisting(on sql: SQLDatabase) async throws {
        for row in try await sql.raw("SELECT id, applicant_id_number, applicant_phone FROM cases").all() {
            try await sql.update("cases")
                .set("applicant_id_number", to: try cipher.open(try row.decode(column: "applicant_id_number", as: String?.self), column: "applicant_id_number"))
                .set("applicant_phone", to: try cipher.open(try row.decode(column: "applicant_phone", as: String.self), column: "applicant_phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
        for row in try await sql.raw("SELECT id, phone FROM notifications").all() {
            try await sql.update("notifications")
                .set("phone", to: try cipher.open(try row.decode(column: "phone", as: String.self), column: "notifications.phone"))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
    }
}
