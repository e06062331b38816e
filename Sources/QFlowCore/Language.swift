/// The languages QualityFlow speaks: every text a nurse, a statistician or a committee reads exists in both.
///
/// The one language type of the product: protocol texts, engine messages, statistics reports, workbooks, pages and
/// the CLI all take a `Language`.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    /// Simplified Chinese.
    case zh
    /// English.
    case en

    /// The text written for this language, from a pair written side by side at the call site.
    ///
    /// The labels keep the pair in order: `language.text(zh: "合格", en: "passed")`.
    @inlinable
    public func text(zh: @autoclosure () -> String, en: @autoclosure () -> String) -> String {
        switch self {
        case .zh: zh()
        case .en: en()
        }
    }

    /// The separator of an inline list: `、` in Chinese, `, ` in English.
    public var listSeparator: String { text(zh: "、", en: ", ") }
}

/// A user-facing text in Chinese and English; every text a nurse reads exists in both.
public struct LocalizedText: Sendable, Hashable, Codable {
    /// The Chinese text.
    public var zh: String
    /// The English text.
    public var en: String

    /// Creates a bilingual text.
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in the given language.
    public func text(_ language: Language) -> String {
        switch language {
        case .zh: zh
        case .en: en
        }
    }
}
