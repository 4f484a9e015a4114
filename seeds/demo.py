"""The demo data set (``kam seed demo``): a video-conferencing and surveillance vendor, modelled on the
case review the method comes from, with decision chains that tell stories a coach recognises.

Stories (deal ids):
- ``deal-gat-vc``   省公安厅视频会议升级 — ready to shoot: a strong, complete chain with a coach.
- ``deal-gat-cctv`` 指挥中心视频监控扩容 — an influential opponent: the IT centre head favours a competitor.
- ``deal-fy-court`` 科技法庭建设 — no decision maker in the chain yet.
- ``deal-fy-remote`` 远程提讯系统 — the president is swayed by a hidden influencer outside the chain.
- ``deal-jcy-vc``   检察视频会议 — single-threaded: every tie runs through the office head.
- ``deal-sfj-e``    司法所视频会议 — a partner-led E deal, signed through an integrator.
and deals at every stage and grade, closed deals, activities over the past year, and competitors.

Dates are relative to the day the data is loaded, so the stories stay current: loading twice on
the same day changes nothing; a later load refreshes the dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from graph.schema import Label, Rel
from graph.store import Store, UpsertResult
from seeds import vocab
from seeds.generator import Dataset, load_dataset

__all__ = ["demo_dataset", "load_demo", "STORIES"]

STORIES = {
    "ready_to_shoot": "deal-gat-vc",
    "influential_opponent": "deal-gat-cctv",
    "no_decision_maker": "deal-fy-court",
    "hidden_influencer": "deal-fy-remote",
    "single_threaded": "deal-jcy-vc",
    "partner_led": "deal-sfj-e",
}

OFFICES = {"bj": 0, "sh": 1, "gz": 2, "cd": 4, "wh": 5, "xa": 8}


def _office_id(key: str) -> str:
    return "off-" + vocab.OFFICES[OFFICES[key]][1].lower().replace("'", "")


def demo_dataset(today: dt.date | None = None) -> Dataset:
    today = today or dt.date.today()

    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    def ahead(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    ds = Dataset()
    N, E = ds.nodes, ds.edges
    N[Label.Sector] = [{"id": i, "name": zh, "name_en": en} for i, zh, en in vocab.SECTORS]
    N[Label.Industry] = [{"id": i, "name": zh, "name_en": en, "sector_id": s} for i, zh, en, s in vocab.INDUSTRIES]
    N[Label.Office] = [{"id": _office_id(k), "name": vocab.OFFICES[i][0] + "办事处", "name_en": vocab.OFFICES[i][1] + " office",
                        "region": vocab.OFFICES[i][0]} for k, i in OFFICES.items()]
    N[Label.IndustryTeam] = [{"id": "team-" + i[4:], "name": zh + "行业部", "name_en": en + " team", "industry_id": i}
                             for i, zh, en, _ in vocab.KEY_INDUSTRIES]
    N[Label.Partner] = [
        {"id": "ptn-zhongxin", "name": "中信网络系统集成有限公司", "name_en": "Zhongxin Network Systems Integration Co."},
        {"id": "ptn-tianyuan", "name": "天源信息技术有限公司", "name_en": "Tianyuan Information Technology Co."},
        {"id": "ptn-huatong", "name": "华通智能科技有限公司", "name_en": "Huatong Smart Technology Co."},
    ]
    N[Label.Competitor] = [{"id": i, "name": zh, "name_en": en} for i, zh, en in vocab.COMPETITORS]

    # --------------------------------------------------------------- our people
    emp = [
        ("emp-zhou", "周建国", "Zhou Jianguo", "北京办事处主任", ["office_head"], "bj", "police"),
        ("emp-li", "李晓东", "Li Xiaodong", "公安行业客户经理", ["sales"], "bj", "police"),
        ("emp-wang", "王海燕", "Wang Haiyan", "方案经理", ["solution"], "bj", "police"),
        ("emp-zhao", "赵志强", "Zhao Zhiqiang", "交付经理", ["delivery"], "bj", "police"),
        ("emp-sun", "孙丽娟", "Sun Lijuan", "售前工程师", ["presales"], "bj", "police"),
        ("emp-chen", "陈国华", "Chen Guohua", "公安行业总监", ["industry_director"], "bj", "police"),
        ("emp-huang", "黄文博", "Huang Wenbo", "上海办事处主任", ["office_head"], "sh", "courts"),
        ("emp-xu", "徐思远", "Xu Siyuan", "法院行业客户经理", ["sales"], "sh", "courts"),
        ("emp-gao", "高雪梅", "Gao Xuemei", "方案经理", ["solution"], "sh", "courts"),
        ("emp-lin", "林建军", "Lin Jianjun", "广州办事处主任", ["office_head", "sales"], "gz", "procuratorate"),
        ("emp-he", "何明", "He Ming", "交付经理", ["delivery"], "gz", "procuratorate"),
        ("emp-guo", "郭涛", "Guo Tao", "成都办事处主任", ["office_head"], "cd", "justice"),
        ("emp-ma", "马静", "Ma Jing", "渠道经理", ["sales"], "cd", "justice"),
        ("emp-luo", "罗勇", "Luo Yong", "西安办事处主任", ["office_head"], "xa", "military"),
        ("emp-liang", "梁超", "Liang Chao", "军队行业客户经理", ["sales"], "xa", "military"),
        ("emp-song", "宋磊", "Song Lei", "武汉办事处主任", ["office_head", "sales"], "wh", "rail"),
        ("emp-tang", "唐敏", "Tang Min", "法院行业总监", ["industry_director"], "sh", "courts"),
        ("emp-feng", "冯刚", "Feng Gang", "销售副总裁", ["executive"], "bj", "police"),
    ]
    N[Label.Employee] = [{"id": i, "name": zh, "name_en": en, "title": t, "roles": r, "office_id": _office_id(o),
                          "team_id": "team-" + team} for i, zh, en, t, r, o, team in emp]

    accounts, units, people = [], [], []
    deals, chain, knows, infl, team, comp, acts = [], [], [], [], [], [], []

    def account(aid, zh, en, ind, office, tier):
        accounts.append({"id": aid, "name": zh, "name_en": en, "industry_id": ind, "office_id": _office_id(office), "tier": tier})

    def unit(uid, aid, zh, en, parent=None):
        units.append({"id": uid, "name": zh, "name_en": en, "account_id": aid, "parent_id": parent})

    def person(sid, aid, zh, en, title, title_en, level, uid, boss=None, key=False):
        people.append({"id": sid, "name": zh, "name_en": en, "title": title, "title_en": title_en, "level": level,
                       "key": key, "account_id": aid, "org_unit_id": uid, "reports_to_id": boss})

    def staff(aid, uid, boss, n, salt):
        """Ordinary staff of a department, to give large accounts their real size."""
        for k in range(n):
            zh, en = vocab.person_name(salt * 31 + k, salt)
            t = vocab.TITLES["staff"][k % len(vocab.TITLES["staff"])]
            person(f"{uid}-p{k}", aid, zh, en, t[0], t[1], "staff", uid, boss)

    def deal(did, aid, zh, en, amount, line, stage, grade, owner, status="open", close=120, partner=None, partner_led=False):
        deals.append({"id": did, "name": zh, "name_en": en, "account_id": aid, "amount": amount, "solution_line": line,
                      "stage": stage, "grade": grade, "expected_close": ahead(close), "owner_id": owner, "status": status,
                      "partner_id": partner, "partner_led": partner_led})

    def member(sid, did, role, influence, sol, price, favors=False, assessed=10, by=None):
        chain.append({"stakeholder_id": sid, "deal_id": did, "role": role, "influence": influence,
                      "solution_acceptance": sol, "price_acceptance": price, "favors_competitor": favors,
                      "assessed_at": ago(assessed), "assessed_by": by})

    def tie(eid, sid, level, since=400, last=None):
        knows.append({"employee_id": eid, "stakeholder_id": sid, "closeness": level, "since": ago(since),
                      "last_contact": ago(last) if last is not None else None})

    def influences(src, dst, strength):
        infl.append({"source_id": src, "target_id": dst, "strength": strength})

    def on_team(eid, did, role):
        team.append({"employee_id": eid, "deal_id": did, "role": role})

    def competes(cid, did, position, strengths=None, weaknesses=None):
        comp.append({"competitor_id": cid, "deal_id": did, "position": position, "strengths": strengths,
                     "weaknesses": weaknesses})

    def activity(aid_, kind, days, eid, sids, did=None, summary=None):
        acts.append({"id": aid_, "type": kind, "date": ago(days), "employee_id": eid, "stakeholder_ids": sids,
                     "deal_id": did, "summary": summary})

    # --------------------------------------------------------------- 省公安厅 (named account, Beijing)
    A = "acc-gat"
    account(A, "省公安厅", "Provincial Public Security Department", "ind-police", "bj", "named")
    unit(f"{A}-lead", A, "厅领导", "Department leadership")
    unit(f"{A}-kx", A, "科技信息化处", "IT Division", f"{A}-lead")
    unit(f"{A}-zh", A, "指挥中心", "Command Centre", f"{A}-lead")
    unit(f"{A}-zb", A, "装备财务处", "Equipment and Finance", f"{A}-lead")
    unit(f"{A}-cg", A, "采购中心", "Procurement Centre", f"{A}-zb")
    person("gat-tz", A, "刘建国", "Liu Jianguo", "厅长", "Director-General", "executive", f"{A}-lead", key=True)
    person("gat-ftz", A, "杨伟", "Yang Wei", "副厅长(分管科技)", "Deputy Director-General (technology)", "executive", f"{A}-lead", "gat-tz", True)
    person("gat-kx-cz", A, "陈明", "Chen Ming", "科技信息化处处长", "Head of IT Division", "management", f"{A}-kx", "gat-ftz", True)
    person("gat-kx-fcz", A, "吴静", "Wu Jing", "科技信息化处副处长", "Deputy Head of IT Division", "management", f"{A}-kx", "gat-kx-cz")
    person("gat-xxzx", A, "郑强", "Zheng Qiang", "信息中心主任", "Head of the IT Centre", "management", f"{A}-kx", "gat-kx-cz", True)
    person("gat-zh-zr", A, "赵勇", "Zhao Yong", "指挥中心主任", "Head of the Command Centre", "management", f"{A}-zh", "gat-ftz", True)
    person("gat-zh-fzr", A, "孙洋", "Sun Yang", "指挥中心副主任", "Deputy Head of the Command Centre", "management", f"{A}-zh", "gat-zh-zr")
    person("gat-zb-cz", A, "周芳", "Zhou Fang", "装备财务处处长", "Head of Equipment and Finance", "management", f"{A}-zb", "gat-ftz", True)
    person("gat-cg-zr", A, "徐娜", "Xu Na", "采购中心主任", "Head of Procurement", "management", f"{A}-cg", "gat-zb-cz")
    person("gat-gcs", A, "胡杰", "Hu Jie", "高级工程师", "Senior Engineer", "staff", f"{A}-kx", "gat-kx-cz")
    person("gat-zbg", A, "朱磊", "Zhu Lei", "值班长", "Duty Chief", "staff", f"{A}-zh", "gat-zh-zr")
    staff(A, f"{A}-kx", "gat-kx-fcz", 7, 1)
    staff(A, f"{A}-zh", "gat-zh-fzr", 8, 2)
    staff(A, f"{A}-cg", "gat-cg-zr", 3, 3)

    d = "deal-gat-vc"
    deal(d, A, "省厅视频会议系统升级", "Video-conferencing upgrade for the department", 3_200_000, "video-conferencing",
         "bidding", "A", "emp-li", close=45)
    member("gat-ftz", d, "decision_maker", 5, 2, 1, by="emp-li")
    member("gat-kx-cz", d, "technical_evaluator", 4, 2, 1, by="emp-wang")
    member("gat-zb-cz", d, "business_evaluator", 3, 1, 1, by="emp-li")
    member("gat-cg-zr", d, "purchaser", 3, 1, 1, by="emp-li")
    member("gat-zh-zr", d, "user", 3, 2, 1, by="emp-wang")
    member("gat-gcs", d, "coach", 2, 2, 2, by="emp-sun")
    for eid, role in (("emp-li", "sales"), ("emp-wang", "solution"), ("emp-zhao", "delivery"), ("emp-sun", "presales"),
                      ("emp-zhou", "office_head"), ("emp-chen", "industry_director")):
        on_team(eid, d, role)
    competes("comp-hw", d, "trailing", "品牌影响力", "本地化服务弱")

    d = "deal-gat-cctv"
    deal(d, A, "指挥中心视频监控扩容", "Command-centre surveillance expansion", 1_500_000, "surveillance",
         "value_presentation", "B", "emp-li", close=150)
    member("gat-ftz", d, "decision_maker", 5, 1, 0, by="emp-li")
    member("gat-xxzx", d, "technical_evaluator", 5, -2, -1, favors=True, by="emp-wang")
    member("gat-zh-zr", d, "user", 4, 1, 0, by="emp-li")
    member("gat-cg-zr", d, "purchaser", 3, 0, 0, by="emp-li")
    member("gat-zbg", d, "coach", 2, 1, 1, by="emp-sun")
    on_team("emp-li", d, "sales")
    on_team("emp-wang", d, "solution")
    competes("comp-hk", d, "leading", "信息中心长期合作, 价格低", "方案同质化")
    influences("gat-xxzx", "gat-kx-cz", 0.6)
    influences("gat-xxzx", "gat-zh-zr", 0.3)

    tie("emp-zhou", "gat-tz", 2, 900, 40)
    tie("emp-zhou", "gat-ftz", 4, 1200, 5)
    tie("emp-li", "gat-ftz", 3, 600, 5)
    tie("emp-li", "gat-kx-cz", 4, 500, 3)
    tie("emp-wang", "gat-kx-cz", 3, 300, 8)
    tie("emp-li", "gat-zb-cz", 3, 400, 12)
    tie("emp-li", "gat-cg-zr", 3, 350, 15)
    tie("emp-wang", "gat-zh-zr", 4, 300, 6)
    tie("emp-sun", "gat-gcs", 4, 700, 2)
    tie("emp-sun", "gat-zbg", 3, 200, 20)
    tie("emp-wang", "gat-xxzx", 1, 200, 90)
    tie("emp-chen", "gat-tz", 3, 1500, 60)
    influences("gat-tz", "gat-ftz", 0.3)
    influences("gat-kx-cz", "gat-ftz", 0.4)
    influences("gat-zh-zr", "gat-zh-fzr", 0.5)
    influences("gat-gcs", "gat-kx-cz", 0.2)
    for k, (days, kind, eid, sids, did, summary) in enumerate([
        (5, "meeting", "emp-li", ["gat-ftz", "gat-kx-cz"], "deal-gat-vc", "汇报升级方案, 副厅长认可技术路线"),
        (3, "workshop", "emp-wang", ["gat-kx-cz", "gat-zh-zr"], "deal-gat-vc", "需求澄清工作坊"),
        (12, "visit", "emp-li", ["gat-zb-cz"], "deal-gat-vc", "商务条款沟通"),
        (15, "call", "emp-li", ["gat-cg-zr"], "deal-gat-vc", "招标流程确认"),
        (2, "dinner", "emp-sun", ["gat-gcs"], None, None),
        (30, "demo", "emp-wang", ["gat-zh-zr", "gat-zh-fzr"], "deal-gat-cctv", "指挥中心演示"),
        (90, "meeting", "emp-wang", ["gat-xxzx"], "deal-gat-cctv", "信息中心倾向友商方案"),
        (40, "visit", "emp-zhou", ["gat-tz"], None, "年度拜访"),
        (200, "visit", "emp-chen", ["gat-tz", "gat-ftz"], None, "行业总监拜访"),
    ]):
        activity(f"act-gat-{k}", kind, days, eid, sids, did, summary)

    # --------------------------------------------------------------- 省高级人民法院 (key account, Shanghai)
    F = "acc-fy"
    account(F, "省高级人民法院", "Provincial High People's Court", "ind-courts", "sh", "key")
    unit(f"{F}-lead", F, "院领导", "Court leadership")
    unit(f"{F}-xxc", F, "信息技术处", "IT Division", f"{F}-lead")
    unit(f"{F}-zzb", F, "政治部", "Political Department", f"{F}-lead")
    unit(f"{F}-xzc", F, "行政装备处", "Administration and Equipment", f"{F}-lead")
    person("fy-yz", F, "王国华", "Wang Guohua", "院长", "President", "executive", f"{F}-lead", key=True)
    person("fy-fyz", F, "李平", "Li Ping", "副院长", "Vice President", "executive", f"{F}-lead", "fy-yz", True)
    person("fy-zzb", F, "何建军", "He Jianjun", "政治部主任", "Head of the Political Department", "executive", f"{F}-zzb", "fy-yz", True)
    person("fy-xxc", F, "林思远", "Lin Siyuan", "信息技术处处长", "Head of IT", "management", f"{F}-xxc", "fy-fyz", True)
    person("fy-xzc", F, "罗艳", "Luo Yan", "行政装备处处长", "Head of Administration", "management", f"{F}-xzc", "fy-fyz")
    person("fy-ft", F, "梁文博", "Liang Wenbo", "审判庭庭长", "Presiding Judge", "management", f"{F}-lead", "fy-fyz")
    person("fy-gcs", F, "韩涛", "Han Tao", "信息技术处工程师", "IT Engineer", "staff", f"{F}-xxc", "fy-xxc")
    staff(F, f"{F}-xxc", "fy-xxc", 6, 4)
    staff(F, f"{F}-xzc", "fy-xzc", 6, 5)

    d = "deal-fy-court"
    deal(d, F, "科技法庭建设", "Digital courtrooms", 2_400_000, "video-conferencing", "needs_analysis", "A", "emp-xu", close=240)
    member("fy-xxc", d, "technical_evaluator", 4, 1, 0, by="emp-xu")
    member("fy-xzc", d, "purchaser", 3, 0, 0, by="emp-xu")
    member("fy-ft", d, "user", 3, 1, 1, by="emp-gao")
    member("fy-gcs", d, "coach", 2, 2, 1, by="emp-gao")
    on_team("emp-xu", d, "sales")
    on_team("emp-gao", d, "solution")
    competes("comp-ks", d, "even")

    d = "deal-fy-remote"
    deal(d, F, "远程提讯系统", "Remote arraignment system", 800_000, "video-conferencing", "tender_preparation", "C", "emp-xu",
         close=70)
    member("fy-yz", d, "decision_maker", 5, 1, 1, by="emp-huang")
    member("fy-xxc", d, "technical_evaluator", 4, 1, 1, by="emp-xu")
    member("fy-xzc", d, "purchaser", 3, 1, 0, by="emp-xu")
    member("fy-ft", d, "user", 3, 0, 1, by="emp-gao")
    member("fy-gcs", d, "coach", 2, 2, 1, by="emp-gao")
    on_team("emp-xu", d, "sales")
    on_team("emp-gao", d, "solution")
    # the political department head sits outside the chain, is skeptical, and the president listens to him
    influences("fy-zzb", "fy-yz", 0.8)
    influences("fy-yz", "fy-fyz", 0.4)
    tie("emp-huang", "fy-yz", 3, 800, 20)
    tie("emp-xu", "fy-xxc", 3, 400, 10)
    tie("emp-xu", "fy-xzc", 2, 300, 25)
    tie("emp-gao", "fy-ft", 3, 200, 14)
    tie("emp-gao", "fy-gcs", 4, 300, 4)
    tie("emp-tang", "fy-fyz", 2, 1000, 120)
    for k, (days, kind, eid, sids, did) in enumerate([
        (20, "visit", "emp-huang", ["fy-yz"], "deal-fy-remote"), (10, "meeting", "emp-xu", ["fy-xxc"], "deal-fy-court"),
        (14, "demo", "emp-gao", ["fy-ft", "fy-gcs"], "deal-fy-court"), (120, "dinner", "emp-tang", ["fy-fyz"], None),
        (4, "call", "emp-gao", ["fy-gcs"], "deal-fy-remote"),
    ]):
        activity(f"act-fy-{k}", kind, days, eid, sids, did)

    # --------------------------------------------------------------- 省人民检察院 (key account, Guangzhou)
    J = "acc-jcy"
    account(J, "省人民检察院", "Provincial People's Procuratorate", "ind-procuratorate", "gz", "key")
    unit(f"{J}-lead", J, "院领导", "Leadership")
    unit(f"{J}-jsc", J, "检察技术处", "Technology Division", f"{J}-lead")
    unit(f"{J}-jwc", J, "计划财务装备处", "Planning, Finance and Equipment", f"{J}-lead")
    person("jcy-jcz", J, "郭秀英", "Guo Xiuying", "检察长", "Chief Procurator", "executive", f"{J}-lead", key=True)
    person("jcy-fjcz", J, "谢志强", "Xie Zhiqiang", "副检察长", "Deputy Chief Procurator", "executive", f"{J}-lead", "jcy-jcz", True)
    person("jcy-jsc", J, "冯海燕", "Feng Haiyan", "检察技术处处长", "Head of Technology", "management", f"{J}-jsc", "jcy-fjcz", True)
    person("jcy-jwc", J, "于桂英", "Yu Guiying", "计财装备处处长", "Head of Planning and Finance", "management", f"{J}-jwc", "jcy-fjcz")
    person("jcy-user", J, "唐明", "Tang Ming", "公诉处处长", "Head of Public Prosecution", "management", f"{J}-lead", "jcy-fjcz")
    person("jcy-gcs", J, "宋华", "Song Hua", "技术处工程师", "Engineer", "staff", f"{J}-jsc", "jcy-jsc")
    staff(J, f"{J}-jsc", "jcy-jsc", 6, 6)
    staff(J, f"{J}-jwc", "jcy-jwc", 5, 7)
    d = "deal-jcy-vc"
    deal(d, J, "检察视频会议", "Procuratorate video conferencing", 1_100_000, "video-conferencing", "negotiation", "B",
         "emp-lin", close=30)
    member("jcy-fjcz", d, "decision_maker", 5, 1, 1, by="emp-lin")
    member("jcy-jsc", d, "technical_evaluator", 4, 1, 0, by="emp-lin")
    member("jcy-jwc", d, "purchaser", 3, 0, 1, by="emp-lin")
    member("jcy-user", d, "user", 3, 1, 0, by="emp-lin")
    member("jcy-gcs", d, "coach", 2, 1, 1, by="emp-lin")
    on_team("emp-lin", d, "sales")
    on_team("emp-he", d, "delivery")
    competes("comp-yl", d, "even", "价格", "行业案例少")
    for sid, lvl in (("jcy-jcz", 3), ("jcy-fjcz", 4), ("jcy-jsc", 3), ("jcy-jwc", 3), ("jcy-user", 2), ("jcy-gcs", 3)):
        tie("emp-lin", sid, lvl, 1500, 15)
    influences("jcy-jcz", "jcy-fjcz", 0.5)
    for k, days in enumerate((15, 40, 75, 130, 250)):
        activity(f"act-jcy-{k}", ["visit", "dinner", "meeting", "visit", "call"][k], days, "emp-lin",
                 [["jcy-fjcz"], ["jcy-jcz"], ["jcy-jsc", "jcy-gcs"], ["jcy-jwc"], ["jcy-user"]][k], d)

    # --------------------------------------------------------------- 市司法局 (general, Chengdu): D and partner-led E
    S = "acc-sfj"
    account(S, "市司法局", "Municipal Justice Bureau", "ind-justice", "cd", "general")
    unit(f"{S}-lead", S, "局领导", "Leadership")
    unit(f"{S}-xxk", S, "信息科", "IT Section", f"{S}-lead")
    person("sfj-jz", S, "韩建国", "Han Jianguo", "局长", "Director", "executive", f"{S}-lead", key=True)
    person("sfj-xxk", S, "马超", "Ma Chao", "信息科科长", "Head of IT", "management", f"{S}-xxk", "sfj-jz")
    person("sfj-cg", S, "朱丽娟", "Zhu Lijuan", "采购专员", "Procurement Officer", "staff", f"{S}-lead", "sfj-jz")
    person("sfj-sfs", S, "何伟", "He Wei", "司法所所长", "Head of a Justice Office", "management", f"{S}-lead", "sfj-jz")
    deal("deal-sfj-d", S, "社区矫正视频监控", "Community-corrections surveillance", 400_000, "surveillance", "initiate", "D",
         "emp-ma", close=100)
    member("sfj-xxk", "deal-sfj-d", "decision_maker", 4, 1, 0, by="emp-ma")
    member("sfj-cg", "deal-sfj-d", "purchaser", 3, 0, 0, by="emp-ma")
    deal("deal-sfj-e", S, "司法所视频会议", "Justice offices video conferencing", 600_000, "video-conferencing",
         "negotiation", "E", "emp-ma", close=40, partner="ptn-tianyuan", partner_led=True)
    member("sfj-jz", "deal-sfj-e", "decision_maker", 5, 1, 1, by="emp-guo")
    member("sfj-xxk", "deal-sfj-e", "technical_evaluator", 4, 1, 1, by="emp-ma")
    member("sfj-cg", "deal-sfj-e", "purchaser", 3, 1, 1, by="emp-ma")
    member("sfj-sfs", "deal-sfj-e", "user", 3, 2, 1, by="emp-ma")
    on_team("emp-ma", "deal-sfj-e", "sales")
    on_team("emp-ma", "deal-sfj-d", "sales")
    tie("emp-guo", "sfj-jz", 3, 700, 30)
    tie("emp-ma", "sfj-xxk", 3, 300, 10)
    tie("emp-ma", "sfj-cg", 2, 200, 45)
    tie("emp-ma", "sfj-sfs", 3, 200, 20)
    activity("act-sfj-0", "meeting", 10, "emp-ma", ["sfj-xxk", "sfj-sfs"], "deal-sfj-e", "与集成商天源联合拜访")
    activity("act-sfj-1", "visit", 30, "emp-guo", ["sfj-jz"], "deal-sfj-e")

    # --------------------------------------------------------------- 战区某部 (named, Xi'an): large A in tender preparation
    M = "acc-army"
    account(M, "战区某部信息保障中心", "Theatre Command Information Support Centre", "ind-military", "xa", "named")
    unit(f"{M}-lead", M, "中心领导", "Leadership")
    unit(f"{M}-tx", M, "通信处", "Communications", f"{M}-lead")
    unit(f"{M}-zb", M, "装备处", "Equipment", f"{M}-lead")
    person("army-zr", M, "杨刚", "Yang Gang", "主任", "Director", "executive", f"{M}-lead", key=True)
    person("army-zw", M, "林军", "Lin Jun", "政委", "Political Commissar", "executive", f"{M}-lead", key=True)
    person("army-tx", M, "周磊", "Zhou Lei", "通信处处长", "Head of Communications", "management", f"{M}-tx", "army-zr", True)
    person("army-zb", M, "吴刚", "Wu Gang", "装备处处长", "Head of Equipment", "management", f"{M}-zb", "army-zr")
    person("army-gcs", M, "郑文博", "Zheng Wenbo", "工程师", "Engineer", "staff", f"{M}-tx", "army-tx")
    staff(M, f"{M}-tx", "army-tx", 6, 8)
    staff(M, f"{M}-zb", "army-zb", 5, 9)
    d = "deal-army-cmd"
    deal(d, M, "指挥调度系统", "Command and dispatch system", 5_000_000, "command-centre", "tender_preparation", "A",
         "emp-liang", close=90)
    member("army-zr", d, "decision_maker", 5, 1, 0, by="emp-luo")
    member("army-tx", d, "technical_evaluator", 5, 1, 0, by="emp-liang")
    member("army-zb", d, "purchaser", 4, 0, -1, by="emp-liang")
    member("army-gcs", d, "user", 2, 1, 1, by="emp-liang")
    on_team("emp-liang", d, "sales")
    on_team("emp-luo", d, "office_head")
    competes("comp-hw", d, "even", "产品线全", "价格高")
    competes("comp-zte", d, "trailing")
    tie("emp-luo", "army-zr", 3, 1000, 35)
    tie("emp-liang", "army-tx", 3, 500, 12)
    tie("emp-liang", "army-zb", 2, 400, 50)
    tie("emp-liang", "army-gcs", 3, 300, 7)
    influences("army-zw", "army-zr", 0.4)
    activity("act-army-0", "visit", 35, "emp-luo", ["army-zr"], d)
    activity("act-army-1", "demo", 12, "emp-liang", ["army-tx", "army-gcs"], d)

    # --------------------------------------------------------------- general market (Wuhan) and small deals at every stage
    W = "acc-metro"
    account(W, "武汉地铁集团", "Wuhan Metro Group", "ind-rail", "wh", "general")
    unit(f"{W}-xx", W, "信息中心", "IT Centre")
    person("metro-zr", W, "黄志强", "Huang Zhiqiang", "信息中心主任", "Head of IT", "management", f"{W}-xx", key=True)
    person("metro-gcs", W, "徐平", "Xu Ping", "通信工程师", "Communications Engineer", "staff", f"{W}-xx", "metro-zr")
    person("metro-cg", W, "高芳", "Gao Fang", "采购经理", "Procurement Manager", "management", f"{W}-xx", "metro-zr")
    tie("emp-song", "metro-zr", 3, 600, 25)
    tie("emp-song", "metro-gcs", 2, 300, 60)
    tie("emp-song", "metro-cg", 2, 300, 45)
    small = [
        ("deal-metro-1", "车站视频监控试点", "Station surveillance pilot", 300_000, "surveillance", "verify", "D", "open", 200),
        ("deal-metro-2", "调度中心视频会议", "Dispatch-centre video conferencing", 900_000, "video-conferencing", "fulfilment", "C", "open", -10),
        ("deal-metro-3", "线网视频会议一期", "Network video conferencing, phase 1", 1_300_000, "video-conferencing", "fulfilment", "B", "won", -120),
        ("deal-metro-4", "车辆段监控改造", "Depot surveillance refit", 700_000, "surveillance", "bidding", "C", "lost", -60),
        ("deal-metro-5", "应急指挥平台", "Emergency command platform", 2_100_000, "command-centre", "initiate", "A", "abandoned", -30),
    ]
    for did, zh, en, amount, line, stage, grade, status, close in small:
        deal(did, W, zh, en, amount, line, stage, grade, "emp-song", status=status, close=close)
        member("metro-zr", did, "decision_maker", 4, 1, 0, by="emp-song")
        member("metro-cg", did, "purchaser", 3, 0, 0, by="emp-song")
        member("metro-gcs", did, "user", 2, 1, 1, by="emp-song")
        on_team("emp-song", did, "sales")
    activity("act-metro-0", "visit", 25, "emp-song", ["metro-zr"], "deal-metro-2")
    activity("act-metro-1", "workshop", 60, "emp-song", ["metro-gcs", "metro-cg"], "deal-metro-1")

    N[Label.Account] = accounts
    N[Label.OrgUnit] = units
    N[Label.Stakeholder] = people
    N[Label.Deal] = deals
    N[Label.Activity] = acts
    N[Label.Lead] = [
        {"id": "lead-1", "name": "市公安局交警支队视频会议需求", "account_id": None, "source": "展会", "amount_estimate": 500_000},
        {"id": "lead-2", "name": "省厅二期监控联网", "account_id": A, "source": "客户介绍", "amount_estimate": 2_000_000,
         "status": "qualified"},
    ]
    # the win plan, reviews, effort and stage history of the deal that is ready to shoot, and a violation
    N[Label.DealPlan] = [
        {"id": "deal-gat-vc", "deal_id": "deal-gat-vc", "answers": ["budget:4", "chain:4", "decision:3", "need:4",
                                                                     "partner:3", "price:3", "solution:4"],
         "answered_at": ago(6), "strategy": "frontal", "strategy_notes": "技术领先+服务本地化, 正面竞争",
         "artifacts": ["bid_analysis_meeting", "bid_application", "commercial_content", "technical_content"]},
        {"id": "deal-gat-cctv", "deal_id": "deal-gat-cctv", "answers": ["budget:2", "chain:1", "need:3"],
         "answered_at": ago(75), "strategy": "flanking", "strategy_notes": "绕开信息中心, 从指挥中心业务价值切入"},
    ]
    N[Label.Review] = [
        {"id": "rev-gat-vc-c", "deal_id": "deal-gat-vc", "kind": "commercial_review", "decision": "approved",
         "by_id": "emp-zhou", "date": ago(8), "comments": "价格在授权范围内"},
        {"id": "rev-gat-vc-t", "deal_id": "deal-gat-vc", "kind": "technical_review", "decision": "approved",
         "by_id": "emp-wang", "date": ago(8)},
        {"id": "rev-gat-vc-b", "deal_id": "deal-gat-vc", "kind": "bid_approval", "decision": "approved",
         "by_id": "emp-chen", "date": ago(4)},
    ]
    N[Label.Action] = [
        {"id": "act-plan-1", "deal_id": "deal-gat-vc", "text": "向副厅长汇报投标方案", "owner_id": "emp-li",
         "due": ahead(7), "target_id": "gat-ftz", "status": "open"},
        {"id": "act-plan-2", "deal_id": "deal-gat-vc", "text": "完成技术应答", "owner_id": "emp-wang", "due": ago(5),
         "status": "done", "result": "技术评审通过"},
        {"id": "act-plan-3", "deal_id": "deal-gat-cctv", "text": "约见信息中心主任, 消除顾虑", "owner_id": "emp-wang",
         "due": ago(10), "target_id": "gat-xxzx", "status": "open"},
        {"id": "act-plan-4", "deal_id": "deal-fy-remote", "text": "请院长引荐政治部主任", "owner_id": "emp-huang",
         "due": ahead(14), "target_id": "fy-zzb", "status": "open"},
    ]
    N[Label.Effort] = [
        {"id": f"eff-{k}", "deal_id": did, "employee_id": eid, "date": ago(days), "hours": hours, "role": role}
        for k, (did, eid, days, hours, role) in enumerate([
            ("deal-gat-vc", "emp-sun", 20, 16, "presales"), ("deal-gat-vc", "emp-wang", 15, 24, "solution"),
            ("deal-gat-vc", "emp-sun", 6, 8, "presales"), ("deal-gat-cctv", "emp-wang", 30, 12, "solution"),
            ("deal-fy-court", "emp-gao", 14, 10, "solution"), ("deal-jcy-vc", "emp-lin", 15, 6, "sales"),
        ])
    ]
    N[Label.StageChange] = [
        {"id": f"deal-gat-vc-h{k}", "deal_id": "deal-gat-vc", "from_stage": a, "to_stage": b, "at": ago(days) + "T09:00:00",
         "by": "emp-li", "override": False}
        for k, (a, b, days) in enumerate([("verify", "initiate", 150), ("initiate", "needs_analysis", 120),
                                          ("needs_analysis", "value_presentation", 90),
                                          ("value_presentation", "tender_preparation", 40),
                                          ("tender_preparation", "bidding", 4)])
    ] + [{"id": "deal-jcy-vc-h0", "deal_id": "deal-jcy-vc", "from_stage": "initiate", "to_stage": "negotiation",
          "at": ago(20) + "T10:00:00", "by": "emp-lin", "override": True, "reason": "客户年底前必须签约"}]
    N[Label.Violation] = [{"id": "deal-jcy-vc-v0", "deal_id": "deal-jcy-vc", "stage": "negotiation",
                           "missing": ["commercial_review", "team:delivery"], "at": ago(20) + "T10:00:00", "by": "emp-lin",
                           "reason": "客户年底前必须签约"}]
    E[Rel.KNOWS] = knows
    E[Rel.IN_CHAIN] = chain
    E[Rel.INFLUENCES] = infl
    E[Rel.ON_TEAM] = team
    E[Rel.COMPETES_IN] = comp
    return ds


def load_demo(store: Store, today: dt.date | None = None, on_rows: Callable[[int], None] | None = None) -> UpsertResult:
    """Load (or refresh) the demo data; running it twice on the same day changes nothing."""
    return load_dataset(store, demo_dataset(today), on_rows)
