import KubeClient

/// A release record that is not a readable Helm release Secret, naming the Secret.
public struct ReleaseSecretError: Error, Sendable, CustomStringConvertible, Equatable {
    public var secret: String
    public var reason: String
    public var description: String { "Secret \(secret): \(reason)" }
}

/// Helm's Secret storage driver format (`helm.sh/release.v1`): one Secret per revision, named
/// `sh.helm.release.v1.NAME.vREVISION`, whose `release` data entry holds
/// base64(gzip(release JSON)). Secret data is itself base64 on the wire, so the value a
/// `kubectl get secret -o yaml` shows (and the value in the objects here) is base64 twice.
public enum ReleaseSecret {
    public static let type = "helm.sh/release.v1"
    public static let owner = "helm"
    /// Labels the storage driver owns; user labels with these keys are refused, and these are
    /// not reported as user labels when a record is read.
    public static let systemLabels: Set<String> = ["name", "owner", "status", "version", "createdAt", "modifiedAt"]

    public static func name(release: String, revision: Int) -> String { "sh.helm.release.v1.\(release).v\(revision)" }

    /// Which write this is: Helm labels a created record `createdAt`, an updated one `modifiedAt`
    /// (an update replaces the labels, so it carries no `createdAt`).
    public enum Write: Sendable { case create, update }

    /// The Secret object (as sent to the API server) holding `release`. The payload is gzipped at
    /// best compression, as Helm does, in segments (`compressedRecord`), so the records an
    /// operation writes one after another compress only what changed.
    public static func encode(_ release: Release, write: Write, now: GoTime = .now()) throws -> JSON {
        var labels: [String: JSON] = [:]
        for (k, v) in release.labels where !systemLabels.contains(k) { labels[k] = .string(v) }
        labels[write == .create ? "createdAt" : "modifiedAt"] = .string(String(now.seconds))
        labels["name"] = .string(release.name)
        labels["owner"] = .string(owner)
        labels["status"] = .string(release.status.rawValue)
        labels["version"] = .string(String(release.version))
        let helmValue = Base64.encode(try compressedRecord(release).gzip)
        var secret: JSON = [
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": [
                "name": .string(name(release: release.name, revision: release.version)),
                "namespace": .string(release.namespace),
                "labels": .object(labels),
            ],
            "type": .string(type),
            // Helm's driver stores the base64 text as the data bytes; the API encodes bytes as base64.
            "data": ["release": .string(Base64.encode(Array(helmValue.utf8)))],
        ]
        if write == .update, let version = release.storageVersion {
            secret[path: ["metadata", "resourceVersion"]] = .string(version)
        }
        return secret
    }

    /// The release a Secret object holds. Accepts gzip-compressed and plain JSON payloads, as
    /// Helm's decoder does (it checks for the gzip magic bytes).
    public static func decode(_ secret: JSON) throws -> Release {
        let secretName = secret[path: ["metadata", "name"]]?.stringValue ?? "(unnamed)"
        func fail(_ reason: String) -> ReleaseSecretError { ReleaseSecretError(secret: secretName, reason: reason) }
        guard let wire = secret[path: ["data", "release"]]?.stringValue else {
            throw fail("has no data entry \"release\"; it is not a Helm release record")
        }
        guard let helmText = Base64.decode(wire) else { throw fail("data \"release\" is not valid base64") }
        guard let payload = Base64.decode(String(decoding: helmText, as: UTF8.self)) else {
            throw fail("the release record inside data \"release\" is not valid base64")
        }
        let json: [UInt8]
        if payload.starts(with: [0x1F, 0x8B, 0x08]) {
            do {
                json = try gunzip(payload)
            } catch {
                throw fail("the release record is not valid gzip data (\(error))")
            }
        } else {
            json = payload
        }
        var release: Release
        do {
            release = try ReleaseCodec.decode(json)
        } catch {
            throw fail("the release record cannot be read: \(error)")
        }
        release.storageVersion = secret[path: ["metadata", "resourceVersion"]]?.stringValue
        if let labels = secret[path: ["metadata", "labels"]]?.objectValue {
            for (k, v) in labels where !systemLabels.contains(k) {
                if let s = v.stringValue { release.labels[k] = s }
            }
        }
        return release
    }

    /// gzip at best compression of the release JSON (`ReleaseCodec.encode`), and how many of its
    /// bytes this call compressed: the segments `ReleaseCodec.segments` cuts that were compressed
    /// lately (or are being compressed, by `precompress`) come from `cache`.
    static func compressedRecord(_ release: Release, cache: RecentResults<SegmentedGzip.Key, SegmentedGzip.Deflated> = SegmentedGzip.shared)
        throws -> (gzip: [UInt8], compressed: Int) {
        let (json, cuts) = ReleaseCodec.segments(release)
        return try SegmentedGzip.gzip(json, cuts: cuts, cache: cache)
    }

    /// Compresses the chart segment of records holding `chart` ahead of time, on the calling
    /// thread, so that writing them later only compresses the rest. The engine calls it from
    /// another thread while the chart renders.
    static func precompress(chart: ChartRecord) {
        SegmentedGzip.precompress(ReleaseCodec.chartSegment(chart))
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        // A release record is at most a Secret's 1 MiB, compressed; bound the output generously.
        try SegmentedGzip.gunzip(bytes, maxSize: 256 << 20)
    }
}
