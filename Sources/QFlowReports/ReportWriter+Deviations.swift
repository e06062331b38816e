import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// One row per run completed with a documented deviation: its protocol version, the failed critical items signed
    /// off, the reason, and who signed it off when. Such runs count as non-compliant in every measure.
    func deviationsSheet(_ w: Writing) throws {
        let headers = [
            t("run", "记录"), t("protocol", "流程"), t("version", "版本"), t("subject", "对象"),
            t("failed critical items", "未通过的关键条目"), t("reason", "原因"), t("signed off by", "签批人"),
            t("role", "角色"), t("signed off at", "签批时间"),
        ]
        var b = SheetBuilder(columns: headers.count)
        b.maxWidth = 40
        b.cells(headers.map { .text($0) }, format: .header)
        for d in try store.deviations() {
            b.cells(
                [
                    .text(d.runId), .text(d.protocolId), .number(Double(d.version)), .text(d.subjectId),
                    .text(d.items.joined(separator: ", ")), .text(d.reason), .text(d.signedBy), .text(d.role),
                    w.date(d.at),
                ], format: FormatSpec(top: true))
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: t("Deviations", "偏差"))
        sheet.freeze(rows: 1)
        try sheet.autofilter(headerRow: 0, lastRow: lastRow, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }
}
