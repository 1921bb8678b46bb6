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
        let entry = Entry(version: version, day: day, body: body)
        entries.update { all in
            if all.count >= capacity, all[key] == nil {
                all = all.filter { $0.value.version == version && $0.value.day == day }
                if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            }
            all[key] = entry
        }
        return Self.json(body)
    }

    private static func json(_ body: ByteBuffer) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}
