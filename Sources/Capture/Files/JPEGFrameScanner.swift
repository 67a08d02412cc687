import Glibc

/// Splits a byte stream of concatenated JPEGs into whole frames by parsing JPEG markers.
///
/// From SOI, marker segments are skipped by their lengths (so APP1/EXIF thumbnails, which hold
/// whole JPEGs of their own, are passed over); after each SOS the entropy-coded data is scanned for
/// the first 0xFF that is not stuffing (FF 00), a restart marker (FF D0-D7) or fill (FF FF). EOI ends
/// the frame; another marker (DHT, SOS of a progressive JPEG, ...) resumes segment parsing. Anything
/// that breaks these rules makes the frame "damaged": the scanner reports it and looks for the next SOI.
struct JPEGFrameScanner {
    /// One complete frame.
    struct Frame {
        var bytes: [UInt8]
        /// From the SOF segment (0 if none was seen).
        var width: Int
        var height: Int
    }

    /// What was dropped while looking for the next frame.
    enum Skip {
        /// Bytes between frames that are not a JPEG (count).
        case garbage(Int)
        /// A frame that started but is not a valid JPEG (reason).
        case damaged(String)
        /// A frame cut off by the end of the stream (bytes it had).
        case truncated(Int)
    }

    /// Frames larger than this are treated as damaged (a lost EOI would otherwise swallow the stream).
    var maximumFrameSize = 64 << 20

    private enum Phase { case segments, entropy }

    /// The next complete frame from `stream`, or nil at its end; `skipped` is called for every
    /// garbage run, damaged frame and truncated frame passed over on the way.
    func next(from stream: ByteStream, skipped: (Skip) -> Void) throws -> Frame? {
        var garbage = 0
        // After a damaged frame, the bytes up to the next SOI are the rest of that frame, not a new skip.
        var afterDamage = false
        func flushGarbage() {
            if garbage > 0, !afterDamage { skipped(.garbage(garbage)) }
            garbage = 0
            afterDamage = false
        }
        while true {
            // Find SOI (FF D8) at the front of the buffer, dropping what comes before it.
            guard try stream.fill(atLeast: 2) else {
                garbage += stream.available
                stream.consume(stream.available)
                flushGarbage()
                return nil
            }
            let soi = JPEGFrameScanner.findSOI(stream.bytes)
            if soi > 0 {
                garbage += soi
                stream.consume(soi)
                continue
            }
            flushGarbage()

            switch try scanFrame(stream) {
            case .complete(let length, let width, let height):
                let bytes = Array(stream.bytes[..<length])
                stream.consume(length)
                return Frame(bytes: bytes, width: width, height: height)
            case .truncated:
                let count = stream.available
                stream.consume(count)
                if !stream.isCancelled { skipped(.truncated(count)) }
                return nil
            case .damaged(let length, let reason):
                stream.consume(length)
                skipped(.damaged(reason))
                afterDamage = true
            }
        }
    }

    private enum Outcome {
        /// A frame of `length` bytes at the front of the buffer.
        case complete(length: Int, width: Int, height: Int)
        /// The stream ended inside the frame.
        case truncated
        /// Not a valid frame: drop `length` bytes and look for the next SOI.
        case damaged(length: Int, reason: String)
    }

    /// Parses the frame starting with SOI at the front of the buffer. Offsets are relative to the
    /// buffer's front, which stays the frame start while more data is read.
    private func scanFrame(_ stream: ByteStream) throws -> Outcome {
        var position = 2
        var phase = Phase.segments
        var width = 0, height = 0
        var sawScan = false

        /// Ensures `count` bytes from `position` are buffered (false at the end of the stream).
        func need(_ count: Int) throws -> Bool {
            try stream.fill(atLeast: position + count)
        }

        while true {
            if position > maximumFrameSize {
                return .damaged(length: 2, reason: "no end of image within \(maximumFrameSize) bytes")
            }
            switch phase {
            case .segments:
                guard try need(2) else { return .truncated }
                let bytes = stream.bytes
                guard bytes[position] == 0xFF else {
                    return .damaged(length: max(position, 2),
                                    reason: String(format0x: bytes[position], "expected a marker, found byte", at: position))
                }
                let marker = bytes[position + 1]
                switch marker {
                case 0xFF:
                    position += 1  // fill byte before a marker
                case 0xD8:
                    return .damaged(length: position, reason: "new start of image at byte \(position) before the end of this one")
                case 0xD9:
                    guard sawScan else {
                        return .damaged(length: position + 2, reason: "end of image before any scan (SOS)")
                    }
                    return .complete(length: position + 2, width: width, height: height)
                case 0x01, 0xD0...0xD7:
                    position += 2  // standalone markers
                default:
                    guard try need(4) else { return .truncated }
                    let b = stream.bytes
                    let length = Int(b[position + 2]) << 8 | Int(b[position + 3])
                    guard length >= 2 else {
                        return .damaged(length: position + 2, reason: "segment FF\(hex(marker)) has length \(length)")
                    }
                    if JPEGFrameScanner.isStartOfFrame(marker) {
                        guard length >= 8 else {
                            return .damaged(length: position + 2, reason: "SOF segment of \(length) bytes is too short")
                        }
                        guard try need(9) else { return .truncated }
                        let s = stream.bytes
                        height = Int(s[position + 5]) << 8 | Int(s[position + 6])
                        width = Int(s[position + 7]) << 8 | Int(s[position + 8])
                    }
                    guard try need(2 + length) else { return .truncated }
                    position += 2 + length
                    if marker == 0xDA {
                        sawScan = true
                        phase = .entropy
                    }
                }
            case .entropy:
                // Look for the next 0xFF in what is buffered; read more when there is none.
                let bytes = stream.bytes
                guard position < bytes.count else {
                    guard try need(1) else { return .truncated }
                    continue
                }
                let base = bytes.baseAddress! + position
                guard let found = memchr(base, 0xFF, bytes.count - position) else {
                    position = bytes.count
                    continue
                }
                position += UnsafeRawPointer(found) - UnsafeRawPointer(base)
                guard try need(2) else { return .truncated }
                let next = stream.bytes[position + 1]
                switch next {
                case 0x00, 0xD0...0xD7:
                    position += 2  // stuffed byte or restart marker: still entropy-coded data
                case 0xFF:
                    position += 1  // fill: the next 0xFF starts the marker
                default:
                    phase = .segments  // EOI, or DHT/SOS/... between progressive scans
                }
            }
        }
    }

    /// The offset of the first FF D8 in `bytes` (or a last lone FF that may start one), else `bytes.count`.
    static func findSOI(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < bytes.count {
            guard let found = memchr(bytes.baseAddress! + i, 0xFF, bytes.count - i) else { return bytes.count }
            i = UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
            if i + 1 == bytes.count || bytes[i + 1] == 0xD8 { return i }
            i += 1
        }
        return bytes.count
    }

    /// SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Width and height from the SOF of a whole JPEG in memory (0, 0 if there is none before the first scan).
    static func frameSize(of bytes: UnsafeRawBufferPointer) -> (width: Int, height: Int) {
        var i = 2
        while i + 9 <= bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xDA || marker == 0xD9 { break }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if isStartOfFrame(marker) {
                return (Int(bytes[i + 7]) << 8 | Int(bytes[i + 8]), Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]))
            }
            if length < 2 { break }
            i += 2 + length
        }
        return (0, 0)
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}

private extension String {
    init(format0x byte: UInt8, _ text: String, at position: Int) {
        self = "\(text) 0x\(hex(byte)) at byte \(position)"
    }
}
