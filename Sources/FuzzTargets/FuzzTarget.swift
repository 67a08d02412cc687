/// One parser fer-live exposes to untrusted bytes, as a libFuzzer entry: the bytes go in, a thrown error is a
/// correct answer, a trap, hang or leak is a bug (`./dev.sh fuzz NAME SECONDS`).
public struct FuzzTarget: Sendable {
    /// The name `./dev.sh fuzz` and `FER_LIVE_FUZZ_TARGET` use.
    public let name: String
    /// What the bytes are and which code they reach.
    public let summary: String
    /// The largest input worth trying (libFuzzer's `-max_len`).
    public let maximumLength: Int
    private let body: @Sendable (UnsafeRawBufferPointer) -> Bool

    init(name: String, summary: String, maximumLength: Int, body: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool) {
        self.name = name
        self.summary = summary
        self.maximumLength = maximumLength
        self.body = body
    }

    /// Feeds one input through the parser (errors it throws are expected and dropped); true when the input was
    /// accepted all the way (parsed, planned, decoded), so a seed can be checked to reach past the parser.
    @discardableResult
    public func run(_ bytes: UnsafeRawBufferPointer) -> Bool {
        body(bytes)
    }

    /// `run` on an array.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// Every fuzz target, one per parser.
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        .mjpeg, .y4m, .image, .frame, .onnx, .haar, .manifest, .settings, .v4l2, .http,
    ]

    /// The target called `name`, or nil.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
