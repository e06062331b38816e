import Foundation
import QFlowStore

extension ReportWriter {
    /// Item compliance grouped as the report asks, with rates under the threshold highlighted.
    func complianceSheet(_ w: Writing, _ c: (cohort: String?, by: [ComplianceDimension], threshold: Double)) throws {
        let rows = try store.compliance(by: c.by, in: try cohort(c.cohort))
        let headers =
            c.by.map(dimensionName) + [t("passed", "合格"), t("failed", "不合格"), t("n.a.", "不适用"), t("compliance", "合格率")]
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
        let (sheet, lastRow) = try b.write(to: w.book, name: t("Compliance", "条目合格率"))
        sheet.freeze(rows: 1)
        try sheet.highlightBelow(
            c.threshold, firstRow: 1, lastRow: rows.count, column: c.by.count + 3,
            format: FormatSpec(numberFormat: "0.0%", fontColor: 0x9C0006, background: 0xFFC7CE))
        try sheet.autofilter(headerRow: 0, lastRow: rows.count, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }

    func dimensionName(_ d: ComplianceDimension) -> String {
        switch d {
        case .item: t("item", "条目")
        case .phase: t("phase", "阶段")
        case .protocol: t("protocol", "流程")
        case .role: t("role", "角色")
        case .room: t("room", "手术间")
        case .month: t("month", "月份")
        }
    }
}
