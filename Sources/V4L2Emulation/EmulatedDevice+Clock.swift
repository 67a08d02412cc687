import Capture

/// Frame production on the device's clock (the system's lock is held throughout).
extension EmulatedDevice {
    /// Produces the frames due by `now` on the device's clock.
    func produceDueLocked(now: Double) {
        guard streaming, present else { return }
        switch configuration.clock {
        case .realtime:
            if stalled {
                nextFrameTime = max(nextFrameTime, now)
                return
            }
            while streaming, present, !stalled, now >= nextFrameTime {
                produceOneLocked(now: nextFrameTime)
                nextFrameTime += interval.seconds
                if now - nextFrameTime > 1 { nextFrameTime = now + interval.seconds }
            }
        case .onDemand:
            if !stalled, done.isEmpty, !queued.isEmpty { produceOneLocked(now: now) }
        case .manual:
            break
        }
    }

    /// When the next frame is due on the real-time clock (nil for the other clocks or while stalled).
    func nextWakeLocked() -> Double? {
        guard streaming, present, !stalled, configuration.clock == .realtime else { return nil }
        return nextFrameTime
    }

    /// True when a filled buffer waits for DQBUF.
    var hasFrameLocked: Bool { !done.isEmpty }

    /// Produces one frame into the oldest queued buffer (or drops it), applying faults scheduled for it.
    func produceOneLocked(now: Double) {
        let number = stats.framesProduced
        if let faults = scheduled.removeValue(forKey: number) {
            for fault in faults { applyLocked(fault) }
            if !present || stalled { return }
        }
        stats.framesProduced += 1
        defer { streamSequence &+= 1 }
        guard !queued.isEmpty else {
            stats.framesDropped += 1
            return
        }
        let buffer = buffers[queued.removeFirst()]
        let format = pixelFormats[formatIndex]
        var bytes: [UInt8]
        if corruptRemaining > 0 {
            bytes = FrameSynthesizer.corruptJPEG(seed: number)
            corruptRemaining -= 1
        } else {
            bytes = synthesizer.frame(number, format: format, width: width, height: height,
                                      linePadding: configuration.linePadding) ?? []
        }
        if bytes.count > buffer.length { bytes = Array(bytes.prefix(buffer.length)) }
        buffer.fill(bytes, sequence: streamSequence, timestamp: now, error: errorNext)
        errorNext = false
        done.append(buffer.index)
    }
}
