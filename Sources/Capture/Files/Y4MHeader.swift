import Imaging

/// The stream header of a YUV4MPEG2 (Y4M) file: `YUV4MPEG2 W640 H480 F30000:1001 Ip A1:1 C420jpeg XCOLORRANGE=FULL`.
public struct Y4MHeader: Sendable, Equatable {
    /// Frame width in pixels (W).
    public var width: Int
    /// Frame height in pixels (H).
    public var height: Int
    /// Frame rate as numerator and denominator (F), or nil when absent or 0:0 (unknown).
    public var frameRate: (numerator: Int, denominator: Int)?
    /// The colour space token (C) as written, "420jpeg" when absent.
    public var colorspace: String
    /// The sample range (XCOLORRANGE=FULL/LIMITED; limited when absent, as BT.601 video is).
    public var range: YUVRange
    /// How each frame's bytes are laid out.
    public var payload: FramePayload

    /// The accepted C values and their chroma subsampling (horizontal, vertical divisors; nil = no chroma).
    static let colorspaces: [String: (Int, Int)?] = [
        "420jpeg": (2, 2), "420paldv": (2, 2), "420mpeg2": (2, 2), "420": (2, 2),
        "422": (2, 1), "444": (1, 1), "mono": nil,
    ]

    /// The signature every Y4M stream starts with.
    public static let signature = Array("YUV4MPEG2 ".utf8)

    /// Bytes of one frame's payload.
    public var frameSize: Int {
        switch payload {
        case .planarYUV(let cw, let ch, _): return width * height + 2 * cw * ch
        default: return width * height
        }
    }

    /// Frames per second, if declared.
    public var framesPerSecond: Double? {
        frameRate.map { Double($0.numerator) / Double($0.denominator) }
    }

    public static func == (a: Y4MHeader, b: Y4MHeader) -> Bool {
        a.width == b.width && a.height == b.height && a.frameRate?.numerator == b.frameRate?.numerator
            && a.frameRate?.denominator == b.frameRate?.denominator && a.colorspace == b.colorspace
            && a.range == b.range && a.payload == b.payload
    }

    /// Parses the header line (without its newline); errors name `name` and the offending field.
    public static func parse(_ line: ArraySlice<UInt8>, name: String) throws -> Y4MHeader {
        guard line.starts(with: signature) else {
            throw FileSourceError.invalidHeader(name: name, field: "signature", detail: "does not start with \"YUV4MPEG2 \"")
        }
        var width: Int?, height: Int?
        var frameRate: (Int, Int)?
        var colorspace = "420jpeg"
        var range = YUVRange.limited
        for token in line.dropFirst(signature.count).split(separator: UInt8(ascii: " ")) {
            guard let tag = token.first else { continue }
            let value = String(decoding: token.dropFirst(), as: UTF8.self)
            switch tag {
            case UInt8(ascii: "W"): width = try dimension(value, field: "W", name: name)
            case UInt8(ascii: "H"): height = try dimension(value, field: "H", name: name)
            case UInt8(ascii: "F"):
                guard let ratio = ratio(value), ratio.0 >= 0, ratio.1 >= 0, (ratio.0 == 0) == (ratio.1 == 0) else {
                    throw FileSourceError.invalidHeader(name: name, field: "F", detail: "'\(value)' is not a frame rate like 30000:1001")
                }
                frameRate = ratio.0 == 0 ? nil : ratio
            case UInt8(ascii: "I"):
                guard ["p", "t", "b", "m", "?"].contains(value) else {
                    throw FileSourceError.invalidHeader(name: name, field: "I", detail: "'\(value)' is not p, t, b, m or ?")
                }
            case UInt8(ascii: "A"):
                guard let ratio = ratio(value), ratio.0 >= 0, ratio.1 >= 0 else {
                    throw FileSourceError.invalidHeader(name: name, field: "A", detail: "'\(value)' is not an aspect ratio like 1:1")
                }
            case UInt8(ascii: "C"):
                guard colorspaces[value] != nil else {
                    throw FileSourceError.invalidHeader(
                        name: name, field: "C",
                        detail: "colour space '\(value)' is not supported (use 420jpeg, 420paldv, 420mpeg2, 420, 422, 444 or mono)")
                }
                colorspace = value
            case UInt8(ascii: "X"):
                if value.hasPrefix("COLORRANGE=") {
                    switch value.dropFirst("COLORRANGE=".count) {
                    case "FULL": range = .full
                    case "LIMITED": range = .limited
                    default:
                        throw FileSourceError.invalidHeader(name: name, field: "XCOLORRANGE",
                                                            detail: "'\(value.dropFirst(11))' is not FULL or LIMITED")
                    }
                }
            default:
                // The format tells readers to ignore unknown tags.
                continue
            }
        }
        guard let width else { throw FileSourceError.invalidHeader(name: name, field: "W", detail: "missing") }
        guard let height else { throw FileSourceError.invalidHeader(name: name, field: "H", detail: "missing") }
        let payload: FramePayload
        if let divisors = colorspaces[colorspace] ?? nil {
            let (sx, sy) = divisors
            payload = .planarYUV(chromaWidth: (width + sx - 1) / sx, chromaHeight: (height + sy - 1) / sy, range: range)
        } else {
            payload = .gray
        }
        return Y4MHeader(width: width, height: height, frameRate: frameRate, colorspace: colorspace, range: range,
                         payload: payload)
    }

    private static func dimension(_ value: String, field: String, name: String) throws -> Int {
        guard let n = Int(value), n > 0, n <= Image.maximumDimension else {
            throw FileSourceError.invalidHeader(name: name, field: field,
                                                detail: "'\(value)' is not a size in 1...\(Image.maximumDimension)")
        }
        return n
    }

    private static func ratio(_ value: String) -> (Int, Int)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]) else { return nil }
        return (n, d)
    }
}
