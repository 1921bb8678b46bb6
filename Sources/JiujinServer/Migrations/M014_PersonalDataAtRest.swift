import Fluent
import SQLKit

/// The keyed hash of applicants' ID numbers, for lookups once the numbers are stored encrypted (`FieldCipher`;
/// `StoredDataUpgrades` encrypts the rows written before).
struct M014_PersonalDataAtRest: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("cases").field("applicant_id_hash", .string).update()
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "idx_cases_applicant_id_hash").on("cases").column("applicant_id_hash").run()
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.drop(index: "idx_cases_applicant_id_hash").run()
        try await db.schema("cases").deleteField("applicant_id_hash").update()
    }
}
