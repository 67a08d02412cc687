import Capture
import CV4L2

/// The format ioctls: enumerating formats, sizes and frame intervals, G/S/TRY_FMT and G/S_PARM,
/// negotiated like a real driver (the system's lock is held throughout).
extension EmulatedDevice {
    func enumerateFormat(_ description: UnsafeMutablePointer<v4l2_fmtdesc>) throws(Errno) {
        try requireCaptureType(description.pointee.type)
        let index = Int(description.pointee.index)
        guard pixelFormats.indices.contains(index) else { throw Errno.invalidArgument }
        let format = pixelFormats[index]
        description.pointee.pixelformat = format.rawValue
        let compressed = format == .mjpeg || format == .jpeg || format == .h264
        description.pointee.flags = compressed ? UInt32(V4L2_FMT_FLAG_COMPRESSED) : 0
        let name: String
        switch format {
        case .mjpeg: name = "Motion-JPEG"
        case .jpeg: name = "JFIF JPEG"
        case .yuyv: name = "YUYV 4:2:2"
        case .grey: name = "8-bit Greyscale"
        case .h264: name = "H.264"
        default: name = format.fourCC
        }
        CTuple.fill(&description.pointee.description, with: name)
    }

    private func formatIndex(of pixelFormat: UInt32) -> Int? {
        pixelFormats.firstIndex { $0.rawValue == pixelFormat }
    }

