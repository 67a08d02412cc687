import CShims
import CV4L2

extension V4L2Device {
    /// Every native pixel format with its frame sizes and frame intervals
    /// (VIDIOC_ENUM_FMT → VIDIOC_ENUM_FRAMESIZES → VIDIOC_ENUM_FRAMEINTERVALS), as `v4l2-ctl --list-formats-ext` shows them.
    ///
    /// Stepwise or continuous ranges are kept in `sizeRange`/`intervalRange`; `sizes` and `intervals`
    /// then hold a sample of common values inside the range, so mode selection has candidates.
    /// A node without video capture has no formats (an empty list).
    public func enumerateFormats() throws(CaptureError) -> [V4L2FormatDescription] {
        guard capabilities.canCapture else { return [] }
        var formats: [V4L2FormatDescription] = []
        for index in 0..<Self.enumerationLimit {
            var description = v4l2_fmtdesc()
            description.index = UInt32(index)
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            do {
                try perform(FER_VIDIOC_ENUM_FMT, &description)
            } catch {
                if error == .invalidArgument { break }
                throw CaptureError.deviceFailed(path: path, operation: "VIDIOC_ENUM_FMT", errno: error)
            }
            let pixelFormat = V4L2PixelFormat(rawValue: description.pixelformat)
            var format = V4L2FormatDescription(
                pixelFormat: pixelFormat, name: CTuple.string(description.description),
                isCompressed: description.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
                isEmulated: description.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0,
                sizes: [])
            try enumerateSizes(of: &format)
            formats.append(format)
        }
        return formats
    }

    /// Drivers are trusted to end each enumeration with EINVAL; this bounds a broken one.
    static let enumerationLimit = 256

    /// Common sizes tried inside a stepwise or continuous size range.
    static let commonSizes: [(Int, Int)] = [
        (1920, 1080), (1600, 1200), (1280, 960), (1280, 720), (1024, 768), (960, 540),
        (800, 600), (640, 480), (640, 360), (320, 240), (160, 120),
    ]

    /// Common rates tried inside a stepwise or continuous interval range.
    static let commonRates: [Double] = [60, 50, 30, 25, 20, 15, 10, 5]

    private func enumerateSizes(of format: inout V4L2FormatDescription) throws(CaptureError) {
        for index in 0..<Self.enumerationLimit {
            var entry = v4l2_frmsizeenum()
            entry.index = UInt32(index)
            entry.pixel_format = format.pixelFormat.rawValue
            do {
                try perform(FER_VIDIOC_ENUM_FRAMESIZES, &entry)
            } catch {
                // EINVAL ends the list; ENOTTY means the driver does not enumerate sizes at all.
                if error == .invalidArgument || error == .notATypewriter { break }
                throw CaptureError.deviceFailed(path: path, operation: "VIDIOC_ENUM_FRAMESIZES", errno: error)
            }
            if entry.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                let width = Int(entry.discrete.width), height = Int(entry.discrete.height)
                format.sizes.append(try frameSize(format.pixelFormat, width: width, height: height))
                continue
            }
            let step = entry.stepwise
            let range = V4L2SizeRange(
                minWidth: Int(step.min_width), maxWidth: Int(step.max_width), stepWidth: Int(step.step_width),
                minHeight: Int(step.min_height), maxHeight: Int(step.max_height), stepHeight: Int(step.step_height),
                isContinuous: entry.type == V4L2_FRMSIZE_TYPE_CONTINUOUS.rawValue)
            format.sizeRange = range
            var samples = Self.commonSizes.filter { range.contains(width: $0.0, height: $0.1) }
            if range.contains(width: range.maxWidth, height: range.maxHeight),
               !samples.contains(where: { $0 == (range.maxWidth, range.maxHeight) }) {
                samples.insert((range.maxWidth, range.maxHeight), at: 0)
            }
            for (width, height) in samples {
                format.sizes.append(try frameSize(format.pixelFormat, width: width, height: height))
            }
            break  // a stepwise answer is the only entry
        }
        format.sizes.sort { ($0.width * $0.height, $0.width) > ($1.width * $1.height, $1.width) }
    }

    private func frameSize(_ pixelFormat: V4L2PixelFormat, width: Int, height: Int) throws(CaptureError) -> V4L2FrameSize {
        var size = V4L2FrameSize(width: width, height: height, intervals: [])
        for index in 0..<Self.enumerationLimit {
            var entry = v4l2_frmivalenum()
            entry.index = UInt32(index)
            entry.pixel_format = pixelFormat.rawValue
            entry.width = UInt32(width)
            entry.height = UInt32(height)
            do {
                try perform(FER_VIDIOC_ENUM_FRAMEINTERVALS, &entry)
            } catch {
                if error == .invalidArgument || error == .notATypewriter { break }
                throw CaptureError.deviceFailed(path: path, operation: "VIDIOC_ENUM_FRAMEINTERVALS", errno: error)
            }
            if entry.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                let interval = V4L2Fraction(numerator: entry.discrete.numerator, denominator: entry.discrete.denominator)
                if interval.numerator > 0, interval.denominator > 0 { size.intervals.append(interval) }
                continue
            }
            let range = V4L2IntervalRange(
                minimum: V4L2Fraction(numerator: entry.stepwise.min.numerator, denominator: entry.stepwise.min.denominator),
                maximum: V4L2Fraction(numerator: entry.stepwise.max.numerator, denominator: entry.stepwise.max.denominator),
                step: V4L2Fraction(numerator: entry.stepwise.step.numerator, denominator: entry.stepwise.step.denominator),
                isContinuous: entry.type == V4L2_FRMIVAL_TYPE_CONTINUOUS.rawValue)
            size.intervalRange = range
            let fastest = range.minimum.framesPerSecond, slowest = range.maximum.framesPerSecond
            var rates = Self.commonRates.filter { $0 <= fastest + 1e-9 && $0 >= slowest - 1e-9 }
            if fastest > 0, !rates.contains(where: { abs($0 - fastest) < 1e-6 }) { rates.insert(fastest, at: 0) }
            size.intervals = rates.map { abs($0 - fastest) < 1e-6 ? range.minimum : V4L2Fraction(framesPerSecond: $0) }
            break
        }
        size.intervals.sort { $0.seconds < $1.seconds }
        return size
    }
}
