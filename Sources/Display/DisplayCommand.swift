/// What the viewer asked for through the window, as reported by `OverlayWindow.pollEvents()`.
public enum DisplayCommand: Sendable, Hashable {
    /// q, Esc, or the window was closed: stop the program.
    case quit
    /// f toggled fullscreen; the new state.
    case fullscreen(Bool)
    /// h toggled the HUD; the new state.
    case hud(Bool)
    /// b toggled face pixelation (privacy); the new state.
    case blur(Bool)
}
