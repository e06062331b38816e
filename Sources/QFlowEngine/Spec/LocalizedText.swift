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

    /// The text in the given language (`zh` or `en`; anything else falls back to English).
    public func text(_ language: Language) -> String {
        switch language {
        case .zh: zh
        case .en: en
        }
    }
}

/// The languages QualityFlow speaks.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case zh
    case en
}
