import Fluent
import SQLKit

/// The resident portal: one-time sign-in codes (stored as keyed hashes) and resident sessions; complaints and
/// suggestions with their append-only history; the keyed hash of applicants' phones on cases, so a signed-in
/// resident finds their cases; and the outbox opened to messages without a case (sign-in codes), with the phone's
/// keyed hash so the portal inbox lists a resident's messages. SQLite cannot drop a NOT NULL constraint, so the
/// outbox table is rebuilt there with its rows.
struct M018_ResidentPortal: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("resident_codes")
            .id()
            .field("phone_hash", .string, .required)
            .field("code_hash", .string, .required)
            .field("issued_at", .datetime, .required)
            .field("wrong_tries", .int, .required)
            .field("used_at", .datetime)
            .create()
        try await db.schema("resident_sessions")
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("phone", .string, .required)
            .field("phone_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await db.schema("complaints")
            .id()
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("subject", .string, .required)
            .field("subject_ref", .string)
            .field("subject_label", .string, .required)
            .field("text", .string, .required)
            .field("name", .string)
            .field("phone", .string, .required)
            .field("phone_hash", .string, .required)
            .field("query_code", .string, .required)
            .field("org_id", .string)
            .field("status", .string, .required)
            .field("assignee_id", .string)
            .field("filed_on", .string, .required)
            .field("due_on", .string, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .field("filed_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        try await db.schema("complaint_events")
            .id()
            .field("complaint_id", .uuid, .required, .references("complaints", "id"))
            .field("action", .string, .required)
            .field("actor_id", .string, .required)
            .field("at", .datetime, .required)
            .field("note", .string)
            .create()
        try await db.schema("cases").field("applicant_phone_hash", .string).update()
        guard let sql = db as? SQLDatabase else { return }
        try await M007_AppendOnlyRecords.protect(["complaint_events"], on: sql)
        try await sql.create(index: "idx_cases_applicant_phone_hash").on("cases").column("applicant_phone_hash").run()
        try await sql.create(index: "idx_resident_codes_phone").on("resident_codes").column("phone_hash").column("issued_at").run()
        try await sql.create(index: "idx_complaints_phone").on("complaints").column("phone_hash").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE notifications ALTER COLUMN case_id DROP NOT NULL").run()
            try await db.schema("notifications").field("phone_hash", .string).update()
        } else {
            try await db.schema("notifications_rebuilt")
                .id()
                .field("case_id", .uuid, .references("cases", "id"))
                .field("kind", .string, .required)
                .field("phone", .string, .required)
                .field("text", .string, .required)
                .field("status", .string, .required)
                .field("attempts", .int, .required)
                .field("next_attempt_at", .datetime, .required)
                .field("last_error", .string)
                .field("created_at", .datetime, .required)
                .field("sent_at", .datetime)
                .field("phone_hash", .string)
                .create()
            let columns = "id, case_id, kind, phone, text, status, attempts, next_attempt_at, last_error, created_at, sent_at"
            try await sql.raw("INSERT INTO notifications_rebuilt (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM notifications").run()
            try await sql.raw("DROP TABLE notifications").run()
            try await sql.raw("ALTER TABLE notifications_rebuilt RENAME TO notifications").run()
        }
        try await sql.create(index: "idx_notifications_phone_hash").on("notifications").column("phone_hash").run()
        try await sql.create(index: "idx_notifications_due").on("notifications").column("status").column("next_attempt_at").run()
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        for index in ["idx_notifications_due", "idx_notifications_phone_hash", "idx_complaints_phone", "idx_resident_codes_phone",
                      "idx_cases_applicant_phone_hash"] {
            try await sql.drop(index: index).run()
        }
        try await M007_AppendOnlyRecords.unprotect(["complaint_events"], on: sql)
        try await db.schema("cases").deleteField("applicant_phone_hash").update()
        try await db.schema("notifications").deleteField("phone_hash").update()
        for t in ["complaint_events", "complaints", "resident_sessions", "resident_codes"] { try await db.schema(t).delete() }
    }
}
