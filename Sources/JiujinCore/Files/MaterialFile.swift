import Foundation

/// A file of a case's material (材料文件): a scan or photo (JPEG, PNG) or a PDF, stored by its SHA-256. What it is
/// is decided by its content — the first bytes and a successful read of its header and end — never by its name.
public struct MaterialFile: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case jpeg, png, pdf

        public var contentType: String {
            switch self {
            case .jpeg: return "image/jpeg"
            case .png: return "image/png"
            case .pdf: return "application/pdf"
            }
        }

        public var isImage: Bool { self != .pdf }
        public var label: String { self == .pdf ? "PDF" : self == .png ? "PNG" : "JPEG" }
    }

    /// Lowercase hex of the SHA-256 of the content.
    public var sha256: String
    public var kind: Kind
    public var size: Int
    /// The name it was uploaded under (shown, never trusted).
    public var name: String

    public init(sha256: String, kind: Kind, size: Int, name: String) {
        self.sha256 = sha256
        self.kind = kind
        self.size = size
        self.name = name
    }

    /// Whether a text is a SHA-256 in lowercase hex (a file's key; nothing else reaches the file store).
    public static func isHash(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ("0"..."9").contains(Character(UnicodeScalar($0))) || ("a"..."f").contains(Character(UnicodeScalar($0))) }
    }
}

/// How large files may be: one file, and all the files of one case.
public struct FileLimits: Sendable, Hashable {
    public var perFile: Int
    public var perCase: Int
    /// The most files one upload of a material may carry (pages of a scan).
    public var perUpload: Int

    public init(perFile: Int, perCase: Int, perUpload: Int = 20) {
        self.perFile = perFile
        self.perCase = perCase
        self.perUpload = perUpload
    }

    public static let standard = FileLimits(perFile: 10 * 1024 * 1024, perCase: 50 * 1024 * 1024)

    static func mb(_ bytes: Int) -> String { bytes % (1024 * 1024) == 0 ? "\(bytes / 1024 / 1024) MB" : "\(bytes / 1024) KB" }
}

/// Why a file was refused. Every refusal says which file and what to do.
public enum FileRefusal: Error, Hashable, Sendable {
    case empty(name: String)
    case tooLarge(name: String, limit: Int)
    case caseFull(limit: Int)
    case tooMany(limit: Int)
    case notAccepted(name: String)
    case damaged(name: String, kind: MaterialFile.Kind)
    /// The name says one kind, the content is another (a PNG renamed .pdf).
    case disguised(name: String, kind: MaterialFile.Kind)

    public var code: String {
        switch self {
        case .empty: return "file_empty"
        case .tooLarge: return "file_too_large"
        case .caseFull: return "case_files_full"
        case .tooMany: return "too_many_files"
        case .notAccepted: return "file_type_not_accepted"
        case .damaged: return "file_damaged"
        case .disguised: return "file_name_mismatch"
        }
    }

    public var message: String {
        switch self {
        case .empty(let n): return "文件「\(TextLimit.echo(n))」是空的，请重新拍照或扫描"
        case .tooLarge(let n, let limit): return "文件「\(TextLimit.echo(n))」超过 \(FileLimits.mb(limit))，请压缩或分页后再上传"
        case .caseFull(let limit): return "本办件的材料文件合计不能超过 \(FileLimits.mb(limit))"
        case .tooMany(let limit): return "一次最多上传 \(limit) 个文件"
        case .notAccepted(let n): return "文件「\(TextLimit.echo(n))」不是 JPEG、PNG 或 PDF（按文件内容判断，与文件名无关）"
        case .damaged(let n, let kind): return "文件「\(TextLimit.echo(n))」像是 \(kind.label)，但内容不完整或已损坏，请重新生成后上传"
        case .disguised(let n, let kind): return "文件「\(TextLimit.echo(n))」的扩展名与内容不符（内容是 \(kind.label)），请上传原始文件"
        }
    }
}

