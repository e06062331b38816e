import Foundation
import QFlowStore

extension ReportWriter {
    /// Every item of the protocols the report exports: type, unit, options, pass rule and both titles.
    func dictionarySheet(_ w: Writing) throws {
        let sheet = try w.book.addWorksheet(language.text(zh: "数据字典", en: "Dictionary"))
        let headers = [
            "protocol", "version", "phase", "item", "type", "unit", "options", "critical", "pass_if", "title_en",
            "title_zh",
        ]
        try sheet.widths([24, 8, 14, 26, 10, 8, 30, 8, 40, 40, 30])
        try sheet.row(0, headers.map { .text($0) }, format: .header)
        sheet.freeze(rows: 1)
        var r = 1
        let wanted = Set(spec.raw?.protocols ?? []).union(spec.actions ? ["corrective_action"] : [])
        for published in try store.publishedVersions() where wanted.isEmpty || wanted.contains(published.spec.id) {
            for phase in published.spec.phases {
                for item in phase.items {
                    var unit = ""
                    var options = ""
                    switch item.type {
                    case .number(let u, _, _): unit = u ?? ""
                    case .choice(let o): options = o.map(\.id).joined(separator: " | ")
                    case .signature(let signers): options = signers.joined(separator: " + ")
                    default: break
                    }
                    try sheet.row(
                        r,
                        [
                            .text(published.spec.id), .number(Double(published.spec.version)), .text(phase.id),
                            .text(item.id),
                            .text(item.type.name), .text(unit), .text(options), .text(item.critical ? "yes" : ""),
                            .text(item.passIf?.source ?? ""), .text(item.title.en), .text(item.title.zh),
                        ])
                    r += 1
                }
            }
        }
        try sheet.autofilter(headerRow: 0, lastRow: r - 1, columns: headers.count)
        try finishData(w, sheet)
    }
}
