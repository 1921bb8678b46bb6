import Crypto
import Foundation
import JiujinCore

/// Material files kept by their content (内容寻址): `<dir>/<first two hex digits>/<sha256>`. A file is written to a
/// temporary name, flushed to disk, renamed into place and its folder flushed, so a crash leaves either no file or the
/// whole file, never a part. The same content is stored once; nothing is ever overwritten or deleted.
struct FileStore: Sendable {
    let directory: String

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func sha256(_ data: Data) -> String { Hex.encode(SHA256.hash(data: data)) }

    func path(of sha: String) -> String { directory + "/" + String(sha.prefix(2)) + "/" + sha }

    /// Stores the content and answers its hash; content already stored is left as it is.
    func put(_ data: Data) throws -> String {
        let sha = Self.sha256(data)
        let target = path(of: sha)
        if FileManager.default.fileExists(atPath: target) { return sha }
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder + "/.tmp-" + UUID().uuidString
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Unavailable(description: "cannot create \(temporary): errno \(errno)") }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            unlink(temporary)
            throw Unavailable(description: "cannot store file \(sha): errno \(errno)")
        }
        let dir = open(folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
        return sha
    }

    /// The stored content, or nil when there is none.
    func get(_ sha: String) -> Data? {
        guard MaterialFile.isHash(sha) else { return nil }
        return FileManager.default.contents(atPath: path(of: sha))
    }

    /// Whether the stored content is there and still has its hash (the audit's check).
    func holds(_ sha: String) -> Bool { get(sha).map { Self.sha256($0) == sha } ?? false }
}
