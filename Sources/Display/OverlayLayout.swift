import Imaging

/// Where a frame lands in the window: scaled to fit, centred, letterboxed (pure geometry, no SDL).
public struct OverlayLayout: Sendable, Hashable {
    /// The frame size in pixels.
    public let frameWidth: Int, frameHeight: Int
    /// The drawable size of the window in pixels.
    public let outputWidth: Int, outputHeight: Int
    /// The rectangle the video occupies in window pixels (integer edges).
    public let viewport: Rect
    /// Window pixels per frame pixel.
    public let scale: Float

    /// Fits a `frameWidth × frameHeight` picture into an `outputWidth × outputHeight` window, keeping its aspect.
    public init(frameWidth: Int, frameHeight: Int, outputWidth: Int, outputHeight: Int) {
        self.frameWidth = max(1, frameWidth)
        self.frameHeight = max(1, frameHeight)
        self.outputWidth = max(1, outputWidth)
        self.outputHeight = max(1, outputHeight)
        let s = min(Float(self.outputWidth) / Float(self.frameWidth), Float(self.outputHeight) / Float(self.frameHeight))
        let w = min(self.outputWidth, max(1, Int((Float(self.frameWidth) * s).rounded())))
        let h = min(self.outputHeight, max(1, Int((Float(self.frameHeight) * s).rounded())))
        let x = (self.outputWidth - w) / 2, y = (self.outputHeight - h) / 2
        viewport = Rect(x: Float(x), y: Float(y), width: Float(w), height: Float(h))
        scale = s
    }

    /// A rectangle in frame coordinates mapped to window coordinates.
    public func map(_ rect: Rect) -> Rect {
        Rect(x: viewport.x + rect.x * scale, y: viewport.y + rect.y * scale,
             width: rect.width * scale, height: rect.height * scale)
    }

    /// A point in frame coordinates mapped to window coordinates.
    public func map(_ point: Point) -> Point {
        Point(x: viewport.x + point.x * scale, y: viewport.y + point.y * scale)
    }

    /// The window size a `width × height` frame opens at: its own size, shrunk to fit `bounds` when larger.
    public static func initialWindowSize(width: Int, height: Int, bounds: (width: Int, height: Int)) -> (width: Int, height: Int) {
        let w = max(1, width), h = max(1, height)
        let s = min(1, Float(max(1, bounds.width)) / Float(w), Float(max(1, bounds.height)) / Float(h))
        return (max(1, Int((Float(w) * s).rounded(.down))), max(1, Int((Float(h) * s).rounded(.down))))
    }
}
