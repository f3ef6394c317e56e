"""A small policy built in Python (RC-like), shared by the rulings/certificate/case tests."""
from verifier.model import (DECIDE, MAY, MUST, MUST_NOT, TERM, Action, And, Assumption, AtLeast,
                            BoolType, Clause, Compare, Conclusion, Decision, Discretion, Document,
                            EnumType, Fact, Group, Implies, IntLit, IntType, Interpretation, Is, Meta,
                            Not, Or, PolicySet, Priority, Ref, Rule, Term)


def R(name):
    return Ref(name)


def rule(rid, cond, kind, target, value=None, unless=None, cites=()):
    return Rule(rid, cond, Conclusion(kind, target, value), unless, Meta(cites=tuple(cites)))


def small_policy() -> PolicySet:
    bools = ["谋取私利", "民主决策", "紧急处置", "重大损失", "改革失误", "明令禁止", "违纪",
             "重特大事故", "程序启动", "突出贡献", "重大贡献"]
    items = [
        Clause("RC-C0", "对于主观上没有为自己、他人或单位谋取私利……可予以容错"),
        Clause("RC-C1", "改革创新、大胆探索中出现的失误错误。"),
        Clause("RC-X1", "违反党的纪律、法律法规的强制性或禁止性规定的。"),
        Clause("RC-X2", "造成重特大安全责任事故、重大环境污染事故、重大群体性事件以及其他重大损失的。"),
        Clause("RC-PR4", "党委(党组)需经集体研究,作出予以容错或不予容错的决定。"),
        Clause("JL-E1-2", "县域经济社会发展排名,位于全省前30名且位次有提升,或者年度提升20个以上位次的县(市)区;"),
        Clause("JL-M4", "作出重大贡献的,记二等功;作出较大贡献的,记三等功;表现突出的,给予嘉奖"),
        *[Fact(b, BoolType(), Meta(label=b + "(标签)", gloss="gloss of " + b)) for b in bools],
        Fact("县域排名", IntType(1, 158), Meta(label="县域经济社会发展排名", cites=("JL-E1-2",))),
        Fact("提升位次", IntType(-157, 157)),
        Fact("处理方式", EnumType(("从轻", "减轻", "免除"))),
        Interpretation("严格解释", "具体事项受一般条件约束", "具体事项是独立途径", Meta(cites=("RC-C0",))),
        Term("一般条件", And((Not(R("谋取私利")), Or((R("民主决策"), R("紧急处置"))), Not(R("重大损失")))),
             Meta(cites=("RC-C0",))),
        Term("可容错"),
        Term("排名激励"),
        Action("予以容错"),
        Decision("容错决定", ("予以容错", "不予容错"), False, R("程序启动"), Meta(cites=("RC-PR4",))),
        Decision("记功", ("二等功", "三等功", "嘉奖"), True, None, Meta(cites=("JL-M4",))),
        Assumption("重特大事故即重大损失", Implies(R("重特大事故"), R("重大损失")), Meta(cites=("RC-X2",))),
        rule("R-C1", And((R("一般条件"), R("改革失误"), Not(R("明令禁止")))), TERM, "可容错", cites=("RC-C0", "RC-C1")),
        rule("R-S1", And((Implies(R("严格解释"), R("一般条件")), R("紧急处置"), R("改革失误"))), TERM, "可容错",
             cites=("RC-C0",)),
        rule("R-Y", R("可容错"), MAY, "予以容错", cites=("RC-C0",)),
        rule("R-X1", R("违纪"), MUST_NOT, "予以容错", cites=("RC-X1",)),
        rule("R-X2", R("重大损失"), MUST_NOT, "予以容错", cites=("RC-X2",)),
        rule("R-D1", And((R("可容错"), R("程序启动"))), DECIDE, "容错决定", "予以容错", cites=("RC-PR4",)),
        rule("R-D2", And((R("违纪"), R("程序启动"))), DECIDE, "容错决定", "不予容错", cites=("RC-PR4",)),
        rule("R-M1", Or((And((Compare("<=", R("县域排名"), IntLit(30)), Compare(">", R("提升位次"), IntLit(0)))),
                         Compare(">=", R("提升位次"), IntLit(20)))), TERM, "排名激励", cites=("JL-E1-2",)),
        rule("R-M2", R("排名激励"), DECIDE, "记功", "嘉奖", cites=("JL-M4",)),
        rule("R-M3", AtLeast(2, (R("突出贡献"), R("重大贡献"), Is("处理方式", ("免除",)))), DECIDE, "记功", "二等功",
             cites=("JL-M4",)),
        rule("R-M4", R("突出贡献"), MUST, "予以容错", unless=R("违纪"), cites=("RC-C1",)),
        Group("不予容错情形", ("R-X1", "R-X2")),
        Priority("不予容错情形", "R-Y"),
        Priority("R-X1", "R-M4"),
        Priority("R-D2", "R-D1"),
        Discretion("D-PR4", "容错决定", "党委(党组)", R("程序启动"), Meta(cites=("RC-PR4",))),
    ]
    return PolicySet((Document("RC", "测试办法", items=tuple(items)),))
