import CSDL2
import Foundation
import Imaging
import TextRendering

/// The SDL2 overlay window: the video letterboxed to fit, a box and `#id emotion 87%` tag per face,
/// optional probability bars, and a HUD. Keys: q/Esc quit, f fullscreen, h HUD, b pixelate faces.
///
/// Threading: not Sendable. Create it, call every method and release it on one thread — the
/// program's main thread (SDL's video and event calls must run on the thread that created the
/// window; some platforms require the main thread). Call `pollEvents()` regularly (every frame)
/// so the window stays responsive.
public final class OverlayWindow {
    /// Whether the window covers the screen (`--fullscreen`, key f).
    public private(set) var isFullscreen: Bool
    /// Whether the HUD is drawn (key h).
    public var showsHUD: Bool
    /// Whether face boxes are pixelated before display (key b, privacy).
    public var blursFaces: Bool
    /// Whether per-class probability bars are drawn beside each face.
    public var showsBars: Bool
    /// The SDL video driver in use (x11, wayland, ...).
    public let videoDriver: String
    /// The SDL renderer in use (opengl, software, ...).
    public let rendererName: String
    /// The font file labels are drawn with.
    public let fontPath: String

    // Internal rather than private only so that OverlayWindow+Drawing.swift and +Events.swift can reach them.
    var window: OpaquePointer?
    var renderer: OpaquePointer?
    var texture: OpaquePointer?
    var textureSize = (width: 0, height: 0)
    var textureRange = YUVRange.limited
    var staging = I420Staging()
    var text: TextTextureCache?
    var lastFrame: OverlayFrame?
    var placement = LabelPlacement()
    /// Where the last drawn frame's tags and panels went, in window pixels (for tests and screenshots).
    public internal(set) var lastPlacements: [LabelPlacement.Placed] = []
    private let owner = pthread_self()
    private let initialFrameSize: (Int, Int)
    private let wakeEventType: UInt32
    /// Lets another thread interrupt `waitForEvents(timeout:)`; hand it to the producer of frames.
    public let wakeUp: DisplayWakeUp

    /// The process keeps one SDL video subsystem per open window (SDL counts the references).
    private static let videoFlags = UInt32(SDL_INIT_VIDEO)

