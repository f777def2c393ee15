// swift-tools-version:6.0
import PackageDescription

// Module boundaries follow ../shared/DESIGN.md: ChartRender never does network I/O, KubeClient
// knows nothing of charts, the CLI holds no business logic.
let package = Package(
    name: "tarsctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tarsctl", targets: ["tarsctl"]),
        .library(name: "ChartRender", targets: ["ChartRender"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "tarsctl",
            dependencies: [
                "ChartRender", "KubeClient", "Validation", "Releases", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Linux executables export every symbol (~40,000 here) to the dynamic table by
            // default. Nothing looks them up, but the start-up pays: the Swift runtime's
            // backtracer calls dladdr in a static initializer, which scans that table, and the
            // loader has it to map and search. Without it `tarsctl --version` starts ~1.5 ms
            // sooner, in every command. The full symbol table (.symtab) stays in the binary.
            // Linked as a fixed-address executable (not PIE), as Go links kubectl and helm: a PIE
            // makes the loader apply ~130,000 relative relocations (a 3 MB table, and a
            // copy-on-write fault for each page they touch) before main; without them
            // `tarsctl --version` starts ~0.7 ms sooner. The cost: the executable's own image is
            // not address-randomized (libraries, stack and heap still are).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic", "-Xclang-linker", "-no-pie"], .when(platforms: [.linux]))]
        ),
        .target(
            name: "ChartRender",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Validation",
            dependencies: [
                "ChartRender", "KubeClient", .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Schema/Bundle")]
        ),
        .target(
            name: "Releases",
            dependencies: [
                "ChartRender", "KubeClient", "CZlib",
            ]
        ),
        // The system zlib, for release records (Releases/Storage/SegmentedGzip.swift: segmented gzip and gunzip).
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "Sandbox",
            dependencies: [
                "KubeClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // HTTP/2 over ALPN, as the real API server speaks it (AsyncHTTPClient already depends on it).
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Helpers that keep the tests' blocking waits (child processes) off the concurrency pool.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ChartRenderTests", dependencies: ["ChartRender", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KubeClientTests", dependencies: [
            "KubeClient", "Sandbox", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "KubeClient", "TestSupport"], exclude: ["ReportData", "SecurityFixtures", "Corpus"]),
        .testTarget(name: "ReleasesTests", dependencies: ["Releases", "Sandbox", "TestSupport", "CZlib"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "TestSupport"]),
        .testTarget(name: "tarsctlTests", dependencies: ["ChartRender", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
