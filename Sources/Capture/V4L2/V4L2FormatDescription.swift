/// A time per frame as V4L2 states it (`struct v4l2_fract`, seconds = numerator / denominator).
public struct V4L2Fraction: Sendable, Hashable, CustomStringConvertible {
    public var numerator: UInt32
    public var denominator: UInt32

    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The frame interval of `framesPerSecond` (1/30 for 30; 1001/30000 style rates round to 1/N·1000).
    public init(framesPerSecond: Double) {
        let rounded = framesPerSecond.rounded()
        if abs(rounded - framesPerSecond) < 1e-6, rounded >= 1 {
            self.init(numerator: 1, denominator: UInt32(rounded))
        } else {
            self.init(numerator: 1000, denominator: UInt32(max(1, (framesPerSecond * 1000).rounded())))
        }
    }

    /// Seconds per frame (0 for a zero denominator).
    public var seconds: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }
    /// Frames per second (0 for a zero numerator).
    public var framesPerSecond: Double { numerator == 0 ? 0 : Double(denominator) / Double(numerator) }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// A stepwise or continuous range of frame intervals (VIDIOC_ENUM_FRAMEINTERVALS, type STEPWISE/CONTINUOUS).
public struct V4L2IntervalRange: Sendable, Equatable {
    /// The shortest interval (highest rate).
    public var minimum: V4L2Fraction
    /// The longest interval (lowest rate).
    public var maximum: V4L2Fraction
    /// The step (1/1 style placeholder for a continuous range).
    public var step: V4L2Fraction
    /// True for V4L2_FRMIVAL_TYPE_CONTINUOUS.
    public var isContinuous: Bool

    public init(minimum: V4L2Fraction, maximum: V4L2Fraction, step: V4L2Fraction, isContinuous: Bool) {
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.isContinuous = isContinuous
    }
}

/// A stepwise or continuous range of frame sizes (VIDIOC_ENUM_FRAMESIZES, type STEPWISE/CONTINUOUS).
public struct V4L2SizeRange: Sendable, Equatable {
    public var minWidth: Int
    public var maxWidth: Int
    public var stepWidth: Int
    public var minHeight: Int
    public var maxHeight: Int
    public var stepHeight: Int
    /// True for V4L2_FRMSIZE_TYPE_CONTINUOUS.
    public var isContinuous: Bool

    public init(minWidth: Int, maxWidth: Int, stepWidth: Int, minHeight: Int, maxHeight: Int, stepHeight: Int,
                isContinuous: Bool) {
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.stepWidth = stepWidth
        self.minHeight = minHeight
        self.maxHeight = maxHeight
        self.stepHeight = stepHeight
        self.isContinuous = isContinuous
    }

    /// Whether `width` × `height` lies in the range on its steps.
    public func contains(width: Int, height: Int) -> Bool {
        guard (minWidth...maxWidth).contains(width), (minHeight...maxHeight).contains(height) else { return false }
        return (width - minWidth) % max(1, stepWidth) == 0 && (height - minHeight) % max(1, stepHeight) == 0
    }
}

/// One frame size of a format and the frame intervals the device offers at that size.
public struct V4L2FrameSize: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Discrete intervals, shortest (fastest) first; for a stepwise range, a sample of common rates inside it.
    public var intervals: [V4L2Fraction]
    /// The stepwise or continuous interval range, when the driver reports one instead of discrete values.
    public var intervalRange: V4L2IntervalRange?

    public init(width: Int, height: Int, intervals: [V4L2Fraction], intervalRange: V4L2IntervalRange? = nil) {
        self.width = width
        self.height = height
        self.intervals = intervals
        self.intervalRange = intervalRange
    }

    /// The frame rates, highest first.
    public var framesPerSecond: [Double] { intervals.map(\.framesPerSecond) }
}

/// One pixel format a device offers (VIDIOC_ENUM_FMT) with its sizes and rates.
public struct V4L2FormatDescription: Sendable, Equatable {
    /// The fourcc.
    public var pixelFormat: V4L2PixelFormat
    /// The driver's name for it ("Motion-JPEG").
    public var name: String
    /// V4L2_FMT_FLAG_COMPRESSED.
    public var isCompressed: Bool
    /// V4L2_FMT_FLAG_EMULATED: produced by libv4l's conversion, not by the device (never chosen).
    public var isEmulated: Bool
    /// Discrete sizes, largest first; for a stepwise range, a sample of common sizes inside it.
    public var sizes: [V4L2FrameSize]
    /// The stepwise or continuous size range, when the driver reports one instead of discrete sizes.
    public var sizeRange: V4L2SizeRange?

    public init(pixelFormat: V4L2PixelFormat, name: String, isCompressed: Bool = false, isEmulated: Bool = false,
                sizes: [V4L2FrameSize], sizeRange: V4L2SizeRange? = nil) {
        self.pixelFormat = pixelFormat
        self.name = name
        self.isCompressed = isCompressed
        self.isEmulated = isEmulated
        self.sizes = sizes
        self.sizeRange = sizeRange
    }
}
