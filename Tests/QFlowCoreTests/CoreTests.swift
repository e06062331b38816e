import QFlowCore
import Testing

@Suite("Language")
struct LanguageTests {
    @Test("text(zh:en:) picks the language's side of the pair, and evaluates only that side")
    func picksOneSide() {
        var evaluated: [String] = []
        func note(_ text: String) -> String {
            evaluated.append(text)
            return text
        }
        #expect(Language.zh.text(zh: note("合格"), en: note("passed")) == "合格")
        #expect(Language.en.text(zh: note("合格"), en: note("passed")) == "passed")
        #expect(evaluated == ["合格", "passed"])
    }

    @Test("a localized text reads in either language; the list separator follows the language")
    func localizedText() {
        let text = LocalizedText(zh: "身份核对", en: "Identity confirmed")
        #expect(text.text(.zh) == "身份核对")
        #expect(text.text(.en) == "Identity confirmed")
        #expect(Language.zh.listSeparator == "、")
        #expect(Language.en.listSeparator == ", ")
        #expect(Language(rawValue: "fr") == nil)
    }
}

@Suite("CodedError")
struct CodedErrorTests {
    struct Sample: CodedError {
        var kind: ErrorKind
        var codeText: String { "sample" }
        var message: String { "sample failed" }
        var description: String { message }
    }

    @Test("kinds have distinct, stable texts; field and cause default to none")
    func kinds() {
        let texts = ErrorKind.allCases.map(\.rawValue)
        #expect(Set(texts).count == texts.count)
        #expect(ErrorKind.invalidInput.description == "invalid_input")
        #expect(ErrorKind(rawValue: "not_found") == .notFound)
        let error = Sample(kind: .conflict)
        #expect(error.field == nil)
        #expect(error.cause == nil)
        let erased: any Error = error
        #expect((erased as? any CodedError)?.kind == .conflict)
    }
}
