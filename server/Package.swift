// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tars-server",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "tars-server", targets: ["tars-server"])],
    targets: [
        .target(name: "TarsServer"),
        .executableTarget(name: "tars-server", dependencies: ["TarsServer"]),
        .testTarget(name: "TarsServerTests", dependencies: ["TarsServer"]),
    ],
    swiftLanguageModes: [.v6]
)
