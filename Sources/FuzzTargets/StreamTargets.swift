import Capture
import Glibc

extension FuzzTarget {
    /// A concatenated-JPEG stream through `MJPEGSource` (frame scanner) and `FrameDecoder` (turbojpeg).
    static let mjpeg = FuzzTarget(
        name: "mjpeg", summary: "MJPEG stream: the JPEG frame scanner, then each frame decoded by turbojpeg",
        maximumLength: 16 << 10
    ) { bytes in
        withTemporaryDescriptor(holding: bytes) { fd in
            guard let source = try? MJPEGSource(fileDescriptor: fd, name: "fuzz.mjpeg") else { return false }
            return drain(source)
        }
    }

    /// A Y4M stream through `Y4MSource` (header and frame reader) and `FrameDecoder` (planar YUV).
    static let y4m = FuzzTarget(
        name: "y4m", summary: "Y4M stream: header parser, frame reader, planar YUV wrapping",
        maximumLength: 4 << 10
    ) { bytes in
        withTemporaryDescriptor(holding: bytes) { fd in
            guard let source = try? Y4MSource(fileDescriptor: fd, name: "fuzz.y4m") else { return false }
            return drain(source)
        }
    }
}

/// Reads and decodes every frame of `source`, as the pipeline does (at most 64); true when at least one frame
/// decoded.
private func drain(_ source: any FrameSource) -> Bool {
    guard let decoder = try? FrameDecoder(sourceName: source.name) else { return false }
    var decoded = false
    for _ in 0..<64 {
        guard let frame = try? source.next() else { break }
        if (try? decoder.decode(frame)) != nil { decoded = true }
    }
    return decoded
}

/// `body` with a descriptor of an unlinked temporary file holding `bytes`, positioned at its start.
private func withTemporaryDescriptor(holding bytes: UnsafeRawBufferPointer, _ body: (Int32) -> Bool) -> Bool {
    guard let file = tmpfile() else { fatalError("fuzz: tmpfile() failed") }
    defer { fclose(file) }
    if let base = bytes.baseAddress, bytes.count > 0 {
        guard fwrite(base, 1, bytes.count, file) == bytes.count else { fatalError("fuzz: write failed") }
    }
    fflush(file)
    rewind(file)
    return body(fileno(file))
}
