import XCTest

final class CapturePlaceholderTests: XCTestCase {}
