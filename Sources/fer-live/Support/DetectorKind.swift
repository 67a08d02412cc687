import ArgumentParser

/// The face detectors `--detector` chooses from.
enum DetectorKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// YuNet-s (default): fast, accurate, five landmarks.
    case yunet
    /// MTCNN (P-/R-/O-Net), as the FER2013 live demos use it: five landmarks, slower.
    case mtcnn
    /// OpenCV's Haar frontal-face cascade: the cheapest, no landmarks, more false positives.
    case haar

    static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
