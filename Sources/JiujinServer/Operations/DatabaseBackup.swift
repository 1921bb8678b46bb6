import FluentSQLiteDriver
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Backups of the SQLite database (备份与恢复). `backup` makes a consistent
/// copy while jiujin serves and writes (`VACUUM INTO` reads one snapshot; the
/// writer goes on meanwhile), checks the copy, fsyncs it and only then gives it
/// its name. `restore` puts a checked copy in place of the database, refuses to
/// replace one without `force` or while a server holds the data directory, and
/// keeps what it replaced beside it. The seal master key is a separate file and
/// never part of a backup (README: keep it apart). PostgreSQL uses pg_dump.
public enum DatabaseBackup {
    public struct Report: Sendable {
        public var path: String
        public var bytes: Int64
        public var cases: Int
        public var events: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case postgres
        case noDatabase(String)
        case destinationExists(String)
        case notABackup(String, String)
        case liveDatabase(String)
        case serverRunning(String)

        public var description: String {
            switch self {
            case .postgres:
                return "jiujin backup/restore work on SQLite; for PostgreSQL use pg_dump -Fc and pg_restore (README)"
            case .noDatabase(let path): return "no database at \(path)"
            case .destinationExists(let path): return "\(path) exists; choose a new file name"
            case .notABackup(let path, let why): return "\(path) is not a usable jiujin backup: \(why)"
            case .liveDatabase(let path):
                return "\(path) exists; restoring replaces it (it is kept beside as .replaced-<time>): add --force"
            case .serverRunning(let dir): return "a jiujin server is running on \(dir); stop it before restoring"
            }
        }
    }

    static func databasePath(_ options: ServerOptions) throws -> (directory: String, file: String) {
        guard case .sqliteFile(let directory) = options.storage else { throw Failure.postgres }
        return (directory, URL(fileURLWithPath: directory).appendingPathComponent("jiujin.sqlite").path)
    }

    /// Copies the live database to `destination`; `progress` gets 0…1 as the copy grows.
    public static func backup(options: ServerOptions, to destination: String,
                              progress: @escaping @Sendable (Double) -> Void) async throws -> Report {
        let (_, source) = try databasePath(options)
        let files = FileManager.default
        guard files.fileExists(atPath: source) else { throw Failure.noDatabase(source) }
        guard !files.fileExists(atPath: destination) else { throw Failure.destinationExists(destination) }
        let partial = destination + ".partial"
        try? files.removeItem(atPath: partial)
        let connection = try await SQLiteConnection.open(storage: .file(path: source))
        do {
            let pages = try await integer(connection, "PRAGMA page_count", column: "page_count")
            let pageSize = try await integer(connection, "PRAGMA page_size", column: "page_size")
            let total = Double(max(1, pages * pageSize))
            let watcher = Task {
                while !Task.isCancelled {
                    let size = (try? files.attributesOfItem(atPath: partial)[.size] as? NSNumber)?.doubleValue ?? 0
                    progress(min(0.99, size / total))
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            defer { watcher.cancel() }
            _ = try await connection.query("VACUUM INTO ?", [.text(partial)])
            try await connection.close()
        } catch {
            try? await connection.close()
            try? files.removeItem(atPath: partial)
            throw error
        }
        let report: Report
        do {
            report = try await check(partial, reportingAs: destination)
            try fsync(path: partial)
        } catch {
            try? files.removeItem(atPath: partial)
            throw error
        }
        try files.moveItem(atPath: partial, toPath: destination)
        try fsync(path: URL(fileURLWithPath: destination).deletingLastPathComponent().path)
        progress(1)
        return report
    }

    /// Puts the backup at `source` in place of the database; the database replaced is kept beside it.
    public static func restore(options: ServerOptions, from source: String, force: Bool) async throws -> Report {
        let (directory, live) = try databasePath(options)
        let files = FileManager.default
        guard files.fileExists(atPath: source) else { throw Failure.noDatabase(source) }
        _ = try await check(source, reportingAs: source)
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let lock = DataDirectoryLock(directory: directory) else { throw Failure.serverRunning(directory) }
        defer { lock.release() }
        if files.fileExists(atPath: live) {
            guard force else { throw Failure.liveDatabase(live) }
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            // The WAL may hold committed pages of the replaced database: it moves with it.
            for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: live + suffix) {
                try files.moveItem(atPath: live + suffix, toPath: live + ".replaced-\(stamp)" + suffix)
            }
        }
        let incoming = live + ".restoring"
        try? files.removeItem(atPath: incoming)
        try files.copyItem(atPath: source, toPath: incoming)
        try fsync(path: incoming)
        try files.moveItem(atPath: incoming, toPath: live)
        try fsync(path: directory)
        return try await check(live, reportingAs: live)
    }

    /// Opens a copy and checks it is an intact jiujin database; counts its cases and events.
    static func check(_ path: String, reportingAs name: String) async throws -> Report {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let rows = try await connection.query("PRAGMA quick_check")
            guard rows.first?.column("quick_check")?.string == "ok" else {
                throw Failure.notABackup(name, rows.first?.column("quick_check")?.string ?? "integrity check failed")
            }
            let tables = Set(try await connection.query("SELECT name FROM sqlite_master WHERE type = 'table'")
                .compactMap { $0.column("name")?.string })
            guard tables.isSuperset(of: ["cases", "case_events", "_fluent_migrations"]) else {
                throw Failure.notABackup(name, "it has no jiujin tables")
            }
            let cases = try await integer(connection, "SELECT count(*) AS n FROM cases", column: "n")
            let events = try await integer(connection, "SELECT count(*) AS n FROM case_events", column: "n")
            try await connection.close()
            let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return Report(path: name, bytes: bytes, cases: cases, events: events)
        } catch let failure as Failure {
            try? await connection.close()
            throw failure
        } catch {
            try? await connection.close()
            throw Failure.notABackup(name, String(describing: error))
        }
    }

    private static func integer(_ connection: SQLiteConnection, _ sql: String, column: String) async throws -> Int {
        Int(try await connection.query(sql).first?.column(column)?.integer ?? 0)
    }

    /// Flushes a file or directory to disk.
    static func fsync(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else { throw POSIXError(.EIO) }
    }
}

/// One server per SQLite data directory (数据目录锁): `serve` holds an
/// exclusive lock on `jiujin.lock` for its lifetime (the kernel drops it when
/// the process dies, also on kill -9), so a second server or a restore cannot
/// start beside it and break the single writer.
final class DataDirectoryLock: Sendable {
    private let fd: Int32

    /// nil when another process holds the directory.
    init?(directory: String) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("jiujin.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
