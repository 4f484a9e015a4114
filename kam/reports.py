"""Readable terminal reports of scores (rich tables), in English or Chinese labels."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kam.method import Method

T = {
    "en": {
        "deal": "Deal", "score": "decision-chain score (DS)", "win": "win probability", "shot": "shot readiness",
        "ready": "ready", "not_ready": "not ready", "members": "Decision chain", "name": "member", "role": "role",
        "infl": "influence", "close": "closeness", "sol": "solution", "price": "price", "x": "attitude",
        "br": "BR", "contrib": "contribution", "stance": "stance", "missing": "missing role (counts as 0)",
        "risks": "Risks", "code": "risk", "sev": "severity", "people": "people", "rule": "rule",
        "blockers": "What blocks the shot", "actions": "Next best actions", "move": "move", "gain": "DS gain",
        "hidden": "Hidden influencers", "sways": "sways", "share": "share of attitude", "none": "none",
    },
    "zh": {
        "deal": "商机", "score": "决策链得分 (DS)", "win": "赢单概率", "shot": "射门条件", "ready": "具备",
        "not_ready": "不具备", "members": "决策链", "name": "成员", "role": "角色", "infl": "影响力",
        "close": "关系紧密度", "sol": "方案认可度", "price": "价格接受度", "x": "有效态度", "br": "关系得分",
        "contrib": "贡献", "stance": "立场", "missing": "缺失角色 (按 0 分计)", "risks": "风险", "code": "风险",
        "sev": "严重度", "people": "相关人", "rule": "规则", "blockers": "射门障碍", "actions": "下一步最佳行动",
        "move": "行动", "gain": "DS 提升", "hidden": "链外隐藏影响者", "sways": "影响", "share": "态度占比",
        "none": "无",
    },
}
SEVERITY = {"zh": {"high": "高", "medium": "中", "info": "提示"}}


def print_deal_report(console: Console, deal, report, method: Method, lang: str = "en") -> None:
    t = T["zh" if lang == "zh" else "en"]
    lang = "zh" if lang == "zh" else "en"
    names = {m.stakeholder_id: m.name for m in report.members}
    console.print(f"[bold]{t['deal']} {deal.id}[/]: {deal.name}  ({deal.amount:,.0f} CNY, {deal.stage.value}, {deal.status.value})")
    console.print(
        f"{t['score']}: [bold]{report.score:.1f}[/]   {t['win']}: [bold]{report.win_probability:.0%}[/]   "
        f"{t['shot']}: [bold]{t['ready'] if report.shot.ready else t['not_ready']}[/]"
    )
    tb = Table(title=t["members"])
    for col in ("name", "role", "infl", "close", "sol", "price", "x", "br", "contrib", "stance"):
        tb.add_column(t[col], justify="left" if col in ("name", "role", "stance") else "right")
    for m in sorted(report.members, key=lambda m: -m.contribution):
        tb.add_row(
            m.name, method.label("roles", m.role, lang), str(m.influence), f"{m.closeness:.2f}",
            method.label("solution_acceptance", m.solution_acceptance, lang),
            method.label("price_acceptance", m.price_acceptance, lang), f"{m.effective_attitude:+.2f}",
            f"{m.br:.1f}", f"{m.contribution:.1f}", method.label("stances", m.stance, lang),
        )
    for mr in report.missing_roles:
        tb.add_row(f"({t['missing']})", method.label("roles", mr.role, lang), str(method.chain.missing_role_influence),
                   "-", "-", "-", "-", "0.0", "0.0", "-")
    console.print(tb)
    if report.risks:
        rt = Table(title=t["risks"])
        for col in ("code", "sev", "people", "rule"):
            rt.add_column(t[col])
        for r in report.risks:
            rt.add_row(f"{method.label('risks', r.code, lang)} ({r.code})", SEVERITY.get(lang, {}).get(r.severity, r.severity),
                       ", ".join(names.get(p, p) for p in r.people), r.rule)
        console.print(rt)
    if report.shot.blockers:
        console.print(f"[bold]{t['blockers']}[/]: " + "; ".join(f"{b.code}: {b.rule}" for b in report.shot.blockers))
    if report.next_actions:
        at = Table(title=t["actions"])
        for col in ("name", "move", "gain"):
            at.add_column(t[col], justify="right" if col == "gain" else "left")
        for a in report.next_actions:
            at.add_row(a.name, f"{a.dimension}: {a.current:g} → {a.target:g}", f"+{a.gain:.2f}")
        console.print(at)
    ht = Table(title=t["hidden"])
    for col in ("name", "sways", "share"):
        ht.add_column(t[col])
    for h in report.hidden_influencers:
        ht.add_row(h.name, names.get(h.influences, h.influences), f"{h.share:.0%}")
    if not report.hidden_influencers:
        ht.add_row(t["none"], "", "")
    console.print(ht)


def print_account_report(console: Console, a) -> None:
    tb = Table(title=f"Account {a.account_id}", show_header=False)
    tb.add_row("relationship score", f"{a.score:.1f}")
    tb.add_row("depth", f"{a.depth:.2f}")
    tb.add_row("coverage", f"{a.coverage:.2f}")
    tb.add_row("concentration (Herfindahl)", f"{a.concentration:.2f}")
    tb.add_row("key people", str(a.key_people))
    tb.add_row("largest share", f"{a.top_employee or '-'} ({a.top_share:.0%})" + ("  dependency risk" if a.dependency_risk else ""))
    console.print(tb)
    ct = Table(title="Relationship capital by employee")
    ct.add_column("employee")
    ct.add_column("capital", justify="right")
    for e, v in sorted(a.capital.items(), key=lambda kv: -kv[1]):
        ct.add_row(e, f"{v:.2f}")
    console.print(ct)


def print_employee_report(console: Console, e) -> None:
    tb = Table(title=f"Employee {e.employee_id}", show_header=False)
    tb.add_row("relationship capital", f"{e.relationship_capital:.2f}")
    tb.add_row("pipeline touched", f"{e.pipeline_touched:,.0f} CNY ({len(e.deals_touched)} open deals)")
    console.print(tb)
    st = Table(title="Share of each account's relationship capital")
    st.add_column("account")
    st.add_column("share", justify="right")
    for acc, share in sorted(e.share_by_account.items(), key=lambda kv: -kv[1]):
        st.add_row(acc, f"{share:.0%}")
    console.print(st)


def print_warm_paths(console: Console, target: str, paths) -> None:
    tb = Table(title=f"Warm paths to {target}")
    for col in ("employee", "route", "closeness", "strength"):
        tb.add_column(col)
    for p in paths:
        tb.add_row(p.employee_id, " → ".join(p.people), f"{p.closeness:.2f}", f"{p.strength:.3f}")
    if not paths:
        tb.add_row("no path found", "", "", "")
    console.print(tb)
