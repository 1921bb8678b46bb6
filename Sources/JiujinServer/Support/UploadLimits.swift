/// How large a request body may be where a route takes a file (the county workbook), beyond the 64 kB of an
/// ordinary form; the CSRF check collects the body within the same limit before the route reads it.
enum UploadLimits {
    /// The largest county workbook (.xlsx or CSV) accepted.
    static let workbookBytes = 30 * 1024 * 1024
    /// The form around the file: its fields and multipart framing.
    static let formOverhead = 64 * 1024

    /// The body limit of a form post to `path`, when it is an upload form.
    static func formLimit(path: String) -> Int? { path == "/admin/import" ? workbookBytes + formOverhead : nil }
}
