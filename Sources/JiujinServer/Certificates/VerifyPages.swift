import Fluent
import JiujinCore
import Vapor

/// A name and a value, as certificates print their fields.
struct FieldRow: Encodable, Sendable {
    var name: String
    var value: String
}

/// The public verification page (`certificates/verify.leaf`): the verdict in large words and the fields to compare.
struct VerifyPage: PageContext {
    static let template = "certificates/verify"
    var title = "证照核验"
    var county: String
    var checked: Bool
    var status: String
    var statusLabel: String
    var view: CertificateController.CheckView?
    var fields: [FieldRow]
    var error: String?
    var pasted: String
    /// 长辈模式, as on every public page, and the link that switches it.
    var elder = false
    var modeLink: String?

    /// The page in the mode the reader chose.
    func moded(_ req: Request) -> VerifyPage {
        var page = self
        page.elder = req.cookies[ElderMode.cookie]?.string == "elder"
        page.modeLink = ElderMode.switchLink(elder: page.elder, here: req.url.path + (req.url.query.map { "?" + $0 } ?? ""))
        return page
    }

    /// The paste form, before anything was checked.
    static func blank(county: String, pasted: String, error: String?) -> VerifyPage {
        VerifyPage(county: county, checked: false, status: "", statusLabel: "", view: nil, fields: [], error: error, pasted: pasted)
    }

    /// The verdict on one certificate.
    init(checked view: CertificateController.CheckView, county: String, status: CertificateService.Status, pasted: String) {
        var fields: [FieldRow] = []
        if let type = view.type {
            fields.append(FieldRow(name: "证照类型", value: type))
            fields.append(FieldRow(name: "持证人", value: view.holder ?? ""))
            fields.append(FieldRow(name: "证件号码", value: view.holderId ?? ""))
            for (k, value) in (view.fields ?? [:]).sorted(by: { $0.key < $1.key }) { fields.append(FieldRow(name: k, value: value)) }
            fields.append(FieldRow(name: "发证机构", value: view.org ?? ""))
            fields.append(FieldRow(name: "印章", value: view.seal ?? ""))
            fields.append(FieldRow(name: "发证日期", value: view.issued ?? ""))
            fields.append(FieldRow(name: "有效期至", value: view.validUntil ?? "长期"))
            if let r = view.revokeReason { fields.append(FieldRow(name: "撤销原因", value: r)) }
        }
        self.init(county: county, checked: true, status: status.rawValue, statusLabel: status.label, view: view, fields: fields,
                  error: nil, pasted: pasted)
    }

    init(county: String, checked: Bool, status: String, statusLabel: String, view: CertificateController.CheckView?, fields: [FieldRow],
         error: String?, pasted: String) {
        self.county = county
        self.checked = checked
        self.status = status
        self.statusLabel = statusLabel
        self.view = view
        self.fields = fields
        self.error = error
        self.pasted = pasted
    }
}

/// The public verification page (证照核验), mobile-first: what a scan of the
/// QR shows anyone, and a page to paste a scanned payload.
struct VerifyPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("v", use: pastePage)
        let limited = routes.grouped(RateLimitMiddleware(door: .verification))
        limited.post("v", use: pasted)
        limited.get("v", ":id", use: verify)
    }


    func verify(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? ""
        var token: CertificateToken?
        if let p = req.queryText("p"), let s = req.queryText("s") {
            token = CertificateToken.fromParts(id: id, p: p, s: s)
        }
        let presentedBroken = req.queryText("p") != nil && token == nil
        let (checked, cert, payload) = try await CertificateService(req).verify(id: id, token: token, channel: token == nil ? "web" : "qr")
        let status = presentedBroken && checked != .unknown ? .tampered : checked
        return try await render(req, status: status, cert: cert, payload: payload, id: id, pasted: "", error: nil)
    }

    func render(_ req: Request, status: CertificateService.Status, cert: CertificateModel?, payload: CertificatePayload?, id: String,
                pasted: String, error: String?) async throws -> Response {
        let view = CertificateController.view(id: id, status: status, cert: cert, payload: payload)
        return try await req.render(VerifyPage(checked: view, county: req.jiujin.directory.countyName, status: status, pasted: pasted).moded(req))
    }

    func pastePage(req: Request) async throws -> Response {
        try await req.render(VerifyPage.blank(county: req.jiujin.directory.countyName, pasted: "", error: nil).moded(req))
    }

    struct PasteForm: Content {
        var token: String
    }

    /// Verifies a pasted QR text with the server's own signature check (no browser code involved).
    func pasted(req: Request) async throws -> Response {
        let text = String(((try? req.content.decode(PasteForm.self))?.token ?? "").prefix(8000))
        guard let token = CertificateToken.parse(text) else {
            let page = VerifyPage.blank(county: req.jiujin.directory.countyName, pasted: text, error: "无法识别的二维码内容，请粘贴完整的扫描结果")
            return try await req.render(page.moded(req), status: .unprocessableEntity)
        }
        let (status, cert, payload) = try await CertificateService(req).verify(id: token.id, token: token, channel: "paste")
        return try await render(req, status: status, cert: cert, payload: payload, id: token.id, pasted: text, error: nil)
    }
}
