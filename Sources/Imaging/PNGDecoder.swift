import CPNG

/// PNG decoding through libpng's simplified API (png_image_begin_read_from_memory /
/// png_image_finish_read), which expands palettes, strips 16-bit to 8-bit and removes alpha.
///
/// Alpha is composited onto black (libpng composites in linear light, then re-encodes sRGB).
/// 16-bit files without a gAMA/sRGB chunk are taken as sRGB-encoded (PNG_IMAGE_FLAG_16BIT_sRGB),
/// so 16-bit values scale to 8-bit (v / 257) instead of being treated as linear light.
/// A colour PNG requested as grey is decoded to RGB and converted with the same BT.601 integer
/// luma as `Image.converted(to: .gray8)` (libpng's own RGB→grey works in linear light).
enum PNGDecoder {
    // png.h values (some are macros Swift imports awkwardly, e.g. `0x02U`).
    static let formatGray: png_uint_32 = 0          // PNG_FORMAT_GRAY
    static let formatRGB: png_uint_32 = 2           // PNG_FORMAT_RGB
    static let formatFlagColor: png_uint_32 = 0x02  // PNG_FORMAT_FLAG_COLOR
    static let flag16BitSRGB: png_uint_32 = 0x04    // PNG_IMAGE_FLAG_16BIT_sRGB

    static func decode(_ bytes: UnsafeRawBufferPointer, as format: PixelFormat, name: String) throws -> Image {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw ImagingError.corruptData(name: name, format: "PNG", detail: message(of: &image))
        }
        let width = Int(image.width), height = Int(image.height)
        try ImageCodec.checkDimensions(width: width, height: height, name: name)

        let sourceIsColor = (image.format & formatFlagColor) != 0
        let decodeFormat: PixelFormat = (format == .gray8 && !sourceIsColor) ? .gray8 : .rgb8
        image.format = decodeFormat == .gray8 ? formatGray : formatRGB
        image.flags |= flag16BitSRGB

        var background = png_color(red: 0, green: 0, blue: 0)
        let decoded = try Image(uncheckedWidth: width, height: height, format: decodeFormat) { out in
            let ok = png_image_finish_read(
                &image, &background, out.baseAddress, png_int_32(width * decodeFormat.channels), nil)
            guard ok != 0 else {
                throw ImagingError.corruptData(name: name, format: "PNG", detail: message(of: &image))
            }
        }
        return decodeFormat == format ? decoded : decoded.converted(to: format)
    }

    /// libpng's message stored in the png_image (a NUL-terminated char[64]).
    private static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw -> String in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
        return text.isEmpty ? "libpng reported no message" : text
    }
}
