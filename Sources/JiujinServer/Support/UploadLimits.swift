import JiujinCore

/// How large a request body may be where a route takes a file (the county workbook), beyond the 64 kB of an
/// ordinary form; the CSRF check collects the body within the same limit before the route reads it.
enum UploadLimits {
    /// The largest county workbook (.xlsx or CSV) accepted.
    static let workbookBytes = 30 * 1024 * 1024
    /// The largest blank or example form of an item (空白表格、示例样表).
    static let itemFormBytes = 10 * 1024 * 1024
    /// One upload of a material's files (several pages): at most what one case may hold, with its framing.
    static let materialUploadBytes = FileLimits.standard.perCase + 64 * 1024
    /// The form around the file: its fields and multipart framing.
    static let formOverhead = 64 * 1024
    /// A record form of the administration pages (an item with its materials and stages).
    static let recordFormBytes = 512 * 1024

    /// The body limit of a form post to `path`, when it is an upload or record form.
    static func formLimit(path: String) -> Int? {
        if path == "/admin/import" { return workbookBytes + formOverhead }
        if path.hasPrefix("/admin/records/") { return recordFormBytes }
        if path.hasPrefix("/admin/items/") && path.hasSuffix("/forms") { return itemFormBytes + formOverhead }
        if path.hasPrefix("/cases/") && path.hasSuffix("/materials") { return materialUploadBytes }
        if path.hasPrefix("/window/items/") || path.hasPrefix("/portal/apply/") || (path.hasPrefix("/portal/cases/") && path.hasSuffix("/supplement")) { return materialUploadBytes }
        return nil
    }
}
