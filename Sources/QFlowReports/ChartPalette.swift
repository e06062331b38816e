/// The colours and line widths every chart of a workbook shares, 0xRRGGBB.
enum ChartPalette {
    /// Observed points and the first group: dark blue.
    static let primary: UInt32 = 0x1F4E79
    /// The second group: dark orange.
    static let secondary: UInt32 = 0xC55A11
    /// Centre lines and trends without the intervention: grey.
    static let neutral: UInt32 = 0x7F7F7F
    /// Control limits: dark red.
    static let limit: UInt32 = 0xC00000
    /// Months outside the limits: red.
    static let signal: UInt32 = 0xFF0000
    /// Control limits are drawn thinner than the data.
    static let limitWidth = 1.25
}