    func enumerateSize(_ entry: UnsafeMutablePointer<v4l2_frmsizeenum>) throws(Errno) {
        guard capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format) else { throw Errno.invalidArgument }
        if let range = configuration.formats[format].range {
            guard entry.pointee.index == 0 else { throw Errno.invalidArgument }
            entry.pointee.type = V4L2_FRMSIZE_TYPE_STEPWISE.rawValue
            entry.pointee.stepwise = v4l2_frmsize_stepwise(
                min_width: UInt32(range.minWidth), max_width: UInt32(range.maxWidth), step_width: UInt32(range.stepWidth),
                min_height: UInt32(range.minHeight), max_height: UInt32(range.maxHeight), step_height: UInt32(range.stepHeight))
            return
        }
        let sizes = configuration.formats[format].sizes
        let index = Int(entry.pointee.index)
        guard sizes.indices.contains(index) else { throw Errno.invalidArgument }
        entry.pointee.type = V4L2_FRMSIZE_TYPE_DISCRETE.rawValue
        entry.pointee.discrete.width = UInt32(sizes[index].width)
        entry.pointee.discrete.height = UInt32(sizes[index].height)
    }

    func enumerateInterval(_ entry: UnsafeMutablePointer<v4l2_frmivalenum>) throws(Errno) {
        if capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format),
           let range = configuration.formats[format].range {
            guard entry.pointee.index == 0,
                  range.contains(width: Int(entry.pointee.width), height: Int(entry.pointee.height))
            else { throw Errno.invalidArgument }
            let fastest = V4L2Fraction(framesPerSecond: range.maxFPS)
            let slowest = V4L2Fraction(framesPerSecond: range.minFPS)
            entry.pointee.type = V4L2_FRMIVAL_TYPE_CONTINUOUS.rawValue
            entry.pointee.stepwise = v4l2_frmival_stepwise(
                min: v4l2_fract(numerator: fastest.numerator, denominator: fastest.denominator),
                max: v4l2_fract(numerator: slowest.numerator, denominator: slowest.denominator),
                step: v4l2_fract(numerator: 1, denominator: 1))
            return
        }
        guard capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format),
              let size = configuration.formats[format].sizes.first(where: {
                  $0.width == Int(entry.pointee.width) && $0.height == Int(entry.pointee.height)
              })
        else { throw Errno.invalidArgument }
        let index = Int(entry.pointee.index)
        guard size.fps.indices.contains(index) else { throw Errno.invalidArgument }
        let fraction = V4L2Fraction(framesPerSecond: size.fps[index])
        entry.pointee.type = V4L2_FRMIVAL_TYPE_DISCRETE.rawValue
        entry.pointee.discrete.numerator = fraction.numerator
        entry.pointee.discrete.denominator = fraction.denominator
    }

    private func lineLength(_ format: V4L2PixelFormat, width: Int) -> Int {
        switch format {
        case .yuyv: return width * 2 + configuration.linePadding
        case .grey: return width + configuration.linePadding
        default: return 0
        }
    }

    func imageSize(_ format: V4L2PixelFormat, width: Int, height: Int) -> Int {
        let line = lineLength(format, width: width)
        return line > 0 ? line * height : max(width * height * 2, 65_536)
    }

    func getFormat(_ format: UnsafeMutablePointer<v4l2_format>) throws(Errno) {
        try requireCaptureType(format.pointee.type)
        fillFormat(&format.pointee, index: formatIndex, width: width, height: height)
    }

    private func fillFormat(_ format: inout v4l2_format, index: Int, width: Int, height: Int) {
        let pixelFormat = pixelFormats[index]
        var pix = v4l2_pix_format()
        pix.width = UInt32(width)
        pix.height = UInt32(height)
        pix.pixelformat = pixelFormat.rawValue
        pix.field = V4L2_FIELD_NONE.rawValue
        pix.bytesperline = UInt32(lineLength(pixelFormat, width: width))
        pix.sizeimage = UInt32(imageSize(pixelFormat, width: width, height: height))
        pix.colorspace = pixelFormat == .mjpeg || pixelFormat == .jpeg
            ? V4L2_COLORSPACE_JPEG.rawValue : V4L2_COLORSPACE_SMPTE170M.rawValue
        format.fmt.pix = pix
    }

    func setFormat(_ format: UnsafeMutablePointer<v4l2_format>, fd: Int32, commit: Bool) throws(Errno) {
        try requireCaptureType(format.pointee.type)
        guard !pixelFormats.isEmpty else { throw Errno.invalidArgument }
        if commit, (owner != nil && owner != fd) || streaming || !buffers.isEmpty { throw Errno.busy }
        // Like real drivers: an unknown format becomes the first one, a size the nearest listed one.
        let index = formatIndex(of: format.pointee.fmt.pix.pixelformat) ?? 0
        let wantedWidth = Int(format.pointee.fmt.pix.width), wantedHeight = Int(format.pointee.fmt.pix.height)
        if let range = configuration.formats[index].range {
            let (newWidth, newHeight) = range.nearest(width: wantedWidth, height: wantedHeight)
            fillFormat(&format.pointee, index: index, width: newWidth, height: newHeight)
            guard commit else { return }
            formatIndex = index
            width = newWidth
            height = newHeight
            interval = V4L2Fraction(framesPerSecond: range.clamp(fps: interval.framesPerSecond))
            return
        }
        let sizes = configuration.formats[index].sizes
        guard let size = sizes.min(by: {
            abs($0.width - wantedWidth) + abs($0.height - wantedHeight)
                < abs($1.width - wantedWidth) + abs($1.height - wantedHeight)
        }) else { throw Errno.invalidArgument }
        fillFormat(&format.pointee, index: index, width: size.width, height: size.height)
        guard commit else { return }
        formatIndex = index
        width = size.width
        height = size.height
        let rates = size.fps
        if !rates.contains(where: { abs($0 - interval.framesPerSecond) < 0.01 }) {
            interval = V4L2Fraction(framesPerSecond: rates.first ?? 30)
        }
    }

    func parameters(_ parameters: UnsafeMutablePointer<v4l2_streamparm>, set: Bool) throws(Errno) {
        try requireCaptureType(parameters.pointee.type)
        if set {
            if streaming { throw Errno.busy }
            let wanted = parameters.pointee.parm.capture.timeperframe
            if wanted.numerator > 0, wanted.denominator > 0, let range = configuration.formats[formatIndex].range {
                interval = V4L2Fraction(framesPerSecond: range.clamp(fps: Double(wanted.denominator) / Double(wanted.numerator)))
            } else if wanted.numerator > 0, wanted.denominator > 0,
               let size = configuration.formats[formatIndex].sizes.first(where: { $0.width == width && $0.height == height }) {
                let fps = Double(wanted.denominator) / Double(wanted.numerator)
                if let nearest = size.fps.min(by: { abs($0 - fps) < abs($1 - fps) }) {
                    interval = V4L2Fraction(framesPerSecond: nearest)
                }
            }
        }
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parm.parm.capture.capability = UInt32(V4L2_CAP_TIMEPERFRAME)
        parm.parm.capture.timeperframe.numerator = interval.numerator
        parm.parm.capture.timeperframe.denominator = interval.denominator
        parameters.pointee = parm
    }
}
