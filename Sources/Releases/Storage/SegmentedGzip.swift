import CZlib
import Foundation

/// A zlib call that failed (only when zlib runs out of memory or is misused).
struct ZlibError: Error, CustomStringConvertible {
    var call: String
    var status: Int32
    var description: String { "zlib \(call) failed with status \(status)" }
}

/// gzip at best compression of bytes cut into segments, pigz's way: each segment is its own raw
/// deflate stream, ended on a byte boundary by a sync flush (the last one by the final block), so
/// the streams concatenated after one gzip header are one gzip member any reader accepts. A
/// segment's compressed form depends only on its bytes (and its dictionary), so one that was
/// compressed before, for another record of the same operation, is reused: the pending and the
/// final record of an install differ only in their first segment.
enum SegmentedGzip {
    /// A segment as raw deflate, with what the gzip trailer needs.
    struct Deflated: Sendable {
        var bytes: [UInt8]
        var crc: UInt
        var count: Int
    }

    /// What a segment's compressed form depends on: its bytes, its preset dictionary, whether it
    /// ends the stream.
    struct Key: Equatable, Sendable {
        var bytes: ArraySlice<UInt8>
        var dictionary: ArraySlice<UInt8>
        var last: Bool

        static func == (a: Key, b: Key) -> Bool {
            a.last == b.last && same(a.bytes, b.bytes) && same(a.dictionary, b.dictionary)
        }

        static func same(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
            a.count == b.count && a.withUnsafeBytes { x in
                b.withUnsafeBytes { y in
                    guard let p = x.baseAddress, let q = y.baseAddress else { return true }  // both empty
                    return memcmp(p, q, x.count) == 0
                }
            }
        }
    }

    /// Segments compressed lately: an operation's records (pending, final, a superseded one) hold
    /// up to four each.
    static let shared = RecentResults<Key, Deflated>(capacity: 8)

    static let window = 32 * 1024

