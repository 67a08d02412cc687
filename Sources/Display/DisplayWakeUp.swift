import CSDL2
import Foundation

/// Wakes the thread waiting in `OverlayWindow.waitForEvents(timeout:)`, from any thread (e.g. when a
/// new frame is ready). Does nothing once the window is closed.
public final class DisplayWakeUp: @unchecked Sendable {
    private let lock = NSLock()
    private var eventType: UInt32?

    init(eventType: UInt32) {
        self.eventType = eventType
    }

    /// Posts a wake-up event to the window's queue (SDL_PushEvent is thread-safe).
    public func wake() {
        lock.withLock {
            guard let eventType else { return }
            var event = SDL_Event()
            event.type = eventType
            _ = SDL_PushEvent(&event)
        }
    }

    /// Called by the window before SDL shuts down.
    func invalidate() {
        lock.withLock { eventType = nil }
    }
}
