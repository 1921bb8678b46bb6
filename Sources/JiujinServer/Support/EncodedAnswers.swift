import JiujinCore
import NIOCore
import Vapor

/// Public answers kept encoded (已编码答复): a guide or a search that depends
/// only on the directory snapshot and the day is encoded to JSON once and then
/// served as bytes, until the snapshot's version or the day moves on. Answers
/// that depend on who asks (an agent's colours) are never kept. Bounded: when
/// full, entries of older versions go first, then everything.
final class EncodedAnswers: Sendable {
    private struct Entry: Sendable {
        var version: Int
        var day: LocalDate
        var body: ByteBuffer
    }

    private let entries = LockedBox<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.value.count }

    /// The answer for `key` at this directory version and day, encoded by `make` when not kept yet.
    func response<T: Encodable>(key: String, version: Int, day: LocalDate, _ make: () throws -> T) throws -> Response {
        if let kept = entries.value[key], kept.version == version, kept.day == day { return Self.json(kept.body) }
        var body = ByteBuffer()
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(try make(), to: &body, headers: &headers)
        keep(key, Entry(version: version, day: day, body: body))
        return Self.json(body)
    }

    /// A public page for `key` at this directory version and day, rendered by `make` when not kept yet.
    func page(key: String, version: Int, day: LocalDate, _ make: () async throws -> ByteBuffer) async throws -> Response {
        let stored = "page\u{1F}" + key
        if let kept = entries.value[stored], kept.version == version, kept.day == day { return Self.html(kept.body) }
        let body = try await make()
        keep(stored, Entry(version: version, day: day, body: body))
        return Self.html(body)
    }

    private func keep(_ key: String, _ entry: Entry) {
        entries.update { all in
            if all.count >= capacity, all[key] == nil {
                all = all.filter { $0.value.version == entry.version && $0.value.day == entry.day }
                if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            }
            all[key] = entry
        }
    }

    private static func html(_ body: ByteBuffer) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    private static func json(_ body: ByteBuffer) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}
