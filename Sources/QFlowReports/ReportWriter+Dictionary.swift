import Foundation
import QFlowEngine
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
        var rows = RowCursor(first: 1)
        let wanted = Set(spec.raw?.protocols ?? []).union(spec.actions ? [spec.actionsProtocol] : [])
        for published in try store.publishedVersions() where wanted.isEmpty || wanted.contains(published.spec.id) {
            for phase in published.spec.phases {
                for item in phase.items {
                    try sheet.row(rows.take(), Self.dictionaryRow(published.spec, phase, item))
                }
            }
        }
        try sheet.autofilter(headerRow: 0, lastRow: rows.last, columns: headers.count)
        try finishData(w, sheet)
    }

    /// One item of the dictionary: its protocol, version, phase, id, type, unit, options, rule and both titles.
    static func dictionaryRow(_ spec: ProtocolSpec, _ phase: PhaseSpec, _ item: ItemSpec) -> [Worksheet.Cell] {
        var unit = ""
        var options = ""
        switch item.type {
        case .number(let u, _, _): unit = u ?? ""
        case .choice(let o): options = o.map(\.id).joined(separator: " | ")
        case .signature(let signers): options = signers.joined(separator: " + ")
        default: break
        }
        return [
            .text(spec.id), .number(Double(spec.version)), .text(phase.id), .text(item.id), .text(item.type.name),
            .text(unit), .text(options), .text(item.critical ? "yes" : ""), .text(item.passIf?.source ?? ""),
            .text(item.title.en), .text(item.title.zh),
        ]
    }
}