    /// The gzip member of `bytes` cut at `cuts` (ascending offsets inside it), and how many input
    /// bytes this call compressed itself (the others came from `cache`). Segments from the third
    /// on start from the previous one's last 32 KiB as preset dictionary (as pigz does), so
    /// matches reach back across the cut; the second does not, so that it stays the same when
    /// the first changes.
    static func gzip(_ bytes: [UInt8], cuts: [Int], cache: RecentResults<Key, Deflated> = shared,
                     disk: DiskCache? = .shared) throws -> (gzip: [UInt8], compressed: Int) {
        // ID1 ID2, deflate, no flags, no mtime, XFL 2 (best compression), OS 3 (Unix), as zlib writes it.
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 3]
        var crc = crc32(0, nil, 0)
        var compressed = 0
        let bounds = [0] + cuts + [bytes.count]
        for i in 0..<bounds.count - 1 {
            let start = bounds[i]
            // Copies, so that a cached segment does not keep the whole record alive.
            let key = Key(bytes: Array(bytes[start..<bounds[i + 1]])[...],
                          dictionary: i < 2 ? [] : Array(bytes[max(bounds[i - 1], start - window)..<start])[...],
                          last: i == bounds.count - 2)
            // Only the second segment (the chart's) is worth keeping on disk: the first holds the
            // record's times, the others its manifest and dictionary.
            let (segment, computed) = try cache.value(for: key) { try deflate(key, disk: i == 1 ? disk : nil) }
            if computed { compressed += segment.count }
            out += segment.bytes
            crc = crc32_combine(crc, segment.crc, off_t(segment.count))
        }
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: bytes.count)] {
            out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        }
        return (out, compressed)
    }

    /// Compresses `segment` into `cache` as a record's second segment (no dictionary, not the
    /// last), unless it is there already. A failure is left for the record's own write to report.
    static func precompress(_ segment: [UInt8], cache: RecentResults<Key, Deflated> = shared, disk: DiskCache? = .shared) {
        let key = Key(bytes: segment[...], dictionary: [], last: false)
        _ = try? cache.value(for: key) { try deflate(key, disk: disk) }
    }

    /// `deflate(key)`, through `disk` when given: callers give it for the chart's segment only
    /// (no dictionary, not the last, the same in every record of a chart version).
    static func deflate(_ key: Key, disk: DiskCache?) throws -> Deflated {
        guard let disk else { return try deflate(key) }
        if let found = disk.load(key.bytes) { return found }
        let made = try deflate(key)
        disk.store(made)
        return made
    }

    /// Compressed chart segments kept across processes, in `DIRECTORY/CRC32-SIZE.deflate`:
    /// compressing a chart of ~120 KB at level 9 takes ~2 ms, and every install or upgrade of the
    /// same chart version records the same bytes. A file is used only when inflating it gives
    /// back exactly the segment (so a stale, truncated or foreign file is never written into a
    /// record); otherwise the segment is compressed and the file replaced. Files are written
    /// whole (to a temporary name, then renamed), readable by the user only, and the oldest are
    /// removed beyond `limit` files; failures to read or write just mean compressing.
    struct DiskCache: Sendable {
        let directory: String
        var limit = 32

        /// `$XDG_CACHE_HOME/tarsctl/records`, else `~/.cache/tarsctl/records`; nil without either.
        static let shared: DiskCache? = {
            if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), !xdg.isEmpty { return DiskCache(directory: xdg + "/tarsctl/records") }
            if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return DiskCache(directory: home + "/.cache/tarsctl/records") }
            return nil
        }()

        func path(crc: UInt, count: Int) -> String {
            directory + "/" + String(crc, radix: 16) + "-" + String(count) + ".deflate"
        }

        func load(_ bytes: ArraySlice<UInt8>) -> Deflated? {
            let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
            guard let data = FileManager.default.contents(atPath: path(crc: crc, count: bytes.count)) else { return nil }
            let stored = [UInt8](data)
            guard SegmentedGzip.inflatesTo(stored, bytes) else { return nil }
            return Deflated(bytes: stored, crc: crc, count: bytes.count)
        }

        func store(_ segment: Deflated) {
            let fm = FileManager.default
            guard (try? fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil else { return }
            let final = path(crc: segment.crc, count: segment.count)
            let temporary = final + ".\(getpid()).tmp"
            guard fm.createFile(atPath: temporary, contents: Data(segment.bytes), attributes: [.posixPermissions: 0o600]) else { return }
            if rename(temporary, final) != 0 { unlink(temporary) }
            prune()
        }

        /// Removes the least recently written files beyond `limit`.
        func prune() {
            let fm = FileManager.default
            guard let names = try? fm.contentsOfDirectory(atPath: directory), names.count > limit else { return }
            let dated = names.filter { $0.hasSuffix(".deflate") }.map { name -> (String, Date) in
                let path = directory + "/" + name
                return (path, ((try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast)
            }
            for (path, _) in dated.sorted(by: { $0.1 > $1.1 }).dropFirst(limit) { unlink(path) }
        }
    }

    /// Whether the raw deflate data `deflated` (a sync-flushed segment) inflates to exactly `expected`.
    static func inflatesTo(_ deflated: [UInt8], _ expected: ArraySlice<UInt8>) -> Bool {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        defer { inflateEnd(&stream) }
        // One byte of room beyond the expected size, so that longer output is noticed.
        var out = [UInt8](repeating: 0, count: expected.count + 1)
        let status = deflated.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                return inflate(&stream, Z_SYNC_FLUSH)
            }
        }
        guard status == Z_OK || status == Z_STREAM_END, stream.avail_in == 0, Int(stream.total_out) == expected.count else { return false }
        return out.withUnsafeBufferPointer { o in
            expected.withUnsafeBufferPointer { e in e.count == 0 || memcmp(o.baseAddress!, e.baseAddress!, e.count) == 0 }
        }
    }

    /// One segment as raw deflate at level 9, ended by a sync flush or, for the last, the final block.
    static func deflate(_ key: Key) throws -> Deflated {
        var stream = z_stream()
        // Negative window bits: a raw stream, no zlib or gzip wrapper of its own.
        var status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ZlibError(call: "deflateInit2", status: status) }
        defer { deflateEnd(&stream) }
        if !key.dictionary.isEmpty {
            status = key.dictionary.withUnsafeBufferPointer { deflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count)) }
            guard status == Z_OK else { throw ZlibError(call: "deflateSetDictionary", status: status) }
        }
        let flush = key.last ? Z_FINISH : Z_SYNC_FLUSH
        var out: [UInt8] = []
        // Room for the whole result plus the flush marker, so one call normally does it.
        var buffer = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(key.bytes.count))) + 64)
        try key.bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            repeat {
                let capacity = buffer.count
                status = buffer.withUnsafeMutableBufferPointer { b in
                    stream.next_out = b.baseAddress
                    stream.avail_out = UInt32(capacity)
                    return CZlib.deflate(&stream, flush)
                }
                guard status == Z_OK || status == Z_STREAM_END else { throw ZlibError(call: "deflate", status: status) }
                out += buffer[..<(capacity - Int(stream.avail_out))]
            } while stream.avail_out == 0  // the output filled the buffer: zlib may hold more
        }
        let crc = key.bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        return Deflated(bytes: out, crc: crc, count: key.bytes.count)
    }

    /// The bytes of a gzip stream (one member, or several concatenated, as gzip readers accept),
    /// refusing output beyond `maxSize`. Truncated or corrupt input is an error.
    static func gunzip(_ gz: [UInt8], maxSize: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip wrapper, checked (header and CRC) by zlib.
        var status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ZlibError(call: "inflateInit2", status: status) }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: max(64 << 10, gz.count * 8))
        try gz.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let capacity = buffer.count
                status = buffer.withUnsafeMutableBufferPointer { b in
                    stream.next_out = b.baseAddress
                    stream.avail_out = UInt32(capacity)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                out += buffer[..<(capacity - Int(stream.avail_out))]
                guard out.count <= maxSize else { throw ZlibError(call: "inflate (more than \(maxSize) bytes)", status: Z_BUF_ERROR) }
                if status == Z_STREAM_END {
                    // Another member may follow (`cat a.gz b.gz`).
                    guard stream.avail_in > 0 else { return }
                    status = inflateReset(&stream)
                    guard status == Z_OK else { throw ZlibError(call: "inflateReset", status: status) }
                    continue
                }
                guard status == Z_OK else { throw ZlibError(call: "inflate", status: status) }
                // No progress with input left and room to write: the stream ends early.
                if stream.avail_in == 0 && stream.avail_out > 0 { throw ZlibError(call: "inflate (truncated input)", status: Z_BUF_ERROR) }
            }
        }
        return out
    }
}
