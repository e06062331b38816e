import Foundation
import Testing

@testable import QFlowBPMN

/// Hostile XML gets a located error quickly (no exponential blow-up) and never reads a file or the network.
@Suite("SafeXML")
struct SafeXMLTests {
    static let head = #"<?xml version="1.0" encoding="UTF-8"?>"#
    static let open = #"<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">"#

    /// Parses and returns the error and the seconds it took.
    func refusal(_ bytes: [UInt8]) -> (BPMNError?, Double) {
        let clock = ContinuousClock()
        var caught: BPMNError?
        let elapsed = clock.measure {
            do {
                _ = try SafeXML.parse(bytes, file: "hostile.bpmn")
            } catch {
                caught = error as? BPMNError
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (caught, seconds)
    }

    static let billionLaughs = """
        \(head)
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        \(open)<bpmn:documentation>&lol9;</bpmn:documentation></bpmn:definitions>
        """

    static let externalEntity = """
        \(head)
        <!doctype d [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        \(open)<bpmn:documentation>&xxe;</bpmn:documentation></bpmn:definitions>
        """

    static let externalDTD = """
        \(head)
        <!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">
        \(open)</bpmn:definitions>
        """

    @Test(
        "declarations are refused before parsing, at their line",
        arguments: [(billionLaughs, 2, "DOCTYPE"), (externalEntity, 2, "DOCTYPE"), (externalDTD, 2, "DOCTYPE")])
    func declarationsRefused(text: String, line: Int, word: String) throws {
        let (error, seconds) = refusal(Array(text.utf8))
        let problem = try #require(error?.diagnostics.first)
        #expect(error?.code == .unsafeOrMalformed)
        #expect(problem.line == line)
        #expect(problem.column == 1)
        #expect(problem.message.contains(word))
        #expect(seconds < 2)
    }

    @Test func entityDeclarationWithoutDoctypeIsRefused() throws {
        let text = "\(Self.head)\n\(Self.open)\n  <!ENTITY x \"y\">\n</bpmn:definitions>"
        let problem = try #require(refusal(Array(text.utf8)).0?.diagnostics.first)
        #expect(problem.line == 3 && problem.column == 3 && problem.message.contains("ENTITY"))
    }

    @Test func fiftyMegabytesAreRefusedWithoutParsing() throws {
        var bytes = Array("\(Self.head)\n\(Self.open)<bpmn:documentation>".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        bytes += Array("</bpmn:documentation></bpmn:definitions>".utf8)
        let (error, seconds) = refusal(bytes)
        let problem = try #require(error?.diagnostics.first)
        #expect(problem.line == 1 && problem.message.contains("10 MB"))
        #expect(seconds < 2)
    }

    @Test func deepNestingStopsAtTheLimit() throws {
        let depth = 100_000
        var text = "\(Self.head)\n\(Self.open)\n"
        text += String(repeating: "<bpmn:a>", count: depth) + String(repeating: "</bpmn:a>", count: depth)
        text += "</bpmn:definitions>"
        let (error, seconds) = refusal(Array(text.utf8))
        let problem = try #require(error?.diagnostics.first)
        #expect(error?.code == .unsafeOrMalformed)
        #expect(problem.line == 3)
        #expect(problem.message.contains("deeper") || problem.message.contains("well-formed"))
        #expect(seconds < 2)
    }

    @Test func invalidUTF8IsLocated() throws {
        var bytes = Array("\(Self.head)\n\(Self.open)\n<bpmn:documentation>ok ".utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by no continuation
        bytes += Array("</bpmn:documentation></bpmn:definitions>".utf8)
        let (error, seconds) = refusal(bytes)
        let problem = try #require(error?.diagnostics.first)
        #expect(problem.line == 3 && problem.column == 24)
        #expect(problem.message.contains("UTF-8"))
        #expect(seconds < 2)
    }

    @Test func malformedXMLIsLocated() throws {
        let text = "\(Self.head)\n\(Self.open)\n<bpmn:process id=\"p\">\n</bpmn:definitions>"
        let problem = try #require(refusal(Array(text.utf8)).0?.diagnostics.first)
        #expect(problem.message.contains("well-formed"))
        #expect(problem.line >= 3)
    }

    @Test func wellFormedBPMNParsesWithPositionsAndNamespaces() throws {
        let text =
            "\(Self.head)\n\(Self.open)\n  <bpmn:process id=\"p\"><bpmn:documentation>a &amp; b</bpmn:documentation>"
            + "</bpmn:process>\n</bpmn:definitions>"
        let root = try SafeXML.parse(Array(text.utf8), file: "ok.bpmn")
        #expect(root.name == "definitions" && root.namespace == BPMNImporter.modelNamespace)
        let process = try #require(root.child(named: "process"))
        #expect(process.line == 3)
        #expect(process.child(named: "documentation")?.text == "a & b")
    }
}
