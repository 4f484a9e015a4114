"""Vocabulary shared by the demo data set and the generator: offices, sectors, industries, names, titles."""

from __future__ import annotations

# (id, zh, en)
SECTORS = [
    ("sec-public", "公共事业", "Public sector"),
    ("sec-energy", "能源", "Energy"),
    ("sec-transport", "交通", "Transport"),
    ("sec-telecom", "通信", "Telecom"),
    ("sec-finance", "金融", "Finance"),
    ("sec-consumer", "消费", "Consumer"),
    ("sec-commerce", "商业", "Commerce"),
]

# (id, zh, en, sector id): the 13 key industries of the case, then the general market
INDUSTRIES = [
    ("ind-police", "公安", "Public security", "sec-public"),
    ("ind-procuratorate", "检察", "Procuratorate", "sec-public"),
    ("ind-courts", "法院", "Courts", "sec-public"),
    ("ind-justice", "司法", "Justice", "sec-public"),
    ("ind-military", "军队", "Military", "sec-public"),
    ("ind-armed-police", "武警", "Armed police", "sec-public"),
    ("ind-water", "水利", "Water resources", "sec-public"),
    ("ind-education", "教育", "Education", "sec-public"),
    ("ind-health", "医疗卫生", "Healthcare", "sec-public"),
    ("ind-power", "电力", "Power grid", "sec-energy"),
    ("ind-rail", "铁路", "Railways", "sec-transport"),
    ("ind-carrier", "运营商", "Telecom carriers", "sec-telecom"),
    ("ind-banking", "银行", "Banking", "sec-finance"),
    ("ind-general", "通用行业", "General market", "sec-commerce"),
]
KEY_INDUSTRIES = [i for i in INDUSTRIES if i[0] != "ind-general"]

# 27 regional offices: (city zh, city en)
OFFICES = [
    ("北京", "Beijing"), ("上海", "Shanghai"), ("广州", "Guangzhou"), ("深圳", "Shenzhen"), ("成都", "Chengdu"),
    ("武汉", "Wuhan"), ("南京", "Nanjing"), ("杭州", "Hangzhou"), ("西安", "Xi'an"), ("沈阳", "Shenyang"),
    ("济南", "Jinan"), ("郑州", "Zhengzhou"), ("长沙", "Changsha"), ("福州", "Fuzhou"), ("合肥", "Hefei"),
    ("南昌", "Nanchang"), ("昆明", "Kunming"), ("贵阳", "Guiyang"), ("南宁", "Nanning"), ("太原", "Taiyuan"),
    ("石家庄", "Shijiazhuang"), ("哈尔滨", "Harbin"), ("长春", "Changchun"), ("兰州", "Lanzhou"),
    ("乌鲁木齐", "Urumqi"), ("重庆", "Chongqing"), ("天津", "Tianjin"),
]

SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("赵", "Zhao"),
    ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"), ("胡", "Hu"), ("朱", "Zhu"),
    ("高", "Gao"), ("林", "Lin"), ("何", "He"), ("郭", "Guo"), ("马", "Ma"), ("罗", "Luo"), ("梁", "Liang"),
    ("宋", "Song"), ("郑", "Zheng"), ("谢", "Xie"), ("韩", "Han"), ("唐", "Tang"), ("冯", "Feng"), ("于", "Yu"),
]
GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("强", "Qiang"), ("磊", "Lei"),
    ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"),
    ("超", "Chao"), ("秀英", "Xiuying"), ("华", "Hua"), ("平", "Ping"), ("刚", "Gang"), ("桂英", "Guiying"),
    ("建国", "Jianguo"), ("志强", "Zhiqiang"), ("海燕", "Haiyan"), ("晓东", "Xiaodong"), ("国华", "Guohua"),
    ("丽娟", "Lijuan"), ("建军", "Jianjun"), ("文博", "Wenbo"), ("思远", "Siyuan"), ("雪梅", "Xuemei"),
]

# (zh, en) titles by level
TITLES = {
    "executive": [("厅长", "Director-General"), ("副厅长", "Deputy Director-General"), ("局长", "Director"),
                  ("副局长", "Deputy Director"), ("总工程师", "Chief Engineer"), ("政委", "Political Commissar")],
    "management": [("处长", "Division Chief"), ("副处长", "Deputy Division Chief"), ("科长", "Section Chief"),
                   ("信息中心主任", "Head of the IT Centre"), ("装备处处长", "Head of Equipment")],
    "staff": [("科员", "Clerk"), ("工程师", "Engineer"), ("技术员", "Technician"), ("采购专员", "Procurement Officer"),
              ("网络管理员", "Network Administrator")],
}

# (zh, en) customer departments
DEPARTMENTS = [
    ("办公室", "General Office"), ("科技信息化处", "IT Division"), ("装备财务处", "Equipment and Finance"),
    ("指挥中心", "Command Centre"), ("政治部", "Political Department"), ("采购中心", "Procurement Centre"),
    ("技术保障处", "Technical Support"), ("规划发展处", "Planning and Development"),
]

SOLUTION_LINES = [("video-conferencing", "视频会议"), ("surveillance", "视频监控"), ("command-centre", "指挥调度")]

COMPETITORS = [
    ("comp-hk", "海康", "Hik"), ("comp-dh", "大华", "Dahua"), ("comp-hw", "华为", "Huawei"), ("comp-zte", "中兴", "ZTE"),
    ("comp-cisco", "思科", "Cisco"), ("comp-poly", "宝利通", "Poly"), ("comp-ks", "科达", "Kedacom"),
    ("comp-yl", "亿联", "Yealink"),
]

PARTNER_SUFFIX = [("系统集成有限公司", "Systems Integration Co."), ("信息技术有限公司", "Information Technology Co."),
                  ("智能科技有限公司", "Smart Technology Co."), ("网络工程有限公司", "Network Engineering Co.")]


def person_name(i: int, salt: int = 0) -> tuple[str, str]:
    """A deterministic (zh, en) name for index i."""
    s = SURNAMES[(i * 7 + salt) % len(SURNAMES)]
    g = GIVEN[(i * 13 + salt * 3 + i // len(SURNAMES)) % len(GIVEN)]
    return s[0] + g[0], f"{s[1]} {g[1]}"