/// Reading what a file is from its bytes.
public enum FileInspection {
    /// The kind of an acceptable file, or why it is refused: empty, too large, not JPEG/PNG/PDF, or truncated/damaged.
    public static func inspect(_ data: Data, name: String, limits: FileLimits = .standard) -> Result<MaterialFile.Kind, FileRefusal> {
        guard !data.isEmpty else { return .failure(.empty(name: name)) }
        guard data.count <= limits.perFile else { return .failure(.tooLarge(name: name, limit: limits.perFile)) }
        let b = [UInt8](data)
        let kind: MaterialFile.Kind
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { guard jpegIsWhole(b) else { return .failure(.damaged(name: name, kind: .jpeg)) }; kind = .jpeg }
        else if b.starts(with: pngSignature) { guard pngIsWhole(b) else { return .failure(.damaged(name: name, kind: .png)) }; kind = .png }
        else if b.starts(with: Array("%PDF-".utf8)) { guard pdfIsWhole(b) else { return .failure(.damaged(name: name, kind: .pdf)) }; kind = .pdf }
        else { return .failure(.notAccepted(name: name)) }
        // A name that claims one of the three kinds must claim the right one; other names (a camera's "image") are fine.
        if let claimed = claimedKind(name), claimed != kind { return .failure(.disguised(name: name, kind: kind)) }
        return .success(kind)
    }

    static func claimedKind(_ name: String) -> MaterialFile.Kind? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "jpg", "jpeg", "jpe": return .jpeg
        case "png": return .png
        case "pdf": return .pdf
        default: return nil
        }
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A frame header (SOF) with a non-zero size before the scan, and the end-of-image marker at the end.
    static func jpegIsWhole(_ b: [UInt8]) -> Bool {
        var end = b.count
        while end > 2 && b[end - 1] == 0 { end -= 1 }  // some cameras pad the file
        guard end >= 4, b[end - 2] == 0xFF, b[end - 1] == 0xD9 else { return false }
        var i = 2
        while i + 4 <= end {
            guard b[i] == 0xFF else { return false }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= end else { return false }
            if [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF].contains(marker) {
                guard length >= 8 else { return false }
                let height = Int(b[i + 5]) << 8 | Int(b[i + 6]), width = Int(b[i + 7]) << 8 | Int(b[i + 8])
                return height > 0 && width > 0
            }
            if marker == 0xDA { return false }  // a scan before any frame header
            i += 2 + length
        }
        return false
    }

    /// The header chunk (IHDR) first with a valid checksum and size, and the end chunk (IEND) last.
    static func pngIsWhole(_ b: [UInt8]) -> Bool {
        guard b.count >= 8 + 25 + 12 else { return false }
        let ihdr = Array(b[8..<33])
        guard ihdr[0...3] == [0, 0, 0, 13], Array(ihdr[4...7]) == Array("IHDR".utf8) else { return false }
        let crc = UInt32(ihdr[21]) << 24 | UInt32(ihdr[22]) << 16 | UInt32(ihdr[23]) << 8 | UInt32(ihdr[24])
        guard CRC32.checksum(ihdr[4..<21]) == crc else { return false }
        let width = UInt32(ihdr[8]) << 24 | UInt32(ihdr[9]) << 16 | UInt32(ihdr[10]) << 8 | UInt32(ihdr[11])
        let height = UInt32(ihdr[12]) << 24 | UInt32(ihdr[13]) << 16 | UInt32(ihdr[14]) << 8 | UInt32(ihdr[15])
        let iend: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        return width > 0 && height > 0 && Array(b.suffix(12)) == iend
    }

    /// A version in the header, an object, and the end-of-file marker in the last kilobyte.
    static func pdfIsWhole(_ b: [UInt8]) -> Bool {
        guard b.count >= 16, b[5] >= 0x31, b[5] <= 0x32, b[6] == 0x2E else { return false }
        let tail = b.suffix(1024)
        return contains(Array(tail), Array("%%EOF".utf8)) && contains(Array(b.prefix(64 * 1024)), Array(" obj".utf8))
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}

/// CRC-32 (ISO-HDLC, as PNG uses it).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
