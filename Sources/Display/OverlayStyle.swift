import Imaging

/// How the overlay looks: sizes that scale with the video height (a 480-line video gets 15 px text and
/// 2 px lines), and the colours and opacities of panels, bars and text.
struct OverlayStyle {
    let fontSize: Int
    let smallFontSize: Int
    let lineWidth: Int
    let padding: Int
    let barLength: Int

    init(viewportHeight: Float) {
        let ui = max(0.75, viewportHeight / 480)
        fontSize = min(64, max(12, Int((15 * ui).rounded())))
        smallFontSize = min(48, max(10, Int((12 * ui).rounded())))
        lineWidth = max(2, Int((2 * ui).rounded()))
        padding = max(2, Int((3 * ui).rounded()))
        barLength = max(40, Int((60 * ui).rounded()))
    }

    /// Opacity of the black panel behind probability bars.
    static let panelAlpha: UInt8 = 160
    /// Opacity of the black panel behind the HUD.
    static let hudAlpha: UInt8 = 150
    /// The faint full-length track behind each bar, so a bar's length reads against the whole.
    static let trackColor = RGB(gray: 255)
    static let trackAlpha: UInt8 = 40
    /// Bars other than the most probable class (which takes the face colour) unless a class has its own colour.
    static let otherBarColor = RGB(gray: 190)

    /// Black on light colours, white on dark ones.
    static func textColor(on background: RGB) -> RGB { background.luma >= 140 ? .black : .white }
}
