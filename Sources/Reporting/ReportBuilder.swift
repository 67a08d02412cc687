import Foundation

/// Reads event logs (plain or `.gz`, one or many cameras, in any order) and aggregates them into a report.
public struct ReportBuilder {
    public var settings: ReportSettings
    /// Called now and then with the compressed bytes read so far and the total of all files.
    public var progress: ((Int, Int) -> Void)?

    public init(settings: ReportSettings, progress: ((Int, Int) -> Void)? = nil) {
        self.settings = settings
        self.progress = progress
    }

    /// Aggregates `paths`. Throws `ReportError.cannotOpen` when a file cannot be read at all; bad lines and a
    /// damaged compressed tail are counted in the report's `input`, not thrown.
    public func build(paths: [String]) throws -> EmotionReport {
        // Oldest log first, so that a track's lines arrive in order across rotated files.
        var files: [(path: String, first: Double, size: Int)] = []
        for path in paths {
            let reader = try EventLogReader(path: path, chunkSize: 1 << 16)
            let first = (try? Self.firstTime(reader)) ?? .infinity
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            files.append((path, first, size))
        }
        files.sort { ($0.first, $0.path) < ($1.first, $1.path) }
        let totalBytes = files.reduce(0) { $0 + $1.size }

        var aggregator = EventAggregator(settings: settings)
        let decoder = JSONDecoder()
        var doneBytes = 0
        for file in files {
            let reader = try EventLogReader(path: file.path)
            aggregator.countFile()
            var sinceProgress = 0
            do {
                try reader.forEachLine { bytes in
                    aggregator.countLine()
                    sinceProgress += 1
                    if sinceProgress == 65_536, let progress {
                        sinceProgress = 0
                        progress(doneBytes + reader.bytesConsumed, totalBytes)
                    }
                    if bytes.isEmpty || Self.isStatsLine(bytes) { return }
                    do {
                        let event = try decoder.decode(LoggedEvent.self, from: Data(buffer: bytes))
                        aggregator.add(event)
                    } catch {
                        aggregator.badLine(file: file.path, line: reader.lineNumber, reason: Self.reason(error))
                    }
                }
            } catch let error as ReportError {
                aggregator.damaged(error.description)
            }
            doneBytes += file.size
            progress?(doneBytes, totalBytes)
        }
        return aggregator.finish()
    }

    /// The time of a log's first event (to order the logs).
    static func firstTime(_ reader: EventLogReader) throws -> Double? {
        var found: Double?
        let decoder = JSONDecoder()
        struct Stamp: Decodable { var time: String }
        struct Found: Error {}
        do {
            try reader.forEachLine { bytes in
                if let stamp = try? decoder.decode(Stamp.self, from: Data(buffer: bytes)),
                   let time = UTCTime.parse(stamp.time) {
                    found = time
                    throw Found()
                }
                if reader.lineNumber > 1000 { throw Found() }
            }
        } catch is Found {}
        return found
    }

    /// `{"type":"stats"`: periodic figures, the bulk of a quiet log, which a report does not read.
    static func isStatsLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = #"{"type":"stats""#
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// One short line on why a line is not an event.
    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field \"\(path)\" has the wrong type"
        case DecodingError.dataCorrupted(let context):
            if let key = context.codingPath.last { return "field \"\(key.stringValue)\": \(context.debugDescription)" }
            return "not a JSON object (truncated line?)"
        default: return "not an event"
        }
    }
}
