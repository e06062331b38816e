import Foundation
import QFlowStore

extension ReportWriter {
    /// Item compliance grouped as the report asks, with rates under the threshold highlighted.
    func complianceSheet(_ w: Writing, _ c: (cohort: String?, by: [ComplianceDimension], threshold: Double)) throws {
        let rows = try store.compliance(by: c.by, in: try cohort(c.cohort))
        let headers =
            c.by.map(dimensionName) + [
                language.text(zh: "合格", en: "passed"), language.text(zh: "不合格", en: "failed"),
                language.text(zh: "不适用", en: "n.a."), language.text(zh: "合格率", en: "compliance"),
            ]
        var b = SheetBuilder(columns: headers.count)
        b.maxWidth = 14
        for (i, d) in c.by.enumerated() { b.maxWidths[i] = d == .item ? 40 : 24 }
        b.cells(headers.map { .text($0) }, format: .header)
        for row in rows {
            var cells: [Worksheet.Cell] = c.by.map { .text(row.group[$0.rawValue] ?? "") }
            cells += [.number(Double(row.pass)), .number(Double(row.fail)), .number(Double(row.notApplicable))]
            cells.append(row.rate.map { .percent($0) } ?? .blank)
            b.cells(cells)
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "条目合格率", en: "Compliance"))
        sheet.freeze(rows: 1)
        try sheet.highlightBelow(
            c.threshold, firstRow: 1, lastRow: rows.count, column: c.by.count + 3,
            format: FormatSpec(numberFormat: "0.0%", fontColor: 0x9C0006, background: 0xFFC7CE))
        try sheet.autofilter(headerRow: 0, lastRow: rows.count, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }

    func dimensionName(_ d: ComplianceDimension) -> String {
        switch d {
        case .item: language.text(zh: "条目", en: "item")
        case .phase: language.text(zh: "阶段", en: "phase")
        case .protocol: language.text(zh: "流程", en: "protocol")
        case .role: language.text(zh: "角色", en: "role")
        case .room: language.text(zh: "手术间", en: "room")
        case .month: language.text(zh: "月份", en: "month")
        }
    }
}
