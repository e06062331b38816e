import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// The controlled documents behind the report: every published protocol version that has runs, with its
    /// document number, owner, approver, effective and review dates, and how many runs were recorded on it, so that
    /// a committee reads each figure against the version of the protocol it was measured with.
    func documentsSheet(_ w: Writing) throws {
        let headers = [
            language.text(zh: "流程", en: "protocol"), language.text(zh: "名称", en: "title"),
            language.text(zh: "版本", en: "version"), language.text(zh: "文件编号", en: "document number"),
            language.text(zh: "归口部门", en: "owner"), language.text(zh: "批准人", en: "approved by"),
            language.text(zh: "生效日期", en: "effective"), language.text(zh: "复审日期", en: "review by"),
            language.text(zh: "记录数", en: "runs"), language.text(zh: "内容摘要", en: "content hash"),
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
                    .text(published.spec.id), .text(published.spec.title.text(language)),
                    .number(Double(published.spec.version)),
                    .text(document?.number ?? language.text(zh: "（无）", en: "(none)")),
                    .text(document?.owner.text(language) ?? ""), .text(document?.approver.text(language) ?? ""),
                    .text(document?.effective ?? ""), .text(document?.reviewBy ?? ""), .number(Double(runs)),
                    .text(String(published.contentHash.prefix(12))),
                ], format: FormatSpec(top: true))
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "文件版本", en: "Documents"))
        sheet.freeze(rows: 1)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }
}
