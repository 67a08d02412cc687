import CSDL2
import Imaging

/// Per-frame drawing: the video texture upload (pixelated faces when asked), boxes, tags, bars and the HUD.
extension OverlayWindow {
    // MARK: - Upload

    /// Puts the frame's planes into the IYUV texture (converted/pixelated in reused buffers when needed).
    func upload(_ frame: OverlayFrame) throws {
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

    static func layout(renderer: OpaquePointer, width: Int, height: Int) -> OverlayLayout {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &w, &h)
        return OverlayLayout(frameWidth: width, frameHeight: height, outputWidth: Int(w), outputHeight: Int(h))
    }

    /// Draws the last frame and its overlay into the back buffer (no present).
    func draw() throws {
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
        blit(label, x: Int(rect.minX) + style.padding, y: Int(rect.minY), color: OverlayStyle.textColor(on: face.color))
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
        fill(&panel, color: .black, alpha: OverlayStyle.panelAlpha)
        let byValue = face.probabilities.indices.sorted { face.probabilities[$0].value > face.probabilities[$1].value }
        let rows = compact ? Array(byValue.prefix(3)) : Array(face.probabilities.indices)
        let topIndex = byValue.first
        // Faint full-length tracks, so a bar's length reads against the whole.
        var tracks = rows.indices.map { row in
            SDL_Rect(x: Int32(x + 2 * pad + m.labelWidth), y: Int32(y + pad + row * m.rowHeight + m.rowHeight / 4),
                     w: Int32(m.barLength), h: Int32(max(2, m.rowHeight / 2)))
        }
        fill(&tracks, color: OverlayStyle.trackColor, alpha: OverlayStyle.trackAlpha)
        var bars: [(SDL_Rect, RGB)] = []
        for (row, i) in rows.enumerated() {
            let p = face.probabilities[i]
            let rowY = y + pad + row * m.rowHeight
            if let label = m.labels[i] { blit(label, x: x + pad, y: rowY, color: .white) }
            let value = p.value.isFinite ? min(max(p.value, 0), 1) : 0
            let length = Int((value * Float(m.barLength)).rounded())
            guard length > 0 else { continue }
            let color = p.color ?? (i == topIndex ? face.color : OverlayStyle.otherBarColor)
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
        fill(&background, color: .black, alpha: OverlayStyle.hudAlpha)
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

    /// The integer rectangle covering `rect` (edges rounded to the nearest pixel).
    private static func sdlRect(_ rect: Rect) -> SDL_Rect {
        let x0 = Int32(rect.minX.rounded()), y0 = Int32(rect.minY.rounded())
        let x1 = Int32(rect.maxX.rounded()), y1 = Int32(rect.maxY.rounded())
        return SDL_Rect(x: x0, y: y0, w: max(0, x1 - x0), h: max(0, y1 - y0))
    }
}

private extension Int {
    func clamped(_ lower: Int) -> Int { Swift.max(lower, self) }
}
