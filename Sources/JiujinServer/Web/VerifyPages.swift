import Fluent
import JiujinCore
import Vapor

/// The public verification page (证照核验), mobile-first: what a scan of the
/// QR shows anyone, and a page to paste a scanned payload.
struct VerifyPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("v", use: pastePage)
        routes.post("v", use: pasted)
        routes.get("v", ":id", use: verify)
    }

    struct VerifyPage: Encodable {
        var title: String
        var county: String
        var checked: Bool
        var status: String
        var statusLabel: String
        var view: CertificateController.CheckView?
        var fields: [Field]
        var error: String?
        var pasted: String
    }

    struct Field: Encodable {
        var name: String
        var value: String
    }

    func verify(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? ""
        var token: CertificateToken?
        if let p = req.query[String.self, at: "p"], let s = req.query[String.self, at: "s"] {
            token = CertificateToken.fromParts(id: id, p: p, s: s)
        }
        let presentedBroken = req.query[String.self, at: "p"] != nil && token == nil
        let (checked, cert, payload) = try await CertificateService(req: req).verify(id: id, token: token, channel: token == nil ? "web" : "qr")
        let status = presentedBroken && checked != .unknown ? .tampered : checked
        return try await render(req, status: status, cert: cert, payload: payload, id: id, pasted: "", error: nil)
    }

    func render(_ req: Request, status: CertificateService.Status, cert: CertificateModel?, payload: CertificatePayload?, id: String,
                pasted: String, error: String?) async throws -> Response {
        let view = CertificateController.view(id: id, status: status, cert: cert, payload: payload)
        var fields: [Field] = []
        if let v = view.type {
            fields.append(Field(name: "证照类型", value: v))
            fields.append(Field(name: "持证人", value: view.holder ?? ""))
            fields.append(Field(name: "证件号码", value: view.holderId ?? ""))
            for (k, value) in (view.fields ?? [:]).sorted(by: { $0.key < $1.key }) { fields.append(Field(name: k, value: value)) }
            fields.append(Field(name: "发证机构", value: view.org ?? ""))
            fields.append(Field(name: "印章", value: view.seal ?? ""))
            fields.append(Field(name: "发证日期", value: view.issued ?? ""))
            fields.append(Field(name: "有效期至", value: view.validUntil ?? "长期"))
            if let r = view.revokeReason { fields.append(Field(name: "撤销原因", value: r)) }
        }
        let page = VerifyPage(title: "证照核验", county: req.jiujin.directory.tree.roots.first?.name ?? "", checked: true,
                              status: status.rawValue, statusLabel: status.label, view: view, fields: fields, error: error, pasted: pasted)
        return try await req.render("verify", page)
    }

    func pastePage(req: Request) async throws -> Response {
        let page = VerifyPage(title: "证照核验", county: req.jiujin.directory.tree.roots.first?.name ?? "", checked: false, status: "",
                              statusLabel: "", view: nil, fields: [], error: nil, pasted: "")
        return try await req.render("verify", page)
    }

    struct PasteForm: Content {
        var token: String
    }

    /// Verifies a pasted QR text with the server's own signature check (no browser code involved).
    func pasted(req: Request) async throws -> Response {
        let text = String(((try? req.content.decode(PasteForm.self))?.token ?? "").prefix(8000))
        guard let token = CertificateToken.parse(text) else {
            let page = VerifyPage(title: "证照核验", county: req.jiujin.directory.tree.roots.first?.name ?? "", checked: false, status: "",
                                  statusLabel: "", view: nil, fields: [], error: "无法识别的二维码内容，请粘贴完整的扫描结果", pasted: text)
            return try await req.render("verify", page, status: .unprocessableEntity)
        }
        let (status, cert, payload) = try await CertificateService(req: req).verify(id: token.id, token: token, channel: "paste")
        return try await render(req, status: status, cert: cert, payload: payload, id: token.id, pasted: text, error: nil)
    }
}
