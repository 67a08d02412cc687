import CSDL2

/// Window and key events: q/Esc quit, f fullscreen, h HUD, b pixelate faces; resizes and exposures redraw.
extension OverlayWindow {
    /// Handles pending window and key events; returns what the viewer asked for. The toggles
    /// (f, h, b) are applied here and reported too.
    public func pollEvents() -> [DisplayCommand] {
        checkThread()
        return handleEvents(waitingUpTo: 0)
    }

    /// Sleeps until an event arrives, `wakeUp.wake()` is called (from any thread) or `timeout` seconds
    /// pass, then handles pending events like `pollEvents()`. For a main loop that has nothing else to do.
    public func waitForEvents(timeout: Double) -> [DisplayCommand] {
        checkThread()
        let milliseconds = timeout.isFinite ? Int32(max(0, min(timeout, 3600)) * 1000) : 0
        return handleEvents(waitingUpTo: milliseconds)
    }

    private func handleEvents(waitingUpTo milliseconds: Int32) -> [DisplayCommand] {
        guard window != nil else { return [] }
        var commands: [DisplayCommand] = []
        var redraw = false, reupload = false
        var event = SDL_Event()
        var pending = milliseconds > 0 ? SDL_WaitEventTimeout(&event, milliseconds) : SDL_PollEvent(&event)
        while pending != 0 {
            defer { pending = SDL_PollEvent(&event) }
            switch event.type {
            case SDL_QUIT.rawValue:
                commands.append(.quit)
            case SDL_WINDOWEVENT.rawValue:
                switch UInt32(event.window.event) {
                case SDL_WINDOWEVENT_CLOSE.rawValue: commands.append(.quit)
                case SDL_WINDOWEVENT_SIZE_CHANGED.rawValue, SDL_WINDOWEVENT_EXPOSED.rawValue: redraw = true
                default: break
                }
            case SDL_KEYDOWN.rawValue where event.key.repeat == 0:
                switch event.key.keysym.sym {
                case Self.key(SDLK_q), Self.key(SDLK_ESCAPE):
                    commands.append(.quit)
                case Self.key(SDLK_f):
                    setFullscreen(!isFullscreen)
                    commands.append(.fullscreen(isFullscreen))
                case Self.key(SDLK_h):
                    showsHUD.toggle()
                    commands.append(.hud(showsHUD))
                    redraw = true
                case Self.key(SDLK_b):
                    blursFaces.toggle()
                    commands.append(.blur(blursFaces))
                    reupload = true
                default: break
                }
            default: break
            }
        }
        if (redraw || reupload), let frame = lastFrame, let renderer {
            // A paused stream still shows the change.
            if reupload { try? upload(frame) }
            if (try? draw()) != nil { SDL_RenderPresent(renderer) }
        }
        return commands
    }

    private static func key(_ code: SDL_KeyCode) -> SDL_Keycode { SDL_Keycode(truncatingIfNeeded: code.rawValue) }
}
