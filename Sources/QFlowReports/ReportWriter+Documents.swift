import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// The controlled documents behind the report: every published protocol version that has runs, with its
    /// document number, owner, approver, effective and review dates, and how many runs were recorded on it, so that
    /// a committee reads each figure against the version of the protocol it was measured with.
    func documentsSheet(_ w: Writing) throws {
        let headers = [
            t("protocol", "流程"), t("title", "名称"), t("version", "版本"), t("document number", "文件编号"),
            t("owner", "归口部门"), t("approved by", "批准人"), t("effective", "生效日期"), t("review by", "复审日期"),
            t("runs", "记录数"), t("content hash", "内容摘要"),
        ]
        var b = SheetBuilder(columns: headers.count)
        b.maxWidth = 40
        b.cells(headers.map { .text($0) }, format: .header)
        let wanted = Set(spec.raw?.protocols ?? [])
        let counts = try store.runCountsByVersion()
        for published in try store.publishedVersions() where wanted.isEmpty || wanted.contains(published.spec.id) {
            let runs = counts[published.spec.id]?[published.spec.version] ?? 0
            guard runs > 0 else { continue }
            let document = published.spec.document
            b.cells(
                [
                    .text(published.spec.id), .text(published.spec.title.text(lang)),
                    .number(Double(published.spec.version)), .text(document?.number ?? t("(none)", "（无）")),
                    .text(document?.owner.text(lang) ?? ""), .text(document?.approver.text(lang) ?? ""),
                    .text(document?.effective ?? ""), .text(document?.reviewBy ?? ""), .number(Double(runs)),
                    .text(String(published.contentHash.prefix(12))),
                ], format: FormatSpec(top: true))
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: t("Documents", "文件版本"))
        sheet.freeze(rows: 1)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }
}
