import XCTest

final class PipelinePlaceholderTests: XCTestCase {}
