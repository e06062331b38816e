import Foundation
import QFlowEngine
import Testing

@testable import QFlowStore

@Suite("Facts read without a JSON decoder")
struct FlatFactsTests {
    /// Whatever the store writes, the quick reader gives what the JSON decoder gives, or leaves it to the decoder.
    @Test func agreesWithTheDecoderOnWhatTheStoreWrites() throws {
        let alphabet = Array("ab\"\\/é中\n\t\u{1}{}:,[] 0") + ["\u{1F600}"]
        var generator = SystemRandomNumberGenerator()
        func text() -> String {
            String(
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        var quick = 0
        for _ in 0..<3_000 {
            var facts: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &generator) { facts[text()] = text() }
            let stored = String(decoding: CanonicalJSON.encode(facts), as: UTF8.self)
            let decoded = try CanonicalJSON.decode([String: String].self, from: Array(stored.utf8))
            #expect(decoded == facts)
            if let read = Registry.flatStrings(stored) {
                quick += 1
                #expect(read == decoded, "\(stored)")
            }
        }
        #expect(quick > 300, "the quick path is taken for plain facts")
    }

    @Test func refusesWhatIsNotAnObjectOfStrings() {
        for text in [
            "", "{", "}", "[]", "{\"a\":1}", "{\"a\":\"b\",}", "{\"a\":\"b\"} x", "{\"a\" \"b\"}",
            "{\"a\":\"b\",\"a\":\"c\"}",
            "{\"a\":\"\\u0041\"}", "{\"a\":\"b", "{\"a\":null}", "{\"a\":\"b\"\"c\":\"d\"}",
        ] {
            #expect(Registry.flatStrings(text) == nil, "\(text)")
        }
        #expect(Registry.flatStrings(" { } ") == [:])
        #expect(Registry.flatStrings(#"{"implant":"true","x":"a\"b\\c/"}"#) == ["implant": "true", "x": "a\"b\\c/"])
    }
}
