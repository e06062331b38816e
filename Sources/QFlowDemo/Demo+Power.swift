import Foundation
import QFlowStats

extension Demo {
    /// What the study could have detected: its power for its own difference and the size 80 % power needs.
    static func studyPower(_ block: ProportionsComparison, language: ReportLanguage) -> String {
        let p1 = Double(block.x1) / Double(block.n1)
        let p2 = Double(block.x2) / Double(block.n2)
        guard let power = try? ProportionsPower(p1: p1, p2: p2, n1: block.n1, n2: block.n2),
            let size = try? ProportionsPower.sampleSize(p1: p1, p2: p2, power: 0.8)
        else { return "" }
        let normal = String(format: "%.0f", 100 * power.power)
        let exact = String(format: "%.0f", 100 * power.exactPower)
        if language == .zh {
            return "检验效能：本研究（每组 \(block.n1) 例）检出 \(String(format: "%.1f", 100 * p1))% 对 "
                + "\(String(format: "%.1f", 100 * p2))% 之差的效能仅 \(normal)%（正态近似，同 R power.prop.test；"
                + "Pearson χ² 检验的精确效能 \(exact)%）；达到 80% 效能每组需 \(size.perGroup) 例。\n"
        }
        return "Power: with \(block.n1) per group the study had \(normal) % power to detect its own difference "
            + "(\(String(format: "%.1f", 100 * p1))% vs \(String(format: "%.1f", 100 * p2))%; normal approximation as R "
            + "power.prop.test; exact power of Pearson's χ² test \(exact) %): 80 % power needs \(size.perGroup) per group.\n"
    }
}
