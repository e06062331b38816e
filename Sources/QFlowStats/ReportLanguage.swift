/// The language of human-readable reports: every user-facing text exists in English and Chinese.
public enum ReportLanguage: String, Sendable, CaseIterable {
    /// English.
    case en
    /// Simplified Chinese.
    case zh
}
