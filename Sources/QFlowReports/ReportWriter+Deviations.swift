import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// One row per run completed with a documented deviation: its protocol version, the failed critical items signed
    /// off, the reason, and who signed it off when. Such runs count as non-compliant in every measure.
    func deviationsSheet(_ w: Writing) throws {
        let headers = [
            language.text(zh: "记录", en: "run"), language.text(zh: "流程", en: "protocol"),
            language.text(zh: "版本", en: "version"), language.text(zh: "对象", en: "subject"),
            language.text(zh: "未通过的关键条目", en: "failed critical items"), language.text(zh: "原因", en: "reason"),
            language.text(zh: "签批人", en: "signed off by"),
            language.text(zh: "角色", en: "role"), language.text(zh: "签批时间", en: "signed off at"),
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
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "偏差", en: "Deviations"))
        sheet.freeze(rows: 1)
        try sheet.autofilter(headerRow: 0, lastRow: lastRow, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }
}
