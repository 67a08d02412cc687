import CSDL2
import CSDL2TTF
import Foundation
import Imaging
import Synchronization

/// Draws UTF-8 text onto images with SDL2_ttf (no SDL video needed). Thread-safe: every SDL_ttf
/// call, in every instance, runs under one process-wide lock. Fonts are opened once per size.
public final class TextRenderer: Sendable {
    /// Where DejaVu Sans lives on Debian/Ubuntu (fonts-dejavu-core), Fedora, Arch, Alpine, macOS Homebrew.
    public static let defaultFontPaths = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/ttf-dejavu/DejaVuSans.ttf",
        "/usr/local/share/fonts/DejaVuSans.ttf",
        "/opt/homebrew/share/fonts/DejaVuSans.ttf",
    ]
    /// The Debian package that provides the default font.
    public static let fontPackage = "fonts-dejavu-core"
    /// Font sizes accepted, in points (SDL_ttf renders at 72 dpi: 1 pt = 1 px).
    public static let sizeRange = 4...512

    /// SDL_ttf keeps global FreeType state: one lock for all instances, held around every SDL_ttf call.
    private static let ttf = Mutex(())

    /// The font file in use.
    public let fontPath: String
    /// Open fonts by size, as the `TTF_Font` pointers' bit patterns; only touched while `ttf` is held.
    private let fonts = Mutex<[Int: UInt]>([:])

    /// Starts SDL_ttf with `fontPath`, or the first of `defaultFontPaths` that exists.
    public init(fontPath: String? = nil) throws {
        let candidates = fontPath.map { [$0] } ?? Self.defaultFontPaths
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw ImagingError.fontNotFound(paths: candidates, package: Self.fontPackage)
        }
        self.fontPath = found
        try Self.ttf.withLock { _ in
            if TTF_Init() != 0 {
                throw ImagingError.fontUnavailable(path: found, detail: "TTF_Init: \(Self.sdlError())")
            }
        }
        // Open one size now so a broken font file fails here, not at the first frame.
        _ = try measure("Ag", size: 16)
    }

    deinit {
        Self.ttf.withLock { _ in
            fonts.withLock { fonts in for font in fonts.values { TTF_CloseFont(OpaquePointer(bitPattern: font)) } }
            TTF_Quit()
        }
    }

    /// The width and height in pixels that `text` occupies at `size` (height is the font's line height).
    public func measure(_ text: String, size: Int) throws -> (width: Int, height: Int) {
        try Self.ttf.withLock { _ in
            let font = try font(size: size)
            if text.isEmpty { return (0, Int(TTF_FontHeight(font))) }
            var w: Int32 = 0, h: Int32 = 0
            guard TTF_SizeUTF8(font, text, &w, &h) == 0 else {
                throw ImagingError.textRenderFailed(text: text, detail: "TTF_SizeUTF8: \(Self.sdlError())")
            }
            return (Int(w), Int(h))
        }
    }

    /// Draws `text` with its top-left corner at `origin` in `color`, over an opaque `background`
    /// box of the measured size when given; clipped to the image. Grey images use luma.
    public func drawText(_ text: String, at origin: Point, size: Int, color: RGB, background: RGB? = nil,
                         on image: inout Image) throws {
        guard !text.isEmpty, origin.isFinite else { return }
        try Self.ttf.withLock { _ in
            let font = try font(size: size)
            let white = SDL_Color(r: 255, g: 255, b: 255, a: 255)
            guard let surface = TTF_RenderUTF8_Blended(font, text, white) else {
                throw ImagingError.textRenderFailed(text: text, detail: "TTF_RenderUTF8_Blended: \(Self.sdlError())")
            }
            defer { SDL_FreeSurface(surface) }
            let s = surface.pointee
            guard let format = s.format, format.pointee.format == SDL_PIXELFORMAT_ARGB8888.rawValue,
                  let pixels = s.pixels else {
                throw ImagingError.textRenderFailed(text: text, detail: "SDL_ttf returned a surface that is not ARGB8888")
            }
            let x0 = Int(origin.x.rounded()), y0 = Int(origin.y.rounded())
            if let background {
                image.fill(x0: x0, y0: y0, x1: x0 + Int(s.w), y1: y0 + Int(s.h), color: background)
            }
            Self.blend(coverage: UnsafeRawPointer(pixels), width: Int(s.w), height: Int(s.h), pitch: Int(s.pitch),
                       color: color, at: x0, y0, onto: &image)
        }
    }

    /// Blends `color` onto the image with each glyph pixel's alpha as coverage.
    private static func blend(coverage: UnsafeRawPointer, width: Int, height: Int, pitch: Int,
                              color: RGB, at x0: Int, _ y0: Int, onto image: inout Image) {
        let cx0 = max(0, -x0), cy0 = max(0, -y0)
        let cx1 = min(width, image.width - x0), cy1 = min(height, image.height - y0)
        guard cx1 > cx0, cy1 > cy0 else { return }
        let ch = image.channels, iw = image.width
        let colors: [Int32] = image.format == .gray8 ? [Int32(color.luma)] : [Int32(color.r), Int32(color.g), Int32(color.b)]
        image.withUnsafeMutablePixels { p in
            for y in cy0..<cy1 {
                let src = (coverage + y * pitch).assumingMemoryBound(to: UInt32.self)
                let row = p.baseAddress! + ((y0 + y) * iw + x0) * ch
                for x in cx0..<cx1 {
                    let a = Int32(src[x] >> 24)
                    if a == 0 { continue }
                    for c in 0..<ch {
                        let o = x * ch + c
                        let v = Int32(row[o])
                        row[o] = UInt8(truncatingIfNeeded: v + ((colors[c] - v) * a + 127) / 255)
                    }
                }
            }
        }
    }

    /// The cached font at `size`, opening it on first use. Call with the lock held.
    private func font(size: Int) throws -> OpaquePointer {
        guard Self.sizeRange.contains(size) else {
            throw ImagingError.invalidArgument(operation: "TextRenderer", detail: "font size \(size) is not in \(Self.sizeRange)")
        }
        if let font = fonts.withLock({ $0[size] }).flatMap(OpaquePointer.init(bitPattern:)) { return font }
        guard let font = TTF_OpenFont(fontPath, Int32(size)) else {
            throw ImagingError.fontUnavailable(path: fontPath, detail: "TTF_OpenFont size \(size): \(Self.sdlError())")
        }
        let bits = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(font)))
        fonts.withLock { $0[size] = bits }
        return font
    }

    private static func sdlError() -> String {
        guard let text = SDL_GetError() else { return "unknown SDL error" }
        return String(cString: text)
    }
}
