import Crypto
import Foundation
import JiujinCore
import SQLKit

/// Cases and their events in hand-mapped SQL (办件存取): the path of every intake, transition and case read.
/// Fluent finds a model's fields by reflection on each encode and decode, which was the largest cost of a write;
/// here each column is named once and bound or decoded directly. The tables are those of `CaseModel` and
/// `CaseEventModel` (the lists still query through them); `CaseRowsTests` checks that both read back the same case.
enum CaseRows {
    static let caseColumns = [
        "id", "number", "item_code", "item_name", "applicant_kind", "applicant_name", "applicant_id_number",
        "applicant_credit_code", "applicant_legal_rep", "applicant_phone", "channel", "region_code", "point_id", "accepted_by",
        "accepting_org_id", "deciding_org_id", "delegation_id", "status", "resume_status", "stage_index", "assignee_id",
        "limit_days", "accepted_on", "pauses_json", "deadline", "materials_json", "reason", "decided_at", "seal_number",
        "proxy_json", "delivery_method", "tracking_number", "version", "event_count", "last_hash", "created_at", "updated_at",
        "applicant_id_hash", "guide_version", "applicant_phone_hash",
    ]
    static let eventColumns = [
        "id", "case_id", "sequence", "action", "from_status", "to_status", "actor_id", "actor_role", "org_id", "point_id",
        "at_millis", "comment", "attachments_json", "details_json", "previous_hash", "hash",
    ]
    private static let caseList = caseColumns.joined(separator: ", ")
    private static let eventList = eventColumns.joined(separator: ", ")

    // MARK: writing

