// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "QualityFlow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qflow", targets: ["qflow"]),
        .library(name: "QFlowEngine", targets: ["QFlowEngine"]),
        .library(name: "QFlowStats", targets: ["QFlowStats"]),
        .library(name: "QFlowProtocolFile", targets: ["QFlowProtocolFile"]),
        .library(name: "QFlowBPMN", targets: ["QFlowBPMN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in the graph through Hummingbird; named for the server's channel handler (slow headers) and TLS.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure layers: no I/O, no clock, no database.
        // SHA-256 and PBKDF2-HMAC-SHA256, dependency-free: content hashes, the event hash chain, passwords.
        .target(name: "QFlowCrypto"),
        // What every layer shares: the one Language and localized text, and the error protocol with its kinds.
        .target(name: "QFlowCore"),
        .target(name: "QFlowEngine", dependencies: ["QFlowCore", "QFlowCrypto"]),
        .target(name: "QFlowStats", dependencies: ["QFlowCore"]),
        // Adapter: protocol files (YAML) to engine specs, with source locations.
        .target(name: "QFlowProtocolFile", dependencies: ["QFlowEngine", "Yams"]),
        // Adapter: BPMN 2.0 XML (a documented subset) to and from engine specs and protocol files.
        .target(name: "QFlowBPMN", dependencies: ["QFlowEngine", "QFlowProtocolFile", "Yams"]),
        // Storage: the event log, projections and registries in one SQLite file. The only module with SQL.
        .target(
            name: "QFlowStore",
            dependencies: ["QFlowEngine", "QFlowCrypto", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Measures compared between cohorts: picks the test from the data's design.
        .target(name: "QFlowAnalysis", dependencies: ["QFlowStore", "QFlowStats", "QFlowEngine"]),
        // The main job: a reconstruction of the published study, replayed through the engine into a fresh database.
        .target(name: "QFlowDemo", dependencies: ["QFlowStore", "QFlowAnalysis", "QFlowProtocolFile", "QFlowEngine"]),
        // libxlsxwriter from Debian, through one module map; imported only by QFlowReports/XLSX.
        .systemLibrary(
            name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // Quality reports: workbooks (libxlsxwriter) and CSV for SPSS/R/Stata.
        .target(
            name: "QFlowReports",
            dependencies: [
                "CXLSXWriter", "QFlowStore", "QFlowAnalysis", "QFlowStats", "QFlowEngine", "QFlowProtocolFile", "Yams",
                "QFlowCrypto",
            ]),
        // The workstation: `qflow serve` (Hummingbird), pages and the JSON API over the store.
        .target(
            name: "QFlowServer",
            dependencies: [
                "QFlowStore", "QFlowEngine", "QFlowProtocolFile", "QFlowAnalysis", "QFlowReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]),
        // Command-line front end, as a library so that tests can drive it.
        .target(
            name: "QFlowCLI",
            dependencies: [
                "QFlowEngine", "QFlowStats", "QFlowProtocolFile", "QFlowBPMN", "QFlowStore", "QFlowAnalysis", "QFlowDemo",
                "QFlowReports", "QFlowServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "qflow", dependencies: ["QFlowCLI"]),
        .executableTarget(
            name: "qflow-bench", dependencies: [
                "QFlowEngine", "QFlowStats", "QFlowStore", "QFlowAnalysis", "QFlowDemo", "QFlowReports", "QFlowServer",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/qflow-bench"),
        .testTarget(name: "QFlowCoreTests", dependencies: ["QFlowCore"]),
        .testTarget(name: "QFlowCryptoTests", dependencies: ["QFlowCrypto"]),
        .testTarget(name: "QFlowEngineTests", dependencies: ["QFlowEngine", "QFlowCrypto"]),
        .testTarget(name: "QFlowStatsTests", dependencies: ["QFlowStats"], exclude: ["reference"]),
        .testTarget(
            name: "QFlowProtocolFileTests", dependencies: ["QFlowProtocolFile", "QFlowEngine", "Yams"]),
        .testTarget(
            name: "QFlowBPMNTests", dependencies: ["QFlowBPMN", "QFlowProtocolFile", "QFlowEngine"],
            exclude: ["spiff_roundtrip.py", "Fixtures"]),
        .testTarget(
            name: "QFlowStoreTests",
            dependencies: ["QFlowStore", "QFlowProtocolFile", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]),
        .testTarget(name: "QFlowAnalysisTests", dependencies: ["QFlowAnalysis", "QFlowProtocolFile"]),
        .testTarget(name: "QFlowDemoTests", dependencies: ["QFlowDemo"]),
        .testTarget(name: "QFlowServerTests", dependencies: ["QFlowServer", "QFlowProtocolFile"]),
        .testTarget(
            name: "QFlowReportsTests", dependencies: ["QFlowReports", "QFlowProtocolFile", "QFlowDemo"],
            exclude: ["read_xlsx.py"]),
        .testTarget(
            name: "QFlowCLITests",
            dependencies: [
                "QFlowCLI", "QFlowEngine", "QFlowStore", "QFlowBPMN", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
