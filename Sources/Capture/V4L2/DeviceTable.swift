/// Renders a device list as the plain-text table `fer-live devices` prints.
///
/// One row per device and format size, with the device's columns filled only on its first row:
///
///     DEVICE       NAME       DRIVER    BY-ID                            FORMAT  SIZE      FPS
///     /dev/video0  HD Webcam  uvcvideo  usb-Acme_HD_Webcam-video-index0  MJPG    1280x720  30, 15
///                                                                        MJPG    640x480   30, 15
///     /dev/video1  HD Webcam  uvcvideo  usb-Acme_HD_Webcam-video-index1  (metadata node, no video capture)
public enum DeviceTable {
    /// The table text (ending with a newline), or "no V4L2 devices found" when `devices` is empty.
    public static func render(_ devices: [V4L2DeviceInfo]) -> String {
        guard !devices.isEmpty else { return "no V4L2 devices found\n" }
        var rows: [[String]] = [["DEVICE", "NAME", "DRIVER", "BY-ID", "FORMAT", "SIZE", "FPS"]]
        for device in devices {
            let byID = device.byIDPaths.isEmpty ? "-" : device.byIDPaths
                .map { $0.hasPrefix(DeviceList.byIDDirectory + "/") ? String($0.dropFirst(DeviceList.byIDDirectory.count + 1)) : $0 }
                .joined(separator: ", ")
            let head = [device.path, device.capabilities?.card ?? "?", device.capabilities?.driver ?? "?", byID]
            var lines: [[String]] = []
            if let error = device.error {
                lines.append(["(\(error))"])
            } else if let capabilities = device.capabilities, !capabilities.canCapture {
                lines.append(["(\(capabilities.role) node, no video capture)"])
            } else if device.formats.isEmpty {
                lines.append(["(no formats)"])
            }
            for format in device.formats {
                let formatName = format.pixelFormat.fourCC + (format.isEmulated ? " (emulated)" : "")
                if let range = format.sizeRange {
                    let kind = range.isContinuous ? "continuous" : "stepwise"
                    var text = "\(range.minWidth)x\(range.minHeight)-\(range.maxWidth)x\(range.maxHeight)"
                    if !range.isContinuous { text += " step \(range.stepWidth)x\(range.stepHeight)" }
                    lines.append([formatName, "\(text) (\(kind))", rates(of: format.sizes.first)])
                    continue
                }
                if format.sizes.isEmpty { lines.append([formatName, "?", ""]) }
                for size in format.sizes {
                    lines.append([formatName, "\(size.width)x\(size.height)", rates(of: size)])
                }
            }
            for (index, line) in lines.enumerated() {
                rows.append((index == 0 ? head : ["", "", "", ""]) + line)
            }
        }
        // A row's last cell (a note like "(metadata node, no video capture)") may run past its column.
        let widths = (0..<rows[0].count).map { column in
            rows.filter { column < $0.count - 1 }.map { $0[column].count }.max() ?? 0
        }
        var text = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2)
            }
            text += line.trimmingTrailingSpaces() + "\n"
        }
        return text
    }

    /// "30, 15, 5" for discrete rates; "1-30 (continuous)" for a range.
    static func rates(of size: V4L2FrameSize?) -> String {
        guard let size else { return "" }
        if let range = size.intervalRange {
            let kind = range.isContinuous ? "continuous" : "stepwise"
            return "\(number(range.maximum.framesPerSecond))-\(number(range.minimum.framesPerSecond)) (\(kind))"
        }
        return size.intervals.map { number($0.framesPerSecond) }.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String {
        abs(value - value.rounded()) < 0.005 ? "\(Int(value.rounded()))" : "\((value * 100).rounded() / 100)"
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
