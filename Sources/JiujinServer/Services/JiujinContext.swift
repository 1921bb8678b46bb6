import Crypto
import Fluent
import Foundation
import JiujinCore
import Vapor

/// What every handler shares: the clock, the calendar, the directory
/// snapshot, the write gate and the metrics. Kept in `app.storage`.
public final class JiujinContext: Sendable {
    let gate: AsyncGate
    let metrics = ServerMetrics()
    let options: ServerOptions
    let dispatcher: NotificationDispatcher
    /// Seals the seal keys at rest and keys the licence library's holder hashes.
    let masterKey: SymmetricKey
    private let calendarBox: LockedBox<WorkingDayCalendar>
    private let directoryBox: LockedBox<Directory>

    private let clockOverride: LockedBox<Date?>

    init(options: ServerOptions, serializeWrites: Bool, sender: any NotificationSender, masterKey: SymmetricKey) {
        self.options = options
        self.masterKey = masterKey
        dispatcher = NotificationDispatcher(sender: sender)
        clockOverride = LockedBox(options.fixedNow)
        gate = AsyncGate(enabled: serializeWrites)
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

    func reloadDirectory(_ db: Database) async throws {
        directoryBox.value = try await Directory.load(from: db)
    }

    /// The built-in years, overridden and extended by the years stored in the database.
    func reloadCalendar(_ db: Database) async throws {
        var calendar = WorkingDayCalendar()
        for row in try await CalendarYearModel.query(on: db).all() { calendar.load(try row.domain()) }
        calendarBox.value = calendar
    }
}

/// A value behind a lock, readable and replaceable from any thread.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Reads and changes the value under one lock.
    func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
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
}

/// How the server is started.
public struct ServerOptions: Sendable {
    public enum Storage: Sendable {
        /// A SQLite file in the data directory.
        case sqliteFile(directory: String)
        /// A throwaway SQLite database (tests).
        case sqliteMemory
        /// PostgreSQL; `schema`, when set, is created and used as the search path (tests run side by side this way).
        case postgres(url: String, schema: String? = nil)
    }

    public var storage: Storage
    /// Load the demo county when the database is empty.
    public var loadDemo: Bool
    /// Fixed clock for tests; nil = the real time.
    public var fixedNow: Date?
    /// Run the notification dispatcher in the background (tests drive it by hand).
    public var backgroundJobs: Bool

    public init(storage: Storage, loadDemo: Bool = true, fixedNow: Date? = nil, backgroundJobs: Bool = true) {
        self.storage = storage
        self.loadDemo = loadDemo
        self.fixedNow = fixedNow
        self.backgroundJobs = backgroundJobs
    }

    /// From the environment: DATABASE_URL selects PostgreSQL, otherwise a SQLite
    /// file in JIUJIN_DATA_DIR (default ./data).
    public static func fromEnvironment(loadDemo: Bool = true) -> ServerOptions {
        if let url = Environment.get("DATABASE_URL"), !url.isEmpty {
            return ServerOptions(storage: .postgres(url: url), loadDemo: loadDemo)
        }
        return ServerOptions(storage: .sqliteFile(directory: Environment.get("JIUJIN_DATA_DIR") ?? "./data"), loadDemo: loadDemo)
    }
}
