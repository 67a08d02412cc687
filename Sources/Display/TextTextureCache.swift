import CSDL2
import Imaging
import TextRendering

/// Text drawn once into white textures whose alpha is the glyph coverage (tinted at draw time with
/// `SDL_SetTextureColorMod`), cached by text and size: labels repeat every frame. Bounded, least
/// recently used first out. Rasterises through `TextRenderer` (SDL2_ttf under its process-wide lock).
/// Same thread as the renderer that owns it.
final class TextTextureCache {
    struct Entry {
        let texture: OpaquePointer
        let width: Int
        let height: Int
        var lastUse: UInt64
    }

    private struct Key: Hashable {
        let text: String
        let size: Int
    }

    private let renderer: OpaquePointer
    private let fonts: TextRenderer
    private var entries: [Key: Entry] = [:]
    private var lineHeights: [Int: Int] = [:]
    private var clock: UInt64 = 0
    /// The most textures kept.
    let capacity: Int
    /// Texture renders so far (cache misses), for tests and statistics.
    private(set) var renders = 0

    init(renderer: OpaquePointer, fonts: TextRenderer, capacity: Int = 256) {
        self.renderer = renderer
        self.fonts = fonts
        self.capacity = max(8, capacity)
    }

    deinit { removeAll() }

    var count: Int { entries.count }

    /// The font's line height at `size`.
    func lineHeight(size: Int) throws -> Int {
        if let h = lineHeights[size] { return h }
        let h = try fonts.measure("", size: size).height
        lineHeights[size] = h
        return h
    }

    /// The texture for `text` at `size`, rendering it on first use; nil for empty text.
    func entry(for text: String, size: Int) throws -> Entry? {
        guard !text.isEmpty else { return nil }
        clock &+= 1
        let key = Key(text: text, size: size)
        if var entry = entries[key] {
            entry.lastUse = clock
            entries[key] = entry
            return entry
        }
        let entry = try render(text, size: size)
        if entries.count >= capacity { evictOldest(entries.count - capacity + 1 + capacity / 4) }
        entries[key] = entry
        return entry
    }

    /// Destroys every cached texture.
    func removeAll() {
        for entry in entries.values { SDL_DestroyTexture(entry.texture) }
        entries.removeAll()
    }

    private func evictOldest(_ count: Int) {
        let victims = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(count)
        for (key, entry) in victims {
            SDL_DestroyTexture(entry.texture)
            entries[key] = nil
        }
    }

    private func render(_ text: String, size: Int) throws -> Entry {
        let measured: (width: Int, height: Int)
        var mask: Image
        do {
            measured = try fonts.measure(text, size: size)
            mask = try Image(width: max(1, measured.width), height: max(1, measured.height), format: .gray8)
            try fonts.drawText(text, at: Point(x: 0, y: 0), size: size, color: .white, on: &mask)
        } catch {
            throw DisplayError.sdlFailed(operation: "rendering text \"\(text)\"", detail: "\(error)")
        }
        let w = mask.width, h = mask.height
        // White with alpha = coverage, so a colour mod gives any text colour.
        let argb = mask.withUnsafePixels { coverage in
            [UInt32](unsafeUninitializedCapacity: w * h) { out, n in
                for i in 0..<(w * h) { out[i] = UInt32(coverage[i]) << 24 | 0x00FF_FFFF }
                n = w * h
            }
        }
        guard let texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888.rawValue,
                                              Int32(SDL_TEXTUREACCESS_STATIC.rawValue), Int32(w), Int32(h)) else {
            throw DisplayError.sdlFailed(operation: "SDL_CreateTexture (text \(w)x\(h))", detail: sdlError())
        }
        let status = argb.withUnsafeBytes { SDL_UpdateTexture(texture, nil, $0.baseAddress, Int32(w * 4)) }
        guard status == 0 else {
            SDL_DestroyTexture(texture)
            throw DisplayError.sdlFailed(operation: "SDL_UpdateTexture (text)", detail: sdlError())
        }
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND)
        renders += 1
        return Entry(texture: texture, width: w, height: h, lastUse: clock)
    }
}

/// SDL's last error message.
func sdlError() -> String {
    guard let text = SDL_GetError() else { return "unknown SDL error" }
    let message = String(cString: text)
    return message.isEmpty ? "unknown SDL error" : message
}
