import Foundation
import QFlowEngine
import QFlowProtocolFile

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One element of a parsed XML document, with its position in the file.
public final class XMLElementNode: Sendable {
    /// The local name (`userTask` for `bpmn:userTask`).
    public let name: String
    /// The namespace URI, or empty.
    public let namespace: String
    /// Attributes by qualified name as written (`id`, `xsi:type`).
    public let attributes: [String: String]
    /// 1-based line of the element's start tag.
    public let line: Int
    /// 1-based column of the element's start tag.
    public let column: Int
    /// The element's own character data (CDATA included), untrimmed.
    public let text: String
    /// Child elements in document order.
    public let children: [XMLElementNode]

    init(
        name: String, namespace: String, attributes: [String: String], line: Int, column: Int, text: String,
        children: [XMLElementNode]
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.line = line
        self.column = column
        self.text = text
        self.children = children
    }

    /// The children with this local name.
    public func children(named name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    /// The first child with this local name.
    public func child(named name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// An attribute by its local name, whatever its prefix (`type` finds `xsi:type`).
    public func attribute(local name: String) -> String? {
        if let value = attributes[name] { return value }
        return attributes.first { $0.key.hasSuffix(":" + name) }?.value
    }
}

/// A hardened XML reader for BPMN files: size, encoding and declarations are checked on the raw bytes before the
/// parser runs, and the parser never resolves an entity, loads a DTD or opens a file or a URL.
///
/// BPMN never needs a document type declaration, so any `<!DOCTYPE` or `<!ENTITY` is refused outright: that closes
/// entity expansion ("billion laughs") and external entities (XXE) before libxml2 sees a byte.
///
/// ```swift
/// let root = try SafeXML.parse(bytes, file: "flow.bpmn")   // throws BPMNError with FILE:LINE:COLUMN
/// ```
public enum SafeXML {
    /// Largest accepted file.
    public static let maximumBytes = 10 * 1024 * 1024
    /// Deepest accepted element nesting.
    public static let maximumDepth = 64
    /// Most elements accepted in one file.
    public static let maximumElements = 200_000

    /// Checks and parses a document; returns its root element.
    public static func parse(_ bytes: [UInt8], file: String) throws(BPMNError) -> XMLElementNode {
        func fail(_ line: Int, _ column: Int, _ message: String) -> BPMNError {
            BPMNError(.unsafeOrMalformed, file: file, line: line, column: column, message)
        }
        guard bytes.count <= maximumBytes else {
            throw fail(1, 1, "file is larger than \(maximumBytes / 1_048_576) MB, the most a BPMN file may be")
        }
        if let bad = UTF8Validation.firstInvalidByte(bytes) {
            let (line, column) = position(of: bad, in: bytes)
            throw fail(
                line, column,
                "invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at offset \(bad)); "
                    + "a BPMN file is UTF-8")
        }
        if let at = bytes.firstIndex(of: 0) {
            let (line, column) = position(of: at, in: bytes)
            throw fail(line, column, "file contains a NUL byte")
        }
        if let (at, what) = firstDeclaration(bytes) {
            let (line, column) = position(of: at, in: bytes)
            throw fail(
                line, column,
                "\(what) declarations are refused (BPMN needs none; they allow entity expansion and external entities)")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if let problem = builder.problem {
            throw fail(problem.line, problem.column, problem.message)
        }
        guard ok, let root = builder.root else {
            let message = parser.parserError.map { "not well-formed XML (\(describe($0)))" } ?? "not well-formed XML"
            throw fail(max(1, parser.lineNumber), max(1, parser.columnNumber), message)
        }
        return root
    }

    private static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        return "parser code \(ns.code)"
    }

    /// The offset of the first `<!DOCTYPE` or `<!ENTITY` (any case), and which one.
    static func firstDeclaration(_ bytes: [UInt8]) -> (Int, String)? {
        let lt = UInt8(ascii: "<")
        let bang = UInt8(ascii: "!")
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == lt, bytes[i + 1] == bang {
                for word in ["DOCTYPE", "ENTITY"] {
                    let w = Array(word.utf8)
                    if i + 2 + w.count <= bytes.count,
                        zip(bytes[(i + 2)..<(i + 2 + w.count)], w).allSatisfy({ ($0 & 0xDF) == $1 })
                    {
                        return (i, word)
                    }
                }
            }
            i += 1
        }
        return nil
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}

/// Builds the element tree from the parser's callbacks, and stops the parser at the first limit crossed.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    struct Problem {
        var line: Int
        var column: Int
        var message: String
    }

    final class Open {
        let name: String
        let namespace: String
        let attributes: [String: String]
        let line: Int
        let column: Int
        var text = ""
        var children: [XMLElementNode] = []

        init(name: String, namespace: String, attributes: [String: String], line: Int, column: Int) {
            self.name = name
            self.namespace = namespace
            self.attributes = attributes
            self.line = line
            self.column = column
        }
    }

    var stack: [Open] = []
    var root: XMLElementNode?
    var problem: Problem?
    var elements = 0

    private func stop(_ parser: XMLParser, _ message: String) {
        if problem == nil {
            problem = Problem(line: max(1, parser.lineNumber), column: max(1, parser.columnNumber), message: message)
        }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard problem == nil else { return }
        elements += 1
        guard stack.count < SafeXML.maximumDepth else {
            return stop(parser, "elements are nested deeper than \(SafeXML.maximumDepth) levels")
        }
        guard elements <= SafeXML.maximumElements else {
            return stop(parser, "more than \(SafeXML.maximumElements) elements")
        }
        stack.append(
            Open(
                name: elementName, namespace: namespaceURI ?? "", attributes: attributeDict,
                line: max(1, parser.lineNumber), column: max(1, parser.columnNumber)))
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard problem == nil, let open = stack.popLast() else { return }
        let node = XMLElementNode(
            name: open.name, namespace: open.namespace, attributes: open.attributes, line: open.line,
            column: open.column, text: open.text, children: open.children)
        if let parent = stack.last {
            parent.children.append(node)
        } else {
            root = node
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard problem == nil else { return }
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard problem == nil else { return }
        stack.last?.text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        stop(parser, "entity declarations are refused")
    }

    func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        stop(parser, "external entities are refused")
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        stop(parser, "external entities are refused")
        return nil
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if problem == nil {
            problem = Problem(
                line: max(1, parser.lineNumber), column: max(1, parser.columnNumber),
                message: "not well-formed XML (parser code \((parseError as NSError).code))")
        }
    }
}