    /// A new case, with a fresh query code (查询密码) that only `queryCode(number:)` reads.
    static func insert(_ c: Case, cipher: FieldCipher, on sql: SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO cases (\(unsafeRaw: caseList), query_code) VALUES (\(binds: try values(of: c, cipher)), \(bind: QueryCode.generate()))
            """).run()
    }

    /// The case id and query code of a case number, nil when no case has it.
    static func queryCode(number: String, on sql: SQLDatabase) async throws -> (id: UUID, code: String)? {
        guard let row = try await sql.raw("SELECT id, query_code FROM cases WHERE number = \(bind: number)").first(),
              let code = try row.decode(column: "query_code", as: String?.self) else { return nil }
        return (try row.decode(column: "id", as: UUID.self), code)
    }

    static func queryCode(id: UUID, on sql: SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT query_code FROM cases WHERE id = \(bind: id)").first()?.decode(column: "query_code", as: String?.self)
    }

    /// Writes every column but the id; the write door has already claimed the version.
    static func update(_ c: Case, cipher: FieldCipher, on sql: SQLDatabase) async throws {
        var query: SQLQueryString = "UPDATE cases SET "
        for (i, (column, value)) in zip(caseColumns, try values(of: c, cipher)).enumerated().dropFirst() {
            query += i == 1 ? "\(unsafeRaw: column) = \(bind: value)" : ", \(unsafeRaw: column) = \(bind: value)"
        }
        query += " WHERE id = \(bind: c.id)"
        try await sql.raw(query).run()
    }

    /// The new events of a case, in one statement, each sealed with the audit key over its hash and the case's
    /// key fields as they stand after the change (`AuditSeal`).
    static func insert(_ events: [CaseEvent], of stored: Case, key: SymmetricKey, on sql: SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        let digest = AuditSeal.caseDigest(stored)
        var query: SQLQueryString = "INSERT INTO case_events (\(unsafeRaw: eventList), case_digest, mac) VALUES "
        for (i, e) in events.enumerated() {
            let row: [any Encodable & Sendable] = [
                UUID(), stored.id, e.sequence, e.action.rawValue, e.fromStatus?.rawValue, e.toStatus.rawValue, e.actorId,
                e.actorRole.rawValue, e.orgId, e.pointId, e.atMillis, e.comment, try JSONCoding.string(e.attachments),
                try JSONCoding.string(e.details), e.previousHash, e.hash, digest,
                AuditSeal.mac(eventHash: e.hash, caseDigest: digest, key: key),
            ]
            query += i == 0 ? "(\(binds: row))" : ", (\(binds: row))"
        }
        try await sql.raw(query).run()
    }

    // MARK: reading

    static func find(_ id: UUID, cipher: FieldCipher, on sql: SQLDatabase) async throws -> Case? {
        try await sql.raw("SELECT \(unsafeRaw: caseList) FROM cases WHERE id = \(bind: id)").first().map { try decodeCase($0, cipher) }
    }

    static func find(_ ids: [UUID], cipher: FieldCipher, on sql: SQLDatabase) async throws -> [Case] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("SELECT \(unsafeRaw: caseList) FROM cases WHERE id IN (\(binds: ids))").all().map { try decodeCase($0, cipher) }
    }

    /// The case with this number (numbers are unique).
    static func find(number: String, cipher: FieldCipher, on sql: SQLDatabase) async throws -> Case? {
        try await sql.raw("SELECT \(unsafeRaw: caseList) FROM cases WHERE number = \(bind: number)").first().map { try decodeCase($0, cipher) }
    }

    /// The cases filed with a phone (by its keyed hash), newest first: what a resident signed in by it sees.
    static func filed(byPhoneHash hash: String, limit: Int, cipher: FieldCipher, on sql: SQLDatabase) async throws -> [Case] {
        try await sql.raw("""
            SELECT \(unsafeRaw: caseList) FROM cases WHERE applicant_phone_hash = \(bind: hash) ORDER BY created_at DESC LIMIT \(bind: limit)
            """).all().map { try decodeCase($0, cipher) }
    }

    /// The running cases decided under a delegation.
    static func running(under delegationId: String, cipher: FieldCipher, on sql: SQLDatabase) async throws -> [Case] {
        try await sql.raw("""
            SELECT \(unsafeRaw: caseList) FROM cases WHERE delegation_id = \(bind: delegationId)
            AND status IN (\(binds: CaseLists.runningStatuses))
            ORDER BY number
            """).all().map { try decodeCase($0, cipher) }
    }

    /// A case's events in order, exactly as stored (hashes included), so that verification sees any tampering.
    static func events(of caseId: UUID, on sql: SQLDatabase) async throws -> [CaseEvent] {
        try await sql.raw("SELECT \(unsafeRaw: eventList) FROM case_events WHERE case_id = \(bind: caseId) ORDER BY sequence")
            .all().map(decodeEvent)
    }

    /// One stored event row for the audit: its id and place, and the event, or nil when no rule could have
    /// written its fields (an edited row).
    struct StoredEvent: Sendable {
        var id: UUID
        var caseId: UUID
        var sequence: Int
        var event: CaseEvent?
        /// The audit seal (nil only if someone removed it).
        var caseDigest: String?
        var mac: String?
    }

    /// The events of several cases, each case's in order.
    static func storedEvents(of caseIds: [UUID], on sql: SQLDatabase) async throws -> [StoredEvent] {
        guard !caseIds.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT \(unsafeRaw: eventList), case_digest, mac FROM case_events WHERE case_id IN (\(binds: caseIds)) ORDER BY sequence
            """).all().map { row in
                StoredEvent(id: try row.decode(column: "id", as: UUID.self), caseId: try row.decode(column: "case_id", as: UUID.self),
                            sequence: try row.decode(column: "sequence", as: Int.self), event: try? decodeEvent(row),
                            caseDigest: try? row.decode(column: "case_digest", as: String?.self), mac: try? row.decode(column: "mac", as: String?.self))
            }
    }

    /// A row no rule could have written is reported, never guessed at.
    static func decodeCase(_ row: SQLRow, _ cipher: FieldCipher) throws -> Case {
        func s(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        func o(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        let id = try row.decode(column: "id", as: UUID.self)
        guard let kind = Applicant.Kind(rawValue: try s("applicant_kind")), let channel = CaseChannel(rawValue: try s("channel")),
              let region = DivisionCode(try s("region_code")), let status = CaseStatus(rawValue: try s("status")) else {
            throw JSONCoding.Failure.corrupt("case \(id.uuidString)")
        }
        let applicant = Applicant(kind: kind, name: try s("applicant_name"),
                                  idNumber: try cipher.open(try o("applicant_id_number"), column: "applicant_id_number"),
                                  creditCode: try o("applicant_credit_code"), legalRepresentative: try o("applicant_legal_rep"),
                                  phone: try cipher.open(try s("applicant_phone"), column: "applicant_phone") ?? "")
        return Case(id: id, number: try s("number"), itemCode: try s("item_code"), itemName: try s("item_name"), applicant: applicant,
                    channel: channel, region: region, pointId: try o("point_id"), acceptedBy: try o("accepted_by"),
                    acceptingOrgId: try o("accepting_org_id"), decidingOrgId: try o("deciding_org_id"),
                    delegationId: try o("delegation_id"), status: status,
                    resumeStatus: try o("resume_status").flatMap(CaseStatus.init(rawValue:)),
                    stageIndex: try row.decode(column: "stage_index", as: Int.self), assigneeId: try o("assignee_id"),
                    limitDays: try row.decode(column: "limit_days", as: Int.self), acceptedOn: try o("accepted_on").flatMap(LocalDate.init),
                    pauses: try JSONCoding.decode([ClockPause].self, try s("pauses_json")),
                    deadline: try o("deadline").flatMap(LocalDate.init),
                    materials: try JSONCoding.decode([StoredMaterial].self, try s("materials_json")), reason: try o("reason"),
                    decidedAt: try row.decode(column: "decided_at", as: Date?.self), sealNumber: try o("seal_number"),
                    proxy: try o("proxy_json").map { try JSONCoding.decode(ProxyRecord.self, $0) },
                    deliveryMethod: try o("delivery_method").flatMap(DeliveryMethod.init(rawValue:)),
                    trackingNumber: try o("tracking_number"), guideVersion: try row.decode(column: "guide_version", as: Int?.self),
                    version: try row.decode(column: "version", as: Int.self),
                    eventCount: try row.decode(column: "event_count", as: Int.self), lastHash: try s("last_hash"),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func decodeEvent(_ row: SQLRow) throws -> CaseEvent {
        func s(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        func o(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        let caseId = try row.decode(column: "case_id", as: UUID.self)
        let sequence = try row.decode(column: "sequence", as: Int.self)
        let from = try o("from_status")
        guard let action = CaseAction(rawValue: try s("action")), let to = CaseStatus(rawValue: try s("to_status")),
              let role = ActorRole(rawValue: try s("actor_role")), from == nil || CaseStatus(rawValue: from!) != nil else {
            throw JSONCoding.Failure.corrupt("event \(caseId)#\(sequence)")
        }
        return CaseEvent(stored: caseId.uuidString, sequence: sequence, action: action, fromStatus: from.flatMap(CaseStatus.init(rawValue:)),
                         toStatus: to, actorId: try s("actor_id"), actorRole: role, orgId: try o("org_id"), pointId: try o("point_id"),
                         atMillis: try row.decode(column: "at_millis", as: Int64.self), comment: try o("comment"),
                         attachments: try JSONCoding.decode([String].self, try s("attachments_json")),
                         details: try JSONCoding.decode([String: String].self, try s("details_json")),
                         previousHash: try s("previous_hash"), hash: try s("hash"))
    }

    // MARK: columns

    /// The case's columns in the order of `caseColumns`.
    /// The ID number and phone are stored sealed (`FieldCipher`), their keyed hashes beside them for lookups.
    private static func values(of c: Case, _ cipher: FieldCipher) throws -> [any Encodable & Sendable] {
        [c.id, c.number, c.itemCode, c.itemName, c.applicant.kind.rawValue, c.applicant.name,
         try cipher.seal(c.applicant.idNumber, column: "applicant_id_number"),
         c.applicant.creditCode, c.applicant.legalRepresentative, try cipher.seal(c.applicant.phone, column: "applicant_phone"), c.channel.rawValue, c.region.rawValue, c.pointId,
         c.acceptedBy, c.acceptingOrgId, c.decidingOrgId, c.delegationId, c.status.rawValue, c.resumeStatus?.rawValue, c.stageIndex,
         c.assigneeId, c.limitDays, c.acceptedOn?.description, try JSONCoding.string(c.pauses), c.deadline?.description,
         try JSONCoding.string(c.materials), c.reason, c.decidedAt, c.sealNumber, try c.proxy.map { try JSONCoding.string($0) },
         c.deliveryMethod?.rawValue, c.trackingNumber, c.version, c.eventCount, c.lastHash, c.createdAt, c.updatedAt,
         c.applicant.idNumber.map(cipher.lookupHash), c.guideVersion, cipher.lookupHash(c.applicant.phone)]
    }
}
