import CTurboJPEG
import Imaging
import XCTest

final class CMYKTests: XCTestCase {
    /// A CMYK (YCCK) JPEG made with turbojpeg is refused with a clear message, not mis-decoded.
    func testCMYKJPEGIsRefusedClearly() throws {
        let handle = try XCTUnwrap(tjInitCompress())
        defer { tjDestroy(handle) }
        let cmyk = [UInt8](repeating: 90, count: 8 * 8 * 4)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = tjCompress2(handle, cmyk, 8, 0, 8, Int32(TJPF_CMYK.rawValue), &output, &size,
                                 Int32(TJSAMP_444.rawValue), 90, 0)
        XCTAssertEqual(status, 0)
        let jpeg = Array(UnsafeBufferPointer(start: try XCTUnwrap(output), count: Int(size)))
        tjFree(output)
        XCTAssertThrowsError(try ImageCodec.decode(data: jpeg, as: .rgb8, name: "print.jpg")) { error in
            XCTAssertEqual("\(error)", "print.jpg: unsupported image encoding (CMYK/YCCK JPEG; convert it to RGB first)")
        }
    }
}
