import Foundation

extension ReportWriter {
    /// A committee sheet's page setup: A4, landscape when its columns are wider than a portrait page, one page
    /// wide, `repeatRows` on every page, the report title, hospital and generation time in the header, the sheet
    /// and "page N of M" in the footer, and a print area over what was written.
    func finish(
        _ w: Writing, _ sheet: Worksheet, lastRow: Int, columns: Int, repeatRows: ClosedRange<Int>? = nil,
        pageBreaks: [Int] = []
    ) throws(ReportError) {
        var page = PageSetup()
        page.landscape = sheet.span(0...(max(1, columns) - 1)) > Self.portraitWidth
        page.repeatRows = repeatRows
        page.header = pageHeader(w)
        page.footer = "&L&9&A&R&9" + language.text(zh: "第 &P 页，共 &N 页", en: "Page &P of &N")
        page.printArea = (0...max(0, lastRow), 0...(max(1, columns) - 1))
        page.pageBreaks = pageBreaks
        try sheet.apply(page)
    }

    /// A data sheet's page setup, should someone print it: landscape, one page wide, the header row repeated.
    func finishData(_ w: Writing, _ sheet: Worksheet) throws(ReportError) {
        var page = PageSetup()
        page.landscape = true
        page.repeatRows = 0...0
        page.header = pageHeader(w)
        page.footer = "&L&9&A&R&9" + language.text(zh: "第 &P 页，共 &N 页", en: "Page &P of &N")
        try sheet.apply(page)
    }

    /// Characters that fit across a portrait A4 page at 100% (Calibri 11, 0.5-inch side margins).
    static let portraitWidth = 95.0

    /// `&L` the title over the hospital, `&R` the generation time: at most 255 characters, the title shortened first.
    func pageHeader(_ w: Writing) -> String {
        let generated = language.text(zh: "生成于 ", en: "Generated ") + w.generated
        let hospital = options.hospital.map { "\n" + PageSetup.literal(String($0.prefix(80))) } ?? ""
        let right = "&R&9" + PageSetup.literal(generated)
        var title = w.title
        while true {
            let header = "&L&9" + PageSetup.literal(title) + hospital + right
            if header.count <= 255 || title.isEmpty { return header }
            title = String(title.dropLast(2)) + "…"
            if title == "…" { title = "" }
        }
    }
}
