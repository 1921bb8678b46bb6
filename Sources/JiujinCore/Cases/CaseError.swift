import Foundation

/// Why a case rule refused (beyond the lifecycle table and the authority check).
public enum CaseError: DomainError, Hashable {
    case notAnAgent
    case unknownPoint(String)
    case notYourPoint(pointName: String)
    case pointRequired
    case pointDoesNotOffer(pointName: String, itemName: String)
    case invalidRegion(String)
    case regionRequired(itemName: String, level: RegionLevel)
    case materialsMissing([String])
    case nothingMissing
    case notMaterialOfItem(index: Int, name: String)
    case notOnline(itemName: String)
    case stagesPending(String)
    case lastStage(String)
    case noSeal(orgName: String)
    case outOfScope
    case decidedElsewhere(orgName: String)
    case invalidColleague
    case proxyStepNotManual
    case notTheAuthorizedAgent
    case noProxyRecord
    case orgMissing(String)
    /// Withdrawal, supplement requests and delivery belong to the organisations that accepted and decide the case.
    case notHandledHere(action: String)
    /// A 即办件 is decided by the organisation that accepted it.
    case instantDecidedByAcceptor(orgName: String)
    /// An agent files only with the resident's written authorization (委托书).
    case authorizationRequired
    /// The item was retired from the catalog (停用): it takes no new case.
    case itemRetired(itemName: String)

    public var kind: ErrorKind {
        switch self {
        case .notYourPoint, .pointDoesNotOffer, .outOfScope, .decidedElsewhere, .notTheAuthorizedAgent, .notHandledHere,
             .instantDecidedByAcceptor: return .forbidden
        case .stagesPending, .lastStage: return .conflict
        case .orgMissing: return .notFound
        default: return .invalid
        }
    }

    public var code: String {
        switch self {
        case .notAnAgent: return "not_an_agent"
        case .unknownPoint: return "unknown_point"
        case .pointRequired: return "point_required"
        case .regionRequired: return "region_required"
        case .materialsMissing: return "materials_missing"
        case .nothingMissing: return "nothing_missing"
        case .notOnline: return "not_online"
        case .stagesPending: return "stages_pending"
        case .lastStage: return "last_stage"
        case .noSeal: return "no_seal"
        case .notYourPoint, .pointDoesNotOffer, .outOfScope, .decidedElsewhere, .notTheAuthorizedAgent, .notHandledHere,
             .instantDecidedByAcceptor: return "forbidden"
        case .authorizationRequired: return "authorization_required"
        case .itemRetired: return "item_retired"
        case .orgMissing: return "not_found"
        case .invalidRegion, .notMaterialOfItem, .invalidColleague, .proxyStepNotManual, .noProxyRecord: return "invalid_field"
        }
    }

    public var field: String? {
        switch self {
        case .notAnAgent, .authorizationRequired: return "authorization"
        case .unknownPoint, .pointRequired: return "pointId"
        case .invalidRegion, .regionRequired: return "regionCode"
        case .materialsMissing, .nothingMissing: return "materials"
        case .notMaterialOfItem(let i, _): return "missingMaterials.\(i)"
        case .notOnline, .itemRetired: return "itemCode"
        case .invalidColleague: return "assigneeId"
        case .proxyStepNotManual, .noProxyRecord: return "step"
        default: return nil
        }
    }

    public var message: String {
        switch self {
        case .notAnAgent: return "只有帮办代办员受理时才填写委托书"
        case .notHandledHere(let action): return "只有受理机构或审批机构可以\(action)该办件"
        case .instantDecidedByAcceptor(let name): return "即办件由受理机构（\(name)）当场办结"
        case .authorizationRequired: return "帮办代办须填写申请人的委托书（委托事项、签署日期、有效期至）"
        case .unknownPoint(let id): return "服务站点「\(TextLimit.echo(id))」不存在"
        case .notYourPoint(let name): return "您不在「\(name)」工作，不能以该站点受理"
        case .pointRequired: return "请指定受理站点"
        case .pointDoesNotOffer(let point, let item): return "「\(point)」不受理事项「\(item)」"
        case .itemRetired(let item): return "事项「\(item)」已停用，不再受理新的申请"
        case .invalidRegion(let raw): return "申请人所在地区划代码「\(TextLimit.echo(raw))」无效"
        case .regionRequired(let item, let level):
            let where_ = level == .village ? "村（社区）" : "镇（街道）"
            return "事项「\(item)」由\(where_)审批，请填写申请人所在的\(where_)"
        case .materialsMissing(let names): return "材料不齐全，不能受理：缺少\(names.joined(separator: "、"))。请出具一次性告知书。"
        case .nothingMissing: return "一次性告知须列明缺少或不符合要求的材料"
        case .notMaterialOfItem(_, let name): return "「\(TextLimit.echo(name))」不是该事项的申请材料"
        case .notOnline(let item): return "事项「\(item)」不支持网上申请，请到就近站点办理"
        case .stagesPending(let left): return "尚有审查环节未完成：\(left)"
        case .lastStage(let stage): return "已是最后一个审查环节「\(stage)」，请作出决定"
        case .noSeal(let org): return "「\(org)」没有可用的审批专用章，不能作出决定，请联系管理员"
        case .outOfScope: return "该办件不在您的服务范围内"
        case .decidedElsewhere(let org): return "该办件由「\(org)」审批，您无权处理"
        case .invalidColleague: return "请选择本机构的审批人员作为接办人（AB角）"
        case .proxyStepNotManual: return "只能手动记录“协调办理”和“跟踪反馈”"
        case .notTheAuthorizedAgent: return "只有受托的代办员可以记录代办步骤"
        case .noProxyRecord: return "该办件不是帮办代办件，没有代办记录"
        case .orgMissing(let what): return "\(what)不存在"
        }
    }
}
