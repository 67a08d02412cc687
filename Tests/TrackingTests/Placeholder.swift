import XCTest

final class TrackingPlaceholderTests: XCTestCase {}
