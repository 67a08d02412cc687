import XCTest

final class DisplayPlaceholderTests: XCTestCase {}
