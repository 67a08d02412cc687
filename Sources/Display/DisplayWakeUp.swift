import CSDL2
import Foundation
import Synchronization

/// Wakes the thread waiting in `OverlayWindow.waitForEvents(timeout:)`, from any thread (e.g. when a
/// new frame is ready). Does nothing once the window is closed.
public final class DisplayWakeUp: Sendable {
    /// The SDL user event type; nil once the window is closed.
    private let eventType: Mutex<UInt32?>

    init(eventType: UInt32) {
        self.eventType = Mutex(eventType)
    }

    /// Posts a wake-up event to the window's queue (SDL_PushEvent is thread-safe).
    public func wake() {
        eventType.withLock { eventType in
            guard let eventType else { return }
            var event = SDL_Event()
            event.type = eventType
            _ = SDL_PushEvent(&event)
        }
    }

    /// Called by the window before SDL shuts down.
    func invalidate() {
        eventType.withLock { $0 = nil }
    }
}
