/// Chooses the camera mode to ask the driver for, from what it enumerates and what the user asked.
///
/// The rule, in order:
/// 1. **Format.** `--format` if given (MJPEG also accepts a device's JPEG); otherwise the first of
///    MJPEG, JPEG, YUYV, GREY that offers at least one mode at a live rate (≥ `minimumLiveRate`,
///    25 fps), or failing that the first of them offered at all. MJPEG comes first because it
///    fits 720p at 30 fps through USB 2.0; raw YUYV at that size is usually limited to 5–10 fps.
/// 2. **Candidates.** Every size of that format (only `--size` when given) and every interval at that
///    size (only the one nearest `--fps` when given). A size the device does not list is still asked
///    for (the driver adjusts it to the nearest it supports, and the adjusted mode is reported).
/// 3. **Rate.** Candidates below the live rate are dropped when any reach it (with `--fps`: candidates
///    not at that rate are dropped when any are; the format choice in step 1 uses the same test).
/// 4. **Bandwidth.** Each candidate's pixel rate is width × height × min(fps, 30): the largest not
///    above `pixelRateBudget` (1280 × 720 at 30 fps) wins; if all are above it, the smallest.
///    Ties go to the lower rate (less work), then the larger size. So a camera that offers
///    1920x1080, 1280x720 and 640x480 at 30 fps streams 1280x720 30 fps by default.
public enum ModeSelection {
    /// The lowest rate treated as live video.
    public static let minimumLiveRate: Double = 25
    /// Rates above this add no value to face analysis and count as this in the budget.
    public static let rateCap: Double = 30
    /// The default pixel-rate budget: 1280 × 720 at 30 fps.
    public static let pixelRateBudget: Double = 1280 * 720 * 30
    /// Format preference, best first.
    public static let preference: [V4L2PixelFormat] = [.mjpeg, .jpeg, .yuyv, .grey]

    /// The mode to request from a device offering `formats` (see the type's rule). `path` names the device in errors.
    public static func choose(from formats: [V4L2FormatDescription], request: CaptureRequest,
                              path: String) throws(CaptureError) -> CaptureMode {
        let native = formats.filter { !$0.isEmulated }
        let usable = preference.compactMap { wanted in native.first { $0.pixelFormat == wanted } }
        let offeredNames = native.map { $0.pixelFormat.description }

        var pool: [V4L2FormatDescription]
        if let wanted = request.format {
            pool = usable.filter { $0.pixelFormat == wanted }
            if pool.isEmpty, wanted == .mjpeg { pool = usable.filter { $0.pixelFormat == .jpeg } }
            if pool.isEmpty {
                throw CaptureError.formatNotOffered(path: path, format: wanted.description, offered: offeredNames)
            }
        } else {
            guard !usable.isEmpty else { throw CaptureError.noUsableFormat(path: path, offered: offeredNames) }
            pool = usable
        }

        let acceptable = { (mode: CaptureMode) -> Bool in
            guard let fps = mode.framesPerSecond else { return true }
            if let wanted = request.framesPerSecond { return abs(fps - wanted) < 0.5 }
            return fps >= minimumLiveRate - 0.01
        }
        let candidatesByFormat = pool.map { Self.candidates(for: $0, request: request) }
        let live = candidatesByFormat.firstIndex { list in list.contains(where: acceptable) }
        let chosenIndex = request.format == nil ? (live ?? 0) : 0
        var modes = candidatesByFormat[chosenIndex]
        if modes.contains(where: acceptable) { modes = modes.filter(acceptable) }
        guard let best = modes.min(by: isBetter) else {
            // No sizes enumerated at all: ask for the requested or default size; the driver adjusts.
            let size = request.size ?? CaptureSize(width: 1280, height: 720)
            return CaptureMode(pixelFormat: pool[chosenIndex].pixelFormat, width: size.width, height: size.height,
                               frameInterval: request.framesPerSecond.map { V4L2Fraction(framesPerSecond: $0) })
        }
        return best
    }

    private static func candidates(for format: V4L2FormatDescription, request: CaptureRequest) -> [CaptureMode] {
        var sizes = format.sizes
        if let wanted = request.size {
            let exact = sizes.filter { $0.width == wanted.width && $0.height == wanted.height }
            if exact.isEmpty {
                let nearest = nearestSize(in: format.sizes, to: wanted)
                sizes = [V4L2FrameSize(width: wanted.width, height: wanted.height, intervals: nearest?.intervals ?? [],
                                       intervalRange: nearest?.intervalRange)]
            } else {
                sizes = exact
            }
        }
        var modes: [CaptureMode] = []
        for size in sizes {
            var intervals: [V4L2Fraction?] = size.intervals.isEmpty ? [nil] : size.intervals
            if let fps = request.framesPerSecond, let range = size.intervalRange,
               fps <= range.minimum.framesPerSecond + 1e-6, fps >= range.maximum.framesPerSecond - 1e-6 {
                intervals = [V4L2Fraction(framesPerSecond: fps)]  // any rate in a continuous or stepwise range
            } else if let fps = request.framesPerSecond {
                let nearest = size.intervals.min {
                    (abs($0.framesPerSecond - fps), -$0.framesPerSecond) < (abs($1.framesPerSecond - fps), -$1.framesPerSecond)
                }
                intervals = [nearest ?? V4L2Fraction(framesPerSecond: fps)]
            }
            for interval in intervals {
                modes.append(CaptureMode(pixelFormat: format.pixelFormat, width: size.width, height: size.height,
                                         frameInterval: interval))
            }
        }
        return modes
    }

    /// For a size the device does not list: the listed size closest to it in area (whose rates it borrows).
    private static func nearestSize(in sizes: [V4L2FrameSize], to wanted: CaptureSize) -> V4L2FrameSize? {
        let area = wanted.width * wanted.height
        return sizes.min { abs($0.width * $0.height - area) < abs($1.width * $1.height - area) }
    }

    private static func pixelRate(_ mode: CaptureMode) -> Double {
        Double(mode.width * mode.height) * min(mode.framesPerSecond ?? rateCap, rateCap)
    }

    /// True when `a` should be chosen over `b`.
    private static func isBetter(_ a: CaptureMode, _ b: CaptureMode) -> Bool {
        let rateA = pixelRate(a), rateB = pixelRate(b)
        let fitsA = rateA <= pixelRateBudget + 0.5, fitsB = rateB <= pixelRateBudget + 0.5
        if fitsA != fitsB { return fitsA }
        if rateA != rateB { return fitsA ? rateA > rateB : rateA < rateB }
        let fpsA = a.framesPerSecond ?? rateCap, fpsB = b.framesPerSecond ?? rateCap
        if fpsA != fpsB { return fpsA < fpsB }
        return a.width * a.height > b.width * b.height
    }
}
