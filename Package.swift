// swift-tools-version:6.0
import PackageDescription
import Foundation

// MARK: - CPU features
//
// One binary runs well on every x86-64 (and aarch64) CPU: the engine's hot loops are C (`CKernels`),
// compiled once per instruction set with target attributes (baseline, AVX2 + FMA, AVX-512) and chosen at
// run time from what the CPU has; OpenBLAS picks its kernels at run time too. The rest (elementwise
// layers, resizing, drawing) is vectorised Swift for the baseline of the architecture (SSE2 on x86-64,
// NEON on aarch64). `FER_LIVE_MARCH=haswell swift build` (an LLVM CPU name: nehalem, haswell, znver3,
// ...) compiles that Swift for a newer CPU, which the binary then needs; nothing is chosen from the build
// host any more.
func marchFromEnvironment() -> String? {
    #if arch(x86_64)
    guard let march = ProcessInfo.processInfo.environment["FER_LIVE_MARCH"], !march.isEmpty else { return nil }
    return march
    #else
    return nil
    #endif
}

/// Whether the CPU `march` names has FMA (Haswell, Zen and later).
func marchHasFMA(_ march: String) -> Bool {
    !["x86-64", "core2", "penryn", "nehalem", "corei7", "westmere", "sandybridge", "corei7-avx", "ivybridge",
      "core-avx-i", "btver2", "bdver1"].contains(march)
}

let cpuSwiftSettings: [SwiftSetting] = marchFromEnvironment().map { march in
    [.unsafeFlags(["-Xcc", "-march=\(march)", "-target-cpu", march])] + (marchHasFMA(march) ? [.define("FER_LIVE_FMA")] : [])
} ?? []
let cpuCSettings: [CSetting] = marchFromEnvironment().map { [.unsafeFlags(["-march=\($0)"])] } ?? []

