import Foundation

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