    /// Opens a `width × height` window (shrunk to fit the screen), or fullscreen. When frames of another
    /// size arrive, the window takes their size (shrunk to fit); frames are letterboxed to any window size.
    ///
    /// Throws `DisplayError.unavailable` when there is no display (DISPLAY and WAYLAND_DISPLAY unset,
    /// no SDL_VIDEODRIVER) or SDL cannot open a video device: the caller says so once and goes on
    /// headless. Throws `DisplayError.fontUnavailable` when no font is found (`fontPath` or DejaVu Sans).
    public init(title: String, width: Int, height: Int, fullscreen: Bool = false, showBars: Bool = false,
                showHUD: Bool = true, blurFaces: Bool = false, fontPath: String? = nil) throws {
        // getenv, not ProcessInfo: the process may have set DISPLAY itself (setenv) just before.
        func isSet(_ name: String) -> Bool { getenv(name).map { $0.pointee != 0 } ?? false }
        let driverChosen = isSet("SDL_VIDEODRIVER")
        guard driverChosen || isSet("DISPLAY") || isSet("WAYLAND_DISPLAY") else {
            throw DisplayError.unavailable("no display: DISPLAY and WAYLAND_DISPLAY are unset")
        }
        let fonts: TextRenderer
        do {
            fonts = try TextRenderer(fontPath: fontPath)
        } catch {
            throw DisplayError.fontUnavailable("\(error)")
        }
        self.fontPath = fonts.fontPath
        initialFrameSize = (width, height)
        isFullscreen = fullscreen
        showsHUD = showHUD
        blursFaces = blurFaces
        showsBars = showBars

        // The app handles SIGINT/SIGTERM itself; naming the driver keeps SDL from probing Wayland
        // (and libwayland from complaining about XDG_RUNTIME_DIR) on an X display.
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1")
        if !driverChosen {
            let driver = isSet("DISPLAY") ? (isSet("WAYLAND_DISPLAY") ? "x11,wayland" : "x11") : "wayland"
            SDL_SetHint(SDL_HINT_VIDEODRIVER, driver)
        }
        guard SDL_InitSubSystem(Self.videoFlags) == 0 else {
            throw DisplayError.unavailable("SDL video: \(sdlError())")
        }
        videoDriver = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? "unknown"

        var bounds = SDL_Rect()
        if SDL_GetDisplayUsableBounds(0, &bounds) != 0 { bounds = SDL_Rect(x: 0, y: 0, w: 1280, h: 720) }
        let size = OverlayLayout.initialWindowSize(width: width, height: height,
                                                   bounds: (Int(bounds.w), Int(bounds.h)))
        var flags = SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue | SDL_WINDOW_ALLOW_HIGHDPI.rawValue
        if fullscreen { flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue }
        let centered = Int32(SDL_WINDOWPOS_CENTERED_MASK)
        guard let window = SDL_CreateWindow(title, centered, centered, Int32(size.width), Int32(size.height), flags) else {
            let detail = sdlError()
            SDL_QuitSubSystem(Self.videoFlags)
            throw DisplayError.unavailable("SDL_CreateWindow: \(detail)")
        }
        guard var renderer = SDL_CreateRenderer(window, -1, 0) else {
            let detail = sdlError()
            SDL_DestroyWindow(window)
            SDL_QuitSubSystem(Self.videoFlags)
            throw DisplayError.unavailable("SDL_CreateRenderer: \(detail)")
        }
        // OpenGL on a CPU rasteriser (llvmpipe: Xvfb, no GPU driver) costs about 3x SDL's own software
        // renderer for this job; use that instead unless SDL_RENDER_DRIVER asks for something.
        if !isSet("SDL_RENDER_DRIVER"), Self.isSoftwareOpenGL(renderer) {
            SDL_DestroyRenderer(renderer)
            guard let software = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue) else {
                let detail = sdlError()
                SDL_DestroyWindow(window)
                SDL_QuitSubSystem(Self.videoFlags)
                throw DisplayError.unavailable("SDL_CreateRenderer (software): \(detail)")
            }
            renderer = software
        }
        self.window = window
        self.renderer = renderer
        let registered = SDL_RegisterEvents(1)
        wakeEventType = registered == UInt32.max ? SDL_USEREVENT.rawValue : registered
        wakeUp = DisplayWakeUp(eventType: wakeEventType)
        var info = SDL_RendererInfo()
        rendererName = SDL_GetRendererInfo(renderer, &info) == 0 && info.name != nil ? String(cString: info.name) : "unknown"
        SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
        if fullscreen { SDL_ShowCursor(SDL_DISABLE) }
        text = TextTextureCache(renderer: renderer, fonts: fonts)
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        SDL_RenderClear(renderer)
        SDL_RenderPresent(renderer)
    }

    deinit { close() }

    /// Destroys the window and releases SDL (idempotent).
    public func close() {
        guard let window else { return }
        checkThread()
        wakeUp.invalidate()
        text?.removeAll()
        text = nil
        if let texture { SDL_DestroyTexture(texture) }
        texture = nil
        if let renderer { SDL_DestroyRenderer(renderer) }
        renderer = nil
        SDL_DestroyWindow(window)
        self.window = nil
        lastFrame = nil
        SDL_QuitSubSystem(Self.videoFlags)
    }

    /// Label and HUD text textures currently cached (bounded; labels repeat every frame).
    public var cachedTextCount: Int { text?.count ?? 0 }

    /// Where the last frame was drawn in the window (nil before the first frame).
    public var layout: OverlayLayout? {
        guard let renderer, let frame = lastFrame else { return nil }
        return Self.layout(renderer: renderer, width: frame.image.width, height: frame.image.height)
    }

    /// Uploads the frame, draws the overlay and presents it.
    public func show(_ frame: OverlayFrame) throws {
        checkThread()
        guard let window, renderer != nil else {
            throw DisplayError.sdlFailed(operation: "OverlayWindow.show", detail: "window is closed")
        }
        // A new frame size (the first frame, or the source changed) sizes the window to it, shrunk
        // to fit the screen; in between, the viewer's own resizing stands.
        if !isFullscreen, let last = lastFrame, (last.image.width, last.image.height) != (frame.image.width, frame.image.height) {
            fitWindow(window, width: frame.image.width, height: frame.image.height)
        } else if !isFullscreen, lastFrame == nil, (frame.image.width, frame.image.height) != initialFrameSize {
            fitWindow(window, width: frame.image.width, height: frame.image.height)
        }
        try upload(frame)
        lastFrame = frame
        try draw()
        SDL_RenderPresent(renderer)
    }

    private func fitWindow(_ window: OpaquePointer, width: Int, height: Int) {
        var bounds = SDL_Rect()
        if SDL_GetDisplayUsableBounds(max(0, SDL_GetWindowDisplayIndex(window)), &bounds) != 0 {
            bounds = SDL_Rect(x: 0, y: 0, w: 1280, h: 720)
        }
        let size = OverlayLayout.initialWindowSize(width: width, height: height, bounds: (Int(bounds.w), Int(bounds.h)))
        SDL_SetWindowSize(window, Int32(size.width), Int32(size.height))
    }

    /// Turns fullscreen (desktop resolution) on or off.
    public func setFullscreen(_ on: Bool) {
        checkThread()
        guard let window else { return }
        if SDL_SetWindowFullscreen(window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue : 0) == 0 { isFullscreen = on }
        SDL_ShowCursor(isFullscreen ? SDL_DISABLE : SDL_ENABLE) // a kiosk shows no mouse pointer
    }

    /// What the window shows now, read back from the renderer as rgb8 at the window's drawable size
    /// (the last frame is drawn again, read, and presented).
    public func screenshot() throws -> Image {
        checkThread()
        guard let renderer else { throw DisplayError.sdlFailed(operation: "OverlayWindow.screenshot", detail: "window is closed") }
        try draw()
        var w: Int32 = 0, h: Int32 = 0
        guard SDL_GetRendererOutputSize(renderer, &w, &h) == 0, w > 0, h > 0 else {
            throw DisplayError.sdlFailed(operation: "SDL_GetRendererOutputSize", detail: sdlError())
        }
        var failure: String?
        let image = Image(uncheckedWidth: Int(w), height: Int(h), format: .rgb8) { buffer in
            if SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_RGB24.rawValue, buffer.baseAddress, w * 3) != 0 {
                failure = sdlError()
                buffer.update(repeating: 0)
            }
        }
        if let failure { throw DisplayError.sdlFailed(operation: "SDL_RenderReadPixels", detail: failure) }
        SDL_RenderPresent(renderer)
        return image
    }

    /// True when `renderer` is OpenGL drawn by the CPU (Mesa llvmpipe/softpipe/swrast).
    private static func isSoftwareOpenGL(_ renderer: OpaquePointer) -> Bool {
        var info = SDL_RendererInfo()
        guard SDL_GetRendererInfo(renderer, &info) == 0, let name = info.name,
              String(cString: name).hasPrefix("opengl"),
              let address = SDL_GL_GetProcAddress("glGetString") else { return false }
        typealias GetString = @convention(c) (UInt32) -> UnsafePointer<UInt8>?
        let glGetString = unsafeBitCast(address, to: GetString.self)
        guard let text = glGetString(0x1F01 /* GL_RENDERER */) else { return false }
        let glRenderer = String(cString: text).lowercased()
        return ["llvmpipe", "softpipe", "software rasterizer", "swrast"].contains { glRenderer.contains($0) }
    }

    func checkThread() {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "OverlayWindow used from a thread other than the one that created it")
    }
}
