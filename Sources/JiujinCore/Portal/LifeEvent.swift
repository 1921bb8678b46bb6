import Foundation

/// A life event (主题服务) a resident or a business looks for instead of an item's official name: 出生, 上学,
/// 就业, 婚育, 养老, 残疾, 身后 for persons; 开办, 经营, 注销 for businesses. An item belongs to a theme when its name
/// or keywords contain one of the theme's words, so a county puts an item under a theme by giving it a keyword.
public enum LifeEvent: String, CaseIterable, Sendable {
    case birth, school, work, marriage, pension, disability, death
    case start, operate, close

    public enum Audience: String, Sendable { case person, business }

    public var audience: Audience {
        switch self {
        case .start, .operate, .close: return .business
        default: return .person
        }
    }

    public var label: String {
        switch self {
        case .birth: return "出生"
        case .school: return "上学"
        case .work: return "就业"
        case .marriage: return "婚育"
        case .pension: return "养老"
        case .disability: return "残疾人服务"
        case .death: return "身后事"
        case .start: return "开办"
        case .operate: return "经营"
        case .close: return "注销"
        }
    }

    /// The words that put an item under the theme.
    public var words: [String] {
        switch self {
        case .birth: return ["出生", "新生儿", "生育", "落户", "户口登记"]
        case .school: return ["上学", "入学", "学籍", "助学", "教育"]
        case .work: return ["就业", "失业", "创业", "培训", "找工作"]
        case .marriage: return ["婚姻", "结婚", "离婚", "生育", "计划生育"]
        case .pension: return ["养老", "退休", "高龄", "老年"]
        case .disability: return ["残疾", "残联", "康复"]
        case .death: return ["死亡", "丧葬", "殡葬", "抚恤", "遗属"]
        case .start: return ["设立", "开业", "开店", "开办", "注册"]
        case .operate: return ["许可", "变更", "备案", "补领", "换发", "发票"]
        case .close: return ["注销", "关店", "歇业"]
        }
    }

    public func includes(_ item: ServiceItem) -> Bool {
        let texts = [item.name] + item.keywords
        return words.contains { w in texts.contains { $0.contains(w) } }
    }

    /// The items of the theme in use, high-frequency first, then by name.
    public func items(of all: [ServiceItem]) -> [ServiceItem] {
        all.filter { $0.isInUse && includes($0) }.sorted {
            if $0.isHighFrequency != $1.isHighFrequency { return $0.isHighFrequency }
            return $0.code < $1.code
        }
    }
}
