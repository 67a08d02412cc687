import Imaging

/// Where each face's tag and probability panel go in the window: beside its own box, never over
/// another tag, panel or face, inside the video, and on the same side as in the last frame while that
/// side stays free, so labels do not jump. Pure geometry (no SDL), one instance per window.
public struct LabelPlacement: Sendable {
    /// A side of the face box.
    public enum Side: String, Sendable, CaseIterable {
        case above, below, left, right
    }

    /// Where along its side a label sits: at the box's start edge (left or top), its centre, or its end edge.
    public enum Alignment: Sendable, CaseIterable {
        case start, center, end
    }

    /// A side and an alignment.
    public struct Spot: Sendable, Equatable {
        public var side: Side
        public var alignment: Alignment
    }

    /// What one face needs placed, in window pixels.
    public struct Request: Sendable, Equatable {
        public var id: Int
        public var box: Rect
        public var tagSize: (width: Int, height: Int)
        /// nil: no panel for this face.
        public var panelSize: (width: Int, height: Int)?
        /// A smaller panel (fewer rows) tried when the full one fits nowhere.
        public var compactPanelSize: (width: Int, height: Int)?

        public init(id: Int, box: Rect, tagSize: (width: Int, height: Int), panelSize: (width: Int, height: Int)? = nil,
                    compactPanelSize: (width: Int, height: Int)? = nil) {
            self.id = id
            self.box = box
            self.tagSize = tagSize
            self.panelSize = panelSize
            self.compactPanelSize = compactPanelSize
        }

        public static func == (a: Request, b: Request) -> Bool {
            a.id == b.id && a.box == b.box && a.tagSize == b.tagSize && a.panelSize?.width == b.panelSize?.width
                && a.panelSize?.height == b.panelSize?.height
        }
    }

    /// Where one face's labels went.
    public struct Placed: Sendable, Equatable {
        public var id: Int
        public var tag: Rect
        public var tagSide: Side
        public var panel: Rect?
        public var panelSide: Side?
        /// True when the panel is the compact one.
        public var panelIsCompact: Bool
        /// False when no side was free and the least-covering spot was taken.
        public var isClear: Bool
    }

    /// The gap between a box and its labels, in pixels.
    public var gap: Float
    private var lastTagSpot: [Int: Spot] = [:]
    private var lastPanelSpot: [Int: Spot] = [:]

    public init(gap: Float = 2) { self.gap = gap }

    /// Places every request inside `viewport` and returns one result per request, in the requests' order.
    /// Tags first (they matter most), then panels; faces in id order
    /// (older tracks first), so a newcomer never pushes an established face's labels away. No panel covers any
    /// face's box or another label: a panel that fits nowhere shrinks to its compact form, and is left out when
    /// even that fits nowhere. A tag that fits nowhere goes inside the top of its own box.
    public mutating func place(_ requests: [Request], in viewport: Rect) -> [Placed] {
        // Served in id order; the results come back in the requests' order.
        let order = requests.indices.sorted { (requests[$0].id, $0) < (requests[$1].id, $1) }
        let boxes = requests.map(\.box)
        var taken: [Rect] = []
        var result = requests.map { Placed(id: $0.id, tag: .zero, tagSide: .above, panel: nil, panelSide: nil,
                                           panelIsCompact: false, isClear: true) }
        for index in order {
            let request = requests[index]
            let spots = Self.spots(preferred: lastTagSpot[request.id], sides: [.above, .below, .right, .left])
            if let (rect, spot) = firstFree(size: request.tagSize, around: request.box, spots: spots,
                                            avoiding: taken + boxes, viewport: viewport) {
                result[index].tag = rect
                result[index].tagSide = spot.side
                lastTagSpot[request.id] = spot
            } else {
                let w = Float(request.tagSize.width), h = Float(request.tagSize.height)
                result[index].tag = Rect(x: request.box.minX, y: request.box.minY, width: w, height: h).clamped(to: viewport)
                result[index].isClear = false
                lastTagSpot[request.id] = nil
            }
            taken.append(result[index].tag)
        }
        for index in order {
            let request = requests[index]
            guard let full = request.panelSize else { continue }
            let spots = Self.spots(preferred: lastPanelSpot[request.id], sides: [.right, .left, .below, .above])
            var found = firstFree(size: full, around: request.box, spots: spots, avoiding: taken + boxes, viewport: viewport)
            if found == nil, let compact = request.compactPanelSize {
                found = firstFree(size: compact, around: request.box, spots: spots, avoiding: taken + boxes,
                                  viewport: viewport)
                result[index].panelIsCompact = found != nil
            }
            guard let (panel, spot) = found else {
                result[index].isClear = false
                lastPanelSpot[request.id] = nil
                continue
            }
            taken.append(panel)
            result[index].panel = panel
            result[index].panelSide = spot.side
            lastPanelSpot[request.id] = spot
        }
        // Forget faces that are gone.
        let ids = Set(requests.map(\.id))
        lastTagSpot = lastTagSpot.filter { ids.contains($0.key) }
        lastPanelSpot = lastPanelSpot.filter { ids.contains($0.key) }
        return result
    }

    /// Every spot, the last frame's first, then side by side in `sides` order (start, centre, end on each).
    private static func spots(preferred: Spot?, sides: [Side]) -> [Spot] {
        let all = sides.flatMap { side in Alignment.allCases.map { Spot(side: side, alignment: $0) } }
        guard let preferred else { return all }
        return [preferred] + all.filter { $0 != preferred }
    }

    /// The first spot where a `size` rectangle fits inside the viewport touching none of `obstacles`.
    private func firstFree(size: (width: Int, height: Int), around box: Rect, spots: [Spot], avoiding obstacles: [Rect],
                           viewport: Rect) -> (Rect, Spot)? {
        guard Float(size.width) <= viewport.width, Float(size.height) <= viewport.height else { return nil }
        for spot in spots {
            let rect = candidate(size: size, around: box, spot: spot, viewport: viewport)
            if obstacles.allSatisfy({ rect.intersection($0).area == 0 }) { return (rect, spot) }
        }
        return nil
    }

    /// The rectangle at `spot` of `box`, pushed inside the viewport.
    func candidate(size: (width: Int, height: Int), around box: Rect, spot: Spot, viewport: Rect) -> Rect {
        let w = Float(size.width), h = Float(size.height)
        let alongX: Float, alongY: Float
        switch spot.alignment {
        case .start: (alongX, alongY) = (box.minX, box.minY)
        case .center: (alongX, alongY) = (box.center.x - w / 2, box.center.y - h / 2)
        case .end: (alongX, alongY) = (box.maxX - w, box.maxY - h)
        }
        var x: Float, y: Float
        switch spot.side {
        case .above: (x, y) = (alongX, box.minY - gap - h)
        case .below: (x, y) = (alongX, box.maxY + gap)
        case .right: (x, y) = (box.maxX + gap, alongY)
        case .left: (x, y) = (box.minX - gap - w, alongY)
        }
        x = min(max(x, viewport.minX), max(viewport.minX, viewport.maxX - w)).rounded(.down)
        y = min(max(y, viewport.minY), max(viewport.minY, viewport.maxY - h)).rounded(.down)
        return Rect(x: x, y: y, width: w, height: h)
    }
}