let package = Package(
    name: "fer-live",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fer-live", targets: ["fer-live"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // MARK: - System libraries and C shims
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng16",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CSDL2", pkgConfig: "sdl2",
            providers: [.apt(["libsdl2-dev"])]),
        .systemLibrary(
            name: "CSDL2TTF", pkgConfig: "SDL2_ttf",
            providers: [.apt(["libsdl2-ttf-dev", "fonts-dejavu-core"])]),
        .systemLibrary(
            name: "CV4L2", pkgConfig: "libv4l2",
            providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CMosquitto", pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]),
        .target(name: "CShims", dependencies: ["CV4L2"], cSettings: cpuCSettings),

        // MARK: - Inference: ONNX models on the CPU
        // onnx.pb.swift is generated from onnx.proto (onnx 1.23.2) with protoc 3.21 and
        // protoc-gen-swift 1.39: `protoc --swift_opt=Visibility=Public --swift_out=. onnx.proto`.
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["onnx.proto"]),
        // The hot loops in C, one variant per instruction set (baseline, AVX2, AVX-512), chosen at run time.
        .target(name: "CKernels"),
        .target(
            name: "Inference",
            dependencies: ["ONNXProto", "COpenBLAS", "CKernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: cpuSwiftSettings),

        // MARK: - Imaging: decode, resize, crop, draw, encode
        .target(
            name: "Imaging",
            dependencies: ["CTurboJPEG", "CPNG"],
            swiftSettings: cpuSwiftSettings),
        // Text on images (labels, the HUD) with SDL2_ttf, apart so that Imaging links no SDL.
        .target(name: "TextRendering", dependencies: ["CSDL2", "CSDL2TTF", "Imaging"]),

        // MARK: - Capture: cameras (V4L2), video files and pipes, image folders
        .target(
            name: "Capture",
            dependencies: ["CV4L2", "CShims", "Imaging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: cpuSwiftSettings),
        // An in-process V4L2 device emulator behind the capture seam, for tests and end-to-end runs.
        .target(name: "V4L2Emulation", dependencies: ["Capture", "CV4L2", "CShims", "Imaging"]),

        // MARK: - Recognition stages
        .target(
            name: "Detection",
            dependencies: ["Inference", "Imaging"],
            swiftSettings: cpuSwiftSettings),
        .target(
            name: "Classification",
            dependencies: ["Inference", "Imaging"],
            swiftSettings: cpuSwiftSettings),
        .target(
            name: "FaceAnalysis",
            dependencies: ["Detection", "Classification", "Imaging", "TextRendering"],
            swiftSettings: cpuSwiftSettings),
        .target(name: "Evaluation", dependencies: ["Classification", "Imaging", "Tracking"]),

        // MARK: - Tracking: faces followed from frame to frame
        .target(
            name: "Tracking",
            dependencies: ["Imaging", "Detection"],
            swiftSettings: cpuSwiftSettings),

        // MARK: - Pipeline: decode → detect/track → classify → smooth → sinks
        .target(
            name: "Pipeline",
            dependencies: [
                "Capture", "Imaging", "Detection", "Tracking", "Classification",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: cpuSwiftSettings),

        // MARK: - Display: the SDL2 overlay window
        .target(
            name: "Display",
            dependencies: ["CSDL2", "Imaging", "TextRendering"],
            swiftSettings: cpuSwiftSettings),

        // MARK: - Service: systemd integration and the daemon's lifecycle (one ServiceGroup)
        .target(
            name: "Service",
            dependencies: [
                "Pipeline", "Capture", "HTTPAPI", "MQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: cpuSwiftSettings),

        // MARK: - HTTP API: metrics, health, tracks, events
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Pipeline", "Capture", "Imaging", "Classification", "FaceAnalysis", "TextRendering",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: - MQTT: events to a broker, in the conventions of Frigate and Home Assistant
        .target(
            name: "MQTT",
            dependencies: [
                "CMosquitto", "Pipeline", "Imaging",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: - Reporting: event logs → a page and a CSV for the people who asked the question
        .target(name: "Reporting", dependencies: ["CZlib", "Classification"]),

        // MARK: - Settings: `key = value` files whose keys are the run command's long options
        .target(name: "Settings"),

        // MARK: - The command-line tool
        .executableTarget(
            name: "fer-live",
            dependencies: [
                "FaceAnalysis", "Evaluation", "Inference", "Capture", "V4L2Emulation", "Tracking", "Pipeline", "Display",
                "Service", "HTTPAPI", "Reporting", "MQTT", "Settings", "Imaging", "Detection", "Classification",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: cpuSwiftSettings),

        // MARK: - Fuzzing: every parser of untrusted bytes as a libFuzzer target (./dev.sh fuzz)
        .target(
            name: "FuzzTargets",
            dependencies: [
                "Capture", "V4L2Emulation", "Imaging", "Inference", "Detection", "Classification", "Settings",
                "FaceAnalysis", "HTTPAPI", .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "fer-live-fuzz", dependencies: ["FuzzTargets"]),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["Imaging", "ONNXProto"], path: "Tests/TestSupport"),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "ONNXProto", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TextRendering", "CTurboJPEG", "TestSupport"]),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "Imaging", "TestSupport"]),
        .testTarget(name: "ClassificationTests", dependencies: ["Classification", "Evaluation", "Imaging", "TestSupport"]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["Inference", "Imaging", "Detection", "Classification", "FaceAnalysis", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Imaging", "TestSupport"]),
        .testTarget(
            name: "CaptureTests",
            dependencies: [
                "Capture", "V4L2Emulation", "CTurboJPEG", "Imaging", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "Detection", "FaceAnalysis", "Imaging", "TestSupport"]),
        .testTarget(name: "PipelineTests",
                    dependencies: ["Pipeline", "Capture", "Imaging", "Detection", "Classification", "FaceAnalysis", "Tracking", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ServiceTests",
                    dependencies: ["Service", "Pipeline", "Capture", "Classification", "Detection", "FaceAnalysis", "Imaging",
                                   "Tracking", "TestSupport", .product(name: "Logging", package: "swift-log"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "HTTPAPI", "Pipeline", "Capture", "Imaging", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "Pipeline", "Imaging", "Classification", "TestSupport",
                                                .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings"]),
        .testTarget(name: "DisplayTests", dependencies: ["Display", "Imaging", "CSDL2", "Detection", "FaceAnalysis", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
