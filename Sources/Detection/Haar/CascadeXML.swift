/// A minimal XML element tree, enough for OpenCV's `FileStorage` XML (elements, attributes, text,
/// comments, `<?...?>` declarations, the five predefined entities). No DTDs, namespaces or CDATA
/// beyond plain text. Small and dependency-free, so fer-live does not need libxml2 (FoundationXML).
struct CascadeXMLElement {
    var name: String
    var attributes: [String: String] = [:]
    var children: [CascadeXMLElement] = []
    /// The element's own text (the concatenation of its text pieces between child elements).
    var text: String = ""
    /// 1-based line of the start tag, for error messages.
    var line: Int

    /// The first child named `name`.
    func child(_ name: String) -> CascadeXMLElement? { children.first { $0.name == name } }

    /// The element's text as whitespace-separated tokens.
    var tokens: [Substring] { text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) }
}

/// Why an XML text could not be parsed: the 1-based line and what was wrong.
struct CascadeXMLSyntaxError: Error {
    var line: Int
    var reason: String
}

/// Parses UTF-8 XML bytes into a `CascadeXMLElement` tree (the root element).
struct CascadeXMLParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The document's root element; throws on any syntax error or truncation.
    static func parse(_ bytes: [UInt8]) throws(CascadeXMLSyntaxError) -> CascadeXMLElement {
        var parser = CascadeXMLParser(bytes: bytes)
        return try parser.document()
    }

    private mutating func document() throws(CascadeXMLSyntaxError) -> CascadeXMLElement {
        var root: CascadeXMLElement?
        while true {
            skipWhitespace()
            guard index < bytes.count else { break }
            guard bytes[index] == UInt8(ascii: "<") else {
                throw fail("text outside the root element")
            }
            if try skipMarkupIfAny() { continue }
            if root != nil { throw fail("a second root element") }
            root = try element()
        }
        guard let root else { throw fail(bytes.isEmpty ? "the file is empty" : "no root element") }
        return root
    }

    /// Skips `<?...?>`, `<!--...-->` or `<!...>` at the cursor; false when the cursor is at an element.
    private mutating func skipMarkupIfAny() throws(CascadeXMLSyntaxError) -> Bool {
        if starts(with: "<?") { try skip(past: "?>", what: "a <? declaration"); return true }
        if starts(with: "<!--") { try skip(past: "-->", what: "a comment"); return true }
        if starts(with: "<![CDATA[") { return false }
        if starts(with: "<!") { try skip(past: ">", what: "a <! declaration"); return true }
        return false
    }

    /// An element at the cursor (`<name ...>` ... `</name>` or `<name .../>`).
    private mutating func element() throws(CascadeXMLSyntaxError) -> CascadeXMLElement {
        let startLine = line
        index += 1 // "<"
        let name = try self.name()
        var element = CascadeXMLElement(name: name, line: startLine)
        // Attributes.
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
            if bytes[index] == UInt8(ascii: "/") {
                guard index + 1 < bytes.count else { throw truncated(inside: name, line: startLine) }
                guard bytes[index + 1] == UInt8(ascii: ">") else { throw fail("expected '>' after '/' in <\(name)>") }
                index += 2
                return element
            }
            if bytes[index] == UInt8(ascii: ">") { index += 1; break }
            let key = try self.name()
            skipWhitespace()
            guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
            guard bytes[index] == UInt8(ascii: "=") else { throw fail("expected '=' after attribute '\(key)' of <\(name)>") }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
            let quote = bytes[index]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute '\(key)' of <\(name)> is not quoted")
            }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { advance() }
            guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
            element.attributes[key] = try decode(start..<index)
            index += 1
        }
        // Content.
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { advance() }
                text.append(contentsOf: bytes[start..<index])
                continue
            }
            if starts(with: "</") {
                index += 2
                let closing = try self.name()
                skipWhitespace()
                guard index < bytes.count else { throw truncated(inside: name, line: startLine) }
                guard bytes[index] == UInt8(ascii: ">") else { throw fail("expected '>' to close </\(closing)>") }
                index += 1
                guard closing == name else {
                    throw fail("</\(closing)> closes <\(name)> opened on line \(startLine)")
                }
                element.text = try decode(text)
                return element
            }
            if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>", what: "a CDATA section")
                text.append(contentsOf: bytes[start..<(index - 3)])
                continue
            }
            if try skipMarkupIfAny() { continue }
            element.children.append(try self.element())
        }
    }

    private mutating func name() throws(CascadeXMLSyntaxError) -> String {
        let start = index
        while index < bytes.count {
            let c = bytes[index]
            let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: ":") || c >= 0x80
            if !ok { break }
            index += 1
        }
        guard index > start else {
            if index >= bytes.count { throw fail("unexpected end of file in a tag") }
            throw fail("expected a tag or attribute name, found '\(Character(Unicode.Scalar(bytes[index])))'")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func decode(_ range: Range<Int>) throws(CascadeXMLSyntaxError) -> String { try decode(Array(bytes[range])) }

    /// Text with `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and numeric references replaced.
    private func decode(_ raw: [UInt8]) throws(CascadeXMLSyntaxError) -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        let s = String(decoding: raw, as: UTF8.self)
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else {
                throw CascadeXMLSyntaxError(line: line, reason: "unterminated entity reference")
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst(1)).flatMap(Unicode.Scalar.init) }
                guard let scalar else {
                    throw CascadeXMLSyntaxError(line: line, reason: "unknown entity '&\(entity);'")
                }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    private func starts(with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard index + n <= bytes.count else { return false }
        return prefix.withUTF8Buffer { p in
            for i in 0..<n where bytes[index + i] != p[i] { return false }
            return true
        }
    }

    private mutating func skip(past terminator: StaticString, what: String) throws(CascadeXMLSyntaxError) {
        let startLine = line
        while index < bytes.count {
            if starts(with: terminator) { index += terminator.utf8CodeUnitCount; return }
            advance()
        }
        throw CascadeXMLSyntaxError(line: startLine, reason: "unexpected end of file in \(what) starting here")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            let c = bytes[index]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            advance()
        }
    }

    @inline(__always) private mutating func advance() {
        if bytes[index] == 0x0A { line += 1 }
        index += 1
    }

    private func fail(_ reason: String) -> CascadeXMLSyntaxError { CascadeXMLSyntaxError(line: line, reason: reason) }

    private func truncated(inside name: String, line startLine: Int) -> CascadeXMLSyntaxError {
        CascadeXMLSyntaxError(line: line, reason: "unexpected end of file inside <\(name)> opened on line \(startLine) (truncated file?)")
    }
}
