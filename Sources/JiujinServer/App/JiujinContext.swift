import Crypto
import Fluent
import Foundation
import JiujinCore
import Vapor

/// What every handler shares: the options, the clock, the calendar, the
/// directory snapshot, the write door, the metrics and the notification
/// dispatcher. Kept in `app.storage`; services get it explicitly.
public final class JiujinContext: Sendable {
    let options: ServerOptions
    let door: WriteDoor
    let metrics: ServerMetrics
    let dispatcher: NotificationDispatcher
    /// Access and verification records, written in batches.
    let records: RecordBuffer
    /// Public guide and search answers, kept encoded per directory version and day.
    let answers = EncodedAnswers(capacity: 4096)
    /// Rate limits of the public doors.
    let limiter: RateLimiter
    /// Sign-in failures, per name and per name and address.
    let signInThrottle = SignInThrottle()
    /// Wrong query codes per case number (`RatingService.caseForResident`).
    let queryCodes = QueryCodeGuard()
    /// Password hashing, on its own thread.
    let passwords: PasswordWork
    /// Seal public keys by kid with their retirement day, as read; forgotten when the directory reloads, since a
    /// rotation or a seal's retirement moves the directory version on.
    let publicKeys = LockedBox<[String: SealKeys.PublishedKey]>([:])
    /// Seals the seal keys at rest and keys the licence library's holder hashes.
    let masterKey: SymmetricKey
    /// The audit chain's HMAC key and the checkpoint signing key, both derived from the master key.
    let audit: AuditKeys
    /// Encrypts ID numbers and phones at rest.
    let cipher: FieldCipher
    private let calendarBox: LockedBox<WorkingDayCalendar>
    private let directoryBox: LockedBox<Directory>
    private let clockOverride: LockedBox<Date?>

    /// `writer`: the single write connection's database when writes are grouped (SQLite), nil on PostgreSQL.
    init(options: ServerOptions, writer: (@Sendable () -> Database)?, sender: any NotificationSender, masterKey: SymmetricKey) {
        self.options = options
        self.masterKey = masterKey
        audit = AuditKeys(master: masterKey)
        cipher = FieldCipher(master: masterKey)
        limiter = RateLimiter(scale: options.rateLimitScale)
        passwords = PasswordWork(cost: options.passwordCost, waitingLimit: 64)
        metrics = ServerMetrics()
        door = WriteDoor(writer: writer, queueLimit: options.writeQueueLimit, maxBatch: options.writeBatch,
                         stats: WriteStats(registry: metrics.registry))
        dispatcher = NotificationDispatcher(sender: sender, door: door, cipher: cipher)
        records = RecordBuffer(door: door)
        clockOverride = LockedBox(options.fixedNow)
        calendarBox = LockedBox(WorkingDayCalendar())
        directoryBox = LockedBox(.empty)
    }

    /// The current time; tests may pin it.
    func now() -> Date { clockOverride.value ?? Date() }

    /// Pins the clock (tests and demonstrations of deadlines); nil restores the real time.
    public func setClock(_ date: Date?) { clockOverride.value = date }

    var calendar: WorkingDayCalendar { calendarBox.value }
    var directory: Directory { directoryBox.value }

    /// Today in China.
    var today: LocalDate { LocalDate(now(), in: .china) }

    /// Every write goes through here (`WriteDoor`). `directoryAt`: the snapshot version the write's rules relied on.
    func write<T: Sendable>(_ db: Database, claiming claim: VersionClaim? = nil, directoryAt version: Int? = nil,
                            _ work: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await door.write(db, claiming: claim, directoryAt: version, work)
    }

    func reloadDirectory(_ db: Database) async throws {
        let fresh = try await Directory.load(from: db)
        directoryBox.update { current in if fresh.version >= current.version { current = fresh } }
        publicKeys.value = [:]
    }

    /// Reloads the directory and the calendar when the database's directory version moved on (a change made by
    /// another process, or by hand); one primary-key read when nothing changed.
    func refreshIfStale(_ db: Database) async throws {
        guard try await DirectoryVersion.current(on: db) != directory.version else { return }
        try await reloadDirectory(db)
        try await reloadCalendar(db)
    }

    /// The built-in years, overridden and extended by the years stored in the database.
    func reloadCalendar(_ db: Database) async throws {
        var calendar = WorkingDayCalendar()
        for row in try await CalendarYearModel.query(on: db).all() { calendar.load(try row.domain()) }
        calendarBox.value = calendar
    }

    /// The address QR codes and links point to: JIUJIN_PUBLIC_URL (required without the demo county), else
    /// where the demo listens. A request's Host header is never used: anyone can send any.
    var publicBase: String { options.publicURL ?? options.listenBase ?? "http://127.0.0.1:8080" }
}

struct JiujinContextKey: StorageKey {
    typealias Value = JiujinContext
}

extension Application {
    public var jiujin: JiujinContext {
        guard let c = storage[JiujinContextKey.self] else { fatalError("configure(_:) has not run") }
        return c
    }
}

extension Request {
    var jiujin: JiujinContext { application.jiujin }
    /// The address QR codes on this request's pages point to.
    var publicBase: String { jiujin.publicBase }
}
