/// A QR code symbol (二维码) per ISO/IEC 18004: byte mode, error-correction
/// levels L, M, Q and H, versions 1–40 chosen by size, and the mask with the
/// lowest penalty. Pure Swift, no dependencies; renders SVG for pages and print.
public struct QRCode: Sendable, Equatable {
    /// Error-correction level: roughly 7 %, 15 %, 25 % and 30 % of codewords recoverable.
    public enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        /// The two format-information bits.
        var formatBits: Int {
            switch self {
            case .low: return 1
            case .medium: return 0
            case .quartile: return 3
            case .high: return 2
            }
        }
    }

    public enum EncodingError: Error, Equatable {
        /// Even version 40 cannot hold this many bytes at this level.
        case dataTooLong(bytes: Int, level: ErrorCorrection)
    }

    public let version: Int
    public let level: ErrorCorrection
    public let mask: Int
    public let size: Int
    private let modules: [Bool]

    /// Whether the module at column x, row y is dark.
    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes bytes (UTF-8 text is just bytes) at the given level, in the smallest version that holds them.
    public static func encode(_ data: [UInt8], level: ErrorCorrection = .medium, mask forcedMask: Int? = nil) throws -> QRCode {
        guard let version = (1...40).first(where: { dataCapacityBits(version: $0, level: level) >= bitsNeeded(data.count, version: $0) }) else {
            throw EncodingError.dataTooLong(bytes: data.count, level: level)
        }
        let codewords = addErrorCorrection(dataCodewords(data, version: version, level: level), version: version, level: level)
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.drawCodewords(codewords)
        var bestMask = forcedMask ?? 0
        if forcedMask == nil {
            var bestPenalty = Int.max
            for m in 0..<8 {
                var trial = grid
                trial.applyMask(m)
                trial.drawFormatBits(level: level, mask: m)
                let p = trial.penalty()
                if p < bestPenalty { bestPenalty = p; bestMask = m }
            }
        }
        grid.applyMask(bestMask)
        grid.drawFormatBits(level: level, mask: bestMask)
        return QRCode(version: version, level: level, mask: bestMask, size: grid.size, modules: grid.modules)
    }

    public static func encode(_ text: String, level: ErrorCorrection = .medium) throws -> QRCode {
        try encode(Array(text.utf8), level: level)
    }

    /// An SVG image with a quiet zone of `border` modules (4 is the standard's minimum).
    public func svg(border: Int = 4, dark: String = "#000", light: String = "#fff") -> String {
        let dim = size + 2 * border
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else { x += 1; continue }
                let start = x
                while x < size && self[x, y] { x += 1 }
                path += "M\(start + border) \(y + border)h\(x - start)v1h-\(x - start)z"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(dim) \(dim)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(dim)\" height=\"\(dim)\" fill=\"\(light)\"/><path d=\"\(path)\" fill=\"\(dark)\"/></svg>"
    }

    /// A binary PGM (P5) image, `scale` pixels per module: any image tool reads it.
    public func pgm(scale: Int = 4, border: Int = 4) -> [UInt8] {
        let dim = (size + 2 * border) * scale
        var out = Array("P5\n\(dim) \(dim)\n255\n".utf8)
        out.reserveCapacity(out.count + dim * dim)
        for py in 0..<dim {
            let y = py / scale - border
            for px in 0..<dim {
                let x = px / scale - border
                let dark = x >= 0 && y >= 0 && x < size && y < size && self[x, y]
                out.append(dark ? 0 : 255)
            }
        }
        return out
    }

    // MARK: capacity

    static func bitsNeeded(_ count: Int, version: Int) -> Int { 4 + (version <= 9 ? 8 : 16) + 8 * count }

    static func rawDataModules(version v: Int) -> Int {
        var result = (16 * v + 128) * v + 64
        if v >= 2 {
            let align = v / 7 + 2
            result -= (25 * align - 10) * align - 55
            if v >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewordCount(version: Int, level: ErrorCorrection) -> Int {
        rawDataModules(version: version) / 8 - eccPerBlock[level.rawValue][version] * blockCount[level.rawValue][version]
    }

    static func dataCapacityBits(version: Int, level: ErrorCorrection) -> Int { dataCodewordCount(version: version, level: level) * 8 }

    // MARK: data and error correction

    static func dataCodewords(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(data.count, count: version <= 9 ? 8 : 16)
        for b in data { bits.append(Int(b), count: 8) }
        let capacity = dataCapacityBits(version: version, level: level)
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var pad: UInt8 = 0xEC
        while bits.count < capacity {
            bits.append(Int(pad), count: 8)
            pad ^= 0xEC ^ 0x11
        }
        return bits.bytes
    }

    static func addErrorCorrection(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = blockCount[level.rawValue][version]
        let eccLen = eccPerBlock[level.rawValue][version]
        let raw = rawDataModules(version: version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLen = raw / blocks
        let divisor = ReedSolomon.divisor(degree: eccLen)
        var out: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let len = shortLen - eccLen + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<(k + len)])
            k += len
            let ecc = ReedSolomon.remainder(block, divisor: divisor)
            if i < shortBlocks { block.append(0) }
            out.append(block + ecc)
        }
        var result: [UInt8] = []
        result.reserveCapacity(raw)
        for i in 0..<out[0].count {
            for (j, block) in out.enumerated() where i != shortLen - eccLen || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }

    // Tables of ISO/IEC 18004 Table 9, indexed [level][version]; index 0 is unused.
    static let eccPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]
    static let blockCount: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}

/// Bits appended most-significant first.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> i) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8)) }
            count += 1
        }
    }
}

/// Reed–Solomon over GF(2^8) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial of the given degree, highest coefficient first, leading 1 dropped.
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
