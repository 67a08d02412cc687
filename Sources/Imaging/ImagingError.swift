/// Everything that can go wrong in Imaging; `description` is one line naming the file or operation.
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but this process may not read it.
    case permissionDenied(path: String)
    /// Opening or reading failed for another reason (a directory, an I/O error, ...).
    case unreadable(path: String, reason: String)
    /// The file or buffer holds no bytes.
    case emptyFile(name: String)
    /// The bytes start with neither the JPEG nor the PNG signature.
    case unsupportedFormat(name: String)
    /// The JPEG or PNG library rejected the data; `detail` is the library's own message.
    case corruptData(name: String, format: String, detail: String)
    /// The data is valid but uses an encoding Imaging does not convert (e.g. a CMYK JPEG).
    case unsupportedEncoding(name: String, detail: String)
    /// The header declares a zero width or height.
    case zeroDimensions(name: String, width: Int, height: Int)
    /// The header declares more than `Image.maximumDimension` pixels on a side, or more than
    /// `Image.maximumDecodedPixels` in all.
    case dimensionsTooLarge(name: String, width: Int, height: Int)
    /// An `Image` was built with impossible dimensions or a wrong-sized buffer.
    case invalidImage(String)
    /// An argument to an Imaging operation is out of range; names the operation.
    case invalidArgument(operation: String, detail: String)
    /// The JPEG encoder failed.
    case encodeFailed(detail: String)
    /// Writing an output file failed.
    case cannotWrite(path: String, reason: String)
    /// No usable TrueType font was found.
    case fontNotFound(paths: [String], package: String)
    /// SDL2_ttf could not start or could not open the font.
    case fontUnavailable(path: String, detail: String)
    /// SDL2_ttf failed to render a string.
    case textRenderFailed(text: String, detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .permissionDenied(let path):
            return "\(path): permission denied"
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))"
        case .emptyFile(let name):
            return "\(name): empty file"
        case .unsupportedFormat(let name):
            return "\(name): not a JPEG or PNG image"
        case .corruptData(let name, let format, let detail):
            return "\(name): corrupt or truncated \(format) data (\(detail))"
        case .unsupportedEncoding(let name, let detail):
            return "\(name): unsupported image encoding (\(detail))"
        case .zeroDimensions(let name, let width, let height):
            return "\(name): image has zero size (\(width)x\(height))"
        case .dimensionsTooLarge(let name, let width, let height):
            if width > Image.maximumDimension || height > Image.maximumDimension {
                return "\(name): image is \(width)x\(height), more than \(Image.maximumDimension) pixels on a side"
            }
            return "\(name): image is \(width)x\(height), more than \(Image.maximumDecodedPixels / 1_000_000) megapixels"
        case .invalidImage(let detail):
            return "invalid image: \(detail)"
        case .invalidArgument(let operation, let detail):
            return "\(operation): \(detail)"
        case .encodeFailed(let detail):
            return "JPEG encode failed (\(detail))"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write (\(reason))"
        case .fontNotFound(let paths, let package):
            return "no TrueType font found at \(paths.joined(separator: ", ")); install the Debian package \(package)"
        case .fontUnavailable(let path, let detail):
            return "\(path): cannot open font (\(detail))"
        case .textRenderFailed(let text, let detail):
            return "cannot render text \"\(text.prefix(40))\" (\(detail))"
        }
    }
}
