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

    private var window: OpaquePointer?
    private var renderer: OpaquePointer?
    private var texture: OpaquePointer?
    private var textureSize = (width: 0, height: 0)
    private var textureRange = YUVRange.limited
    private var staging = I420Staging()
    private var text: TextTextureCache?
    private var lastFrame: OverlayFrame?
    private var placement = LabelPlacement()
    /// Where the last drawn frame's tags and panels went, in window pixels (for tests and screenshots).
    public private(set) var lastPlacements: [LabelPlacement.Placed] = []
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

    /// Handles pending window and key events; returns what the viewer asked for. The toggles
    /// (f, h, b) are applied here and reported too.
    public func pollEvents() -> [DisplayCommand] {
        checkThread()
        return handleEvents(waitingUpTo: 0)
    }

    /// Sleeps until an event arrives, `wakeUp.wake()` is called (from any thread) or `timeout` seconds
    /// pass, then handles pending events like `pollEvents()`. For a main loop that has nothing else to do.
    public func waitForEvents(timeout: Double) -> [DisplayCommand] {
        checkThread()
        let milliseconds = timeout.isFinite ? Int32(max(0, min(timeout, 3600)) * 1000) : 0
        return handleEvents(waitingUpTo: milliseconds)
    }

    private func handleEvents(waitingUpTo milliseconds: Int32) -> [DisplayCommand] {
        guard window != nil else { return [] }
        var commands: [DisplayCommand] = []
        var redraw = false, reupload = false
        var event = SDL_Event()
        var pending = milliseconds > 0 ? SDL_WaitEventTimeout(&event, milliseconds) : SDL_PollEvent(&event)
        while pending != 0 {
            defer { pending = SDL_PollEvent(&event) }
            switch event.type {
            case SDL_QUIT.rawValue:
                commands.append(.quit)
            case SDL_WINDOWEVENT.rawValue:
                switch UInt32(event.window.event) {
                case SDL_WINDOWEVENT_CLOSE.rawValue: commands.append(.quit)
                case SDL_WINDOWEVENT_SIZE_CHANGED.rawValue, SDL_WINDOWEVENT_EXPOSED.rawValue: redraw = true
                default: break
                }
            case SDL_KEYDOWN.rawValue where event.key.repeat == 0:
                switch event.key.keysym.sym {
                case Self.key(SDLK_q), Self.key(SDLK_ESCAPE):
                    commands.append(.quit)
                case Self.key(SDLK_f):
                    setFullscreen(!isFullscreen)
                    commands.append(.fullscreen(isFullscreen))
                case Self.key(SDLK_h):
                    showsHUD.toggle()
                    commands.append(.hud(showsHUD))
                    redraw = true
                case Self.key(SDLK_b):
                    blursFaces.toggle()
                    commands.append(.blur(blursFaces))
                    reupload = true
                default: break
                }
            default: break
            }
        }
        if (redraw || reupload), let frame = lastFrame, let renderer {
            // A paused stream still shows the change.
            if reupload { try? upload(frame) }
            if (try? draw()) != nil { SDL_RenderPresent(renderer) }
        }
        return commands
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

    // MARK: - Upload

    /// Puts the frame's planes into the IYUV texture (converted/pixelated in reused buffers when needed).
    private func upload(_ frame: OverlayFrame) throws {
        guard let renderer else { return }
        let image = frame.image
        SDL_SetYUVConversionMode(image.range == .full ? SDL_YUV_CONVERSION_JPEG : SDL_YUV_CONVERSION_BT601)
        // GL renderers fix the YUV matrix when the texture is created: a new range needs a new texture.
        if texture == nil || textureSize != (image.width, image.height) || textureRange != image.range {
            if let texture { SDL_DestroyTexture(texture) }
            texture = nil
            guard let created = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_IYUV.rawValue,
                                                  Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                                  Int32(image.width), Int32(image.height)) else {
                throw DisplayError.sdlFailed(operation: "SDL_CreateTexture (IYUV \(image.width)x\(image.height))",
                                             detail: sdlError())
            }
            SDL_SetTextureScaleMode(created, SDL_ScaleModeLinear)
            texture = created
            textureSize = (image.width, image.height)
            textureRange = image.range
        }
        let blur = blursFaces && !frame.faces.isEmpty
        let status: Int32
        if I420Staging.isI420(image) && !blur {
            status = image.luma.withUnsafePixels { y in
                image.cb.withUnsafeBufferPointer { u in
                    image.cr.withUnsafeBufferPointer { v in
                        SDL_UpdateYUVTexture(texture, nil, y.baseAddress, Int32(image.width),
                                             u.baseAddress, Int32(image.chromaWidth), v.baseAddress, Int32(image.chromaWidth))
                    }
                }
            }
        } else {
            staging.load(image, copyLuma: blur)
            if blur { staging.pixelate(frame.faces.map(\.box)) }
            let chromaPitch = Int32(staging.chromaWidth)
            status = staging.cb.withUnsafeBufferPointer { u in
                staging.cr.withUnsafeBufferPointer { v in
                    let upload = { (y: UnsafePointer<UInt8>?) in
                        SDL_UpdateYUVTexture(self.texture, nil, y, Int32(image.width), u.baseAddress, chromaPitch,
                                             v.baseAddress, chromaPitch)
                    }
                    return blur ? staging.luma.withUnsafeBufferPointer { upload($0.baseAddress) }
                                : image.luma.withUnsafePixels { upload($0.baseAddress) }
                }
            }
        }
        guard status == 0 else { throw DisplayError.sdlFailed(operation: "SDL_UpdateYUVTexture", detail: sdlError()) }
    }

    // MARK: - Drawing

    private static func layout(renderer: OpaquePointer, width: Int, height: Int) -> OverlayLayout {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &w, &h)
        return OverlayLayout(frameWidth: width, frameHeight: height, outputWidth: Int(w), outputHeight: Int(h))
    }

    /// Draws the last frame and its overlay into the back buffer (no present).
    private func draw() throws {
        guard let renderer, let text else { return }
        SDL_RenderSetClipRect(renderer, nil)
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        guard let frame = lastFrame, let texture else {
            SDL_RenderClear(renderer)
            return
        }
        let layout = Self.layout(renderer: renderer, width: frame.image.width, height: frame.image.height)
        // Black letterbox bars only when the video leaves any (the video covers the rest).
        if layout.viewport != Rect(x: 0, y: 0, width: Float(layout.outputWidth), height: Float(layout.outputHeight)) {
            SDL_RenderClear(renderer)
        }
        var viewport = Self.sdlRect(layout.viewport)
        SDL_RenderCopy(renderer, texture, nil, &viewport)
        SDL_RenderSetClipRect(renderer, &viewport)
        defer { SDL_RenderSetClipRect(renderer, nil) }

        let style = OverlayStyle(viewportHeight: layout.viewport.height)
        let faces = frame.faces.filter { $0.box.isFinite && !$0.box.isEmpty }
        // Measure every label first, then place them all together so none covers another label or face.
        var labelled: [(face: OverlayFace, tag: TextTextureCache.Entry, panel: PanelMetrics?)] = []
        var requests: [LabelPlacement.Request] = []
        for face in faces {
            guard let label = try text.entry(for: face.tagText, size: style.fontSize) else { continue }
            var request = LabelPlacement.Request(id: face.id, box: layout.map(face.box),
                                                 tagSize: (label.width + 2 * style.padding, label.height))
            var metrics: PanelMetrics?
            if showsBars && !face.probabilities.isEmpty {
                let m = try panelMetrics(face, style: style, text: text)
                metrics = m
                request.panelSize = m.size(rows: face.probabilities.count)
                if face.probabilities.count > 3 { request.compactPanelSize = m.size(rows: 3) }
            }
            labelled.append((face, label, metrics))
            requests.append(request)
        }
        let placed = placement.place(requests, in: layout.viewport)
        lastPlacements = placed
        for face in faces { drawOutline(layout.map(face.box), thickness: style.lineWidth, color: face.color) }
        for (item, p) in zip(labelled, placed) {
            drawTag(item.face, label: item.tag, at: p.tag, style: style)
            if let panel = p.panel, let metrics = item.panel {
                drawBars(item.face, metrics: metrics, at: panel, compact: p.panelIsCompact, style: style)
            }
        }
        if showsHUD { try drawHUD(frame.hud, viewport: layout.viewport, style: style, text: text) }
    }

    private func drawOutline(_ box: Rect, thickness t: Int, color: RGB) {
        let r = Self.sdlRect(box)
        let t = Int32(min(t, Int(r.w / 2), Int(r.h / 2)).clamped(1))
        var sides = [
            SDL_Rect(x: r.x, y: r.y, w: r.w, h: t), SDL_Rect(x: r.x, y: r.y + r.h - t, w: r.w, h: t),
            SDL_Rect(x: r.x, y: r.y, w: t, h: r.h), SDL_Rect(x: r.x + r.w - t, y: r.y, w: t, h: r.h),
        ]
        fill(&sides, color: color, alpha: 255)
    }

    /// `#id label 87%` on a strip of the face colour, where the placement put it.
    private func drawTag(_ face: OverlayFace, label: TextTextureCache.Entry, at rect: Rect, style: OverlayStyle) {
        var strip = [Self.sdlRect(rect)]
        fill(&strip, color: face.color, alpha: 255)
        blit(label, x: Int(rect.minX) + style.padding, y: Int(rect.minY), color: Self.textColor(on: face.color))
    }

    /// The measured parts of a face's probability panel.
    struct PanelMetrics {
        var labels: [TextTextureCache.Entry?]
        var labelWidth: Int
        var rowHeight: Int
        var barLength: Int
        var padding: Int

        func size(rows: Int) -> (width: Int, height: Int) {
            (padding + labelWidth + padding + barLength + padding, rows * rowHeight + 2 * padding)
        }
    }

    private func panelMetrics(_ face: OverlayFace, style: OverlayStyle, text: TextTextureCache) throws -> PanelMetrics {
        let size = style.smallFontSize
        var labels: [TextTextureCache.Entry?] = []
        for p in face.probabilities { labels.append(try text.entry(for: p.label, size: size)) }
        return PanelMetrics(labels: labels, labelWidth: labels.map { $0?.width ?? 0 }.max() ?? 0,
                            rowHeight: try text.lineHeight(size: size), barLength: style.barLength, padding: style.padding)
    }

    /// A panel: one row per class (the three most probable when compact), its name and a bar as long as its probability.
    private func drawBars(_ face: OverlayFace, metrics m: PanelMetrics, at rect: Rect, compact: Bool, style: OverlayStyle) {
        let x = Int(rect.minX), y = Int(rect.minY), pad = m.padding
        var panel = [Self.sdlRect(rect)]
        fill(&panel, color: .black, alpha: 160)
        let byValue = face.probabilities.indices.sorted { face.probabilities[$0].value > face.probabilities[$1].value }
        let rows = compact ? Array(byValue.prefix(3)) : Array(face.probabilities.indices)
        let topIndex = byValue.first
        // Faint full-length tracks, so a bar's length reads against the whole.
        var tracks = rows.indices.map { row in
            SDL_Rect(x: Int32(x + 2 * pad + m.labelWidth), y: Int32(y + pad + row * m.rowHeight + m.rowHeight / 4),
                     w: Int32(m.barLength), h: Int32(max(2, m.rowHeight / 2)))
        }
        fill(&tracks, color: RGB(gray: 255), alpha: 40)
        var bars: [(SDL_Rect, RGB)] = []
        for (row, i) in rows.enumerated() {
            let p = face.probabilities[i]
            let rowY = y + pad + row * m.rowHeight
            if let label = m.labels[i] { blit(label, x: x + pad, y: rowY, color: .white) }
            let value = p.value.isFinite ? min(max(p.value, 0), 1) : 0
            let length = Int((value * Float(m.barLength)).rounded())
            guard length > 0 else { continue }
            let color = p.color ?? (i == topIndex ? face.color : RGB(gray: 190))
            bars.append((SDL_Rect(x: Int32(x + 2 * pad + m.labelWidth), y: Int32(rowY + m.rowHeight / 4),
                                  w: Int32(length), h: Int32(max(2, m.rowHeight / 2))), color))
        }
        for (rect, color) in bars {
            var r = [rect]
            fill(&r, color: color, alpha: 255)
        }
    }

    /// Top left of the video, semi-transparent: `30.0 fps · 12 ms · 4 faces · 0 dropped` and the status.
    private func drawHUD(_ hud: HUDStats, viewport: Rect, style: OverlayStyle, text: TextTextureCache) throws {
        let size = style.fontSize, pad = style.padding
        var lines: [TextTextureCache.Entry] = []
        for line in [hud.summaryLine, hud.status] {
            if let entry = try text.entry(for: line, size: size) { lines.append(entry) }
        }
        guard !lines.isEmpty else { return }
        let lineHeight = try text.lineHeight(size: size)
        let x = Int(viewport.minX) + pad, y = Int(viewport.minY) + pad
        let w = (lines.map(\.width).max() ?? 0) + 2 * pad, h = lines.count * lineHeight + 2 * pad
        var background = [SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(w), h: Int32(h))]
        fill(&background, color: .black, alpha: 150)
        for (i, line) in lines.enumerated() { blit(line, x: x + pad, y: y + pad + i * lineHeight, color: .white) }
    }

    private func fill(_ rects: inout [SDL_Rect], color: RGB, alpha: UInt8) {
        guard let renderer else { return }
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, alpha)
        SDL_RenderFillRects(renderer, &rects, Int32(rects.count))
    }

    private func blit(_ entry: TextTextureCache.Entry, x: Int, y: Int, color: RGB) {
        guard let renderer else { return }
        SDL_SetTextureColorMod(entry.texture, color.r, color.g, color.b)
        var dst = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(entry.width), h: Int32(entry.height))
        SDL_RenderCopy(renderer, entry.texture, nil, &dst)
    }

    // MARK: - Helpers

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

    /// Black on light colours, white on dark ones.
    static func textColor(on background: RGB) -> RGB { background.luma >= 140 ? .black : .white }

    private static func key(_ code: SDL_KeyCode) -> SDL_Keycode { SDL_Keycode(truncatingIfNeeded: code.rawValue) }


    /// The integer rectangle covering `rect` (edges rounded to the nearest pixel).
    private static func sdlRect(_ rect: Rect) -> SDL_Rect {
        let x0 = Int32(rect.minX.rounded()), y0 = Int32(rect.minY.rounded())
        let x1 = Int32(rect.maxX.rounded()), y1 = Int32(rect.maxY.rounded())
        return SDL_Rect(x: x0, y: y0, w: max(0, x1 - x0), h: max(0, y1 - y0))
    }

    private func checkThread() {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "OverlayWindow used from a thread other than the one that created it")
    }
}

/// Sizes that scale with the video height (a 480-line video gets 15 px text and 2 px lines).
struct OverlayStyle {
    let fontSize: Int
    let smallFontSize: Int
    let lineWidth: Int
    let padding: Int
    let barLength: Int

    init(viewportHeight: Float) {
        let ui = max(0.75, viewportHeight / 480)
        fontSize = min(64, max(12, Int((15 * ui).rounded())))
        smallFontSize = min(48, max(10, Int((12 * ui).rounded())))
        lineWidth = max(2, Int((2 * ui).rounded()))
        padding = max(2, Int((3 * ui).rounded()))
        barLength = max(40, Int((60 * ui).rounded()))
    }
}

private extension Int {
    func clamped(_ lower: Int) -> Int { Swift.max(lower, self) }
}
