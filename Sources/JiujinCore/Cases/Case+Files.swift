import Foundation

extension Case {
    /// Who may add the files of a material, and in which states: the front desk that took the case in (the accepting
    /// organisation once it is accepted; before that, staff serving the applicant's region), while the case is still
    /// being handled. Not the approver: the files come from the applicant, through the window or the agent.
    public static let filingRoles: Set<ActorRole> = [.windowClerk, .villageAgent, .partnerTeller]
    static let filingStatuses: Set<CaseStatus> = [.submitted, .accepted, .needsSupplement, .underReview, .specialProcedure]

    /// Refuses a member who may not add files to this case now.
    func checkAttaching(by staff: Staff) throws {
        guard Self.filingStatuses.contains(status) else { throw LifecycleError.notAllowed(action: .attachMaterial, from: status) }
        guard Self.filingRoles.contains(staff.role) else { throw LifecycleError.roleNotPermitted(role: staff.role, action: .attachMaterial) }
        guard staff.scope.serves(region) else { throw CaseError.outOfScope }
        if let acceptor = acceptingOrgId, staff.org.id != acceptor { throw CaseError.notHandledHere(action: CaseAction.attachMaterial.label) }
        if staff.role == .partnerTeller, let point = pointId, staff.member.pointId != point { throw CaseError.outOfScope }
    }

    /// Whether `staff` may add files to this case now (the case page offers the upload form exactly then).
    public func mayAttach(by staff: Staff) -> Bool { (try? checkAttaching(by: staff)) != nil }

    /// Adds the files of one material (上传材料: scans, photos, PDFs; several pages). The material must be one of the
    /// case's; the files' hashes go into the event, so the audit finds a swapped or missing file; the material counts
    /// as received, and its earlier files stay in the history. `storedBytes`: the case's files so far.
    public func attaching(material name: String, files: [MaterialFile], by staff: Staff, facts: CaseFacts, storedBytes: Int,
                          limits: FileLimits) throws -> CaseChange {
        try checkAttaching(by: staff)
        guard let index = materials.firstIndex(where: { $0.name == name }) else {
            throw ValidationError.coded(field: "material", code: "unknown_material", message: "「\(TextLimit.echo(name))」不是本办件的申请材料")
        }
        guard !files.isEmpty else { throw ValidationError.field("files", "请选择要上传的文件") }
        guard files.count <= limits.perUpload else { throw FileRefusal.tooMany(limit: limits.perUpload) }
        if storedBytes + files.reduce(0, { $0 + $1.size }) > limits.perCase { throw FileRefusal.caseFull(limit: limits.perCase) }
        var c = self
        c.materials[index].provided = true
        c.materials[index].files = files
        c.updatedAt = facts.now
        let event = c.record(.attachMaterial, from: status, to: status, actorId: staff.id, role: staff.role, orgId: staff.org.id,
                             pointId: pointId, at: facts.now, comment: nil, attachments: files.map(\.sha256),
                             details: ["material": name, "files": "\(files.count)",
                                       "replaced": materials[index].files.map { "\($0.count)" } ?? "0"])
        return CaseChange(case: c, events: [event])
    }
}

extension FileRefusal: DomainError {
    public var kind: ErrorKind { .invalid }
    public var field: String? { "files" }
}
