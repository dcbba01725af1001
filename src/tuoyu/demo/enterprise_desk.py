"""The enterprise service desk (企业服务) in the demo district: its two teams, six departments, the newspaper
page's story and a year of invented requests (docs/enterprises.md).

The story is the page's second article (本报济宁6月12日讯, 2023): on 8 June 2023 the enterprise
service teams of 济宁市's and 太白湖新区's administrative approval service bureaus (行政审批服务局)
revisit 岁耕农业 and 理美酒店 together (市县联动) about the problems they raised earlier, then visit
龙能城市运营管理股份有限公司济宁分公司 for the first time (一线问需) and record its problems. The page
gives the three names, the two teams and the date, nothing more: the spring visits (17 and 18 May 2023), the
problems and their answers, the people, full names, credit codes and addresses are invented, and each
enterprise's note says so.

Around it, a year of invented requests (the twelve months up to the day of loading, four or five recorded in
each) from a dozen invented enterprises of the district's four streets: every category, urgency, team and
department; most accepted within the two office hours and closed and rated on time, some accepted late or
closed late after a reminder (催办), three overdue and reminded, one extended, one reopened after 不满意 and
closed again, one reopened and still open, one closed and waiting for its follow-up. 湖韵能源集团有限公司
runs the demo's 湖韵能源集团托育中心 under its own credit code and is linked to it: it plans a second
workplace childcare room (单位办托). 鲜食坊's contact has an account and sees the firm's requests (我的诉求).

Every step goes through the desk's services at the moment it happened (``as_of``), the steps of all
requests in the order they happened, with the scheduler's reminder (``requests_remind_overdue``) run in
between on the mornings it finds something to remind, so that case numbers, deadlines on the working-day
calendar, reminders and timelines are what the system itself would have written. A step after the moment of
loading has not happened yet: the requests of the last days are still in progress.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.district import CITY, DISTRICT, STREETS
from tuoyu.demo.supervision import SHANGHAI, as_of, at, working_days_before
from tuoyu.enterprises.factories import DepartmentFactory, ServiceTeamFactory
from tuoyu.enterprises.models import (
    Category,
    Department,
    Enterprise,
    Industry,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
    TeamLevel,
    Urgency,
)
from tuoyu.enterprises.services.register import (
    department_contact_add,
    enterprise_register,
    team_member_add,
)
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    extension_ask,
    extension_decide,
    limit_days,
    request_accept,
    request_close,
    request_dispatch,
    request_note,
    request_rate,
    request_record,
    requests_remind_overdue,
)
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.regions.models import Region
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import Institution, RegistrationType
from tuoyu.workdays import is_working_day

CITY_TEAM = "济宁市行政审批服务局企业服务队"
DISTRICT_TEAM = "太白湖新区行政审批服务局企业服务队"
# The demo personas of each team (keys of seed_demo's DEMO_USERS), the leader first.
CITY_TEAM_PEOPLE = ("city_team_leader", "city_officer", "city_officer_2")
DISTRICT_TEAM_PEOPLE = ("team_leader", "desk_officer", "desk_officer_2", "desk_officer_3")
# The departments problems are dispatched to, each with its contact (a demo persona). 太白湖新区卫生健康局 is
# the bureau the demo's regulator works for (the subsidy decisions are its letters).
DEPARTMENTS = {
    "market": ("太白湖新区市场监督管理局", "contact_market"),
    "tax": ("国家税务总局济宁市太白湖新区税务局", "contact_tax"),
    "land": ("济宁市自然资源和规划局太白湖新区分局", "contact_land"),
    "health": ("太白湖新区卫生健康局", "contact_health"),
    "housing": ("太白湖新区住房和城乡建设局", "contact_housing"),
    "hr": ("太白湖新区人力资源和社会保障局", "contact_hr"),
}
CONTACT_ACCOUNT_AT = "xianshi"  # the enterprise whose contact signs in (persona "enterprise_contact")

FROM_THE_PAGE = "2023年6月12日的新闻报道"
INVENTED = "演示虚构企业：名称、统一社会信用代码、地址、联系人和诉求均为虚构。"
# Serials of the generated credit codes: clear of the institutions' (8,000 + 37 n) and the preparing one's.
CREDIT_SERIAL = 20_000


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    street: str
    industry: str
    address: str
    contact: str
    note: str = INVENTED


STORY_ENTERPRISES = {
    "suigeng": DemoEnterprise(
        "济宁岁耕农业发展有限公司",
        "shiqiao",
        Industry.AGRICULTURE,
        "太白湖新区石桥镇岁耕现代农业示范基地",
        "宫庆林",
        f"名称中“岁耕农业”取自{FROM_THE_PAGE}；全称、统一社会信用代码、地址、联系人和诉求均为演示虚构。",
    ),
    "limei": DemoEnterprise(
        "济宁理美酒店有限公司",
        "beihu",
        Industry.HOSPITALITY,
        "太白湖新区北湖街道湖东路18号",
        "牛晓雯",
        f"名称中“理美酒店”取自{FROM_THE_PAGE}；全称、统一社会信用代码、地址、联系人和诉求均为演示虚构。",
    ),
    "longneng": DemoEnterprise(
        "龙能城市运营管理股份有限公司济宁分公司",
        "xuzhuang",
        Industry.PROPERTY,
        "太白湖新区许庄街道金宇路26号三楼",
        "房振国",
        f"名称取自{FROM_THE_PAGE}；统一社会信用代码、地址、联系人和诉求均为演示虚构。",
    ),
}
ENTERPRISES = {
    "zhizao": DemoEnterprise(
        "济宁禾川智能装备有限公司",
        "shiqiao",
        Industry.MANUFACTURING,
        "太白湖新区石桥镇智造产业园3号厂房",
        "褚建华",
    ),
    "lenglian": DemoEnterprise(
        "济宁湖鲜冷链物流有限公司", "shiqiao", Industry.LOGISTICS, "太白湖新区石桥镇物流园区8号", "单立群"
    ),
    "wenlv": DemoEnterprise(
        "济宁北湖渔舟文旅发展有限公司",
        "beihu",
        Industry.HOSPITALITY,
        "太白湖新区北湖街道滨湖大道渔舟码头",
        "伏小蕾",
    ),
    "xianshi": DemoEnterprise(
        "济宁许庄鲜食坊餐饮管理有限公司",
        "xuzhuang",
        Industry.HOSPITALITY,
        "太白湖新区许庄街道同济路12号",
        "岳海燕",
    ),
    "jiancai": DemoEnterprise(
        "济宁南张筑材商贸有限公司", "nanzhang", Industry.TRADE, "太白湖新区南张街道建材市场B区6号", "仲伟"
    ),
    "ruanjian": DemoEnterprise(
        "济宁青禾软件科技有限公司",
        "xuzhuang",
        Industry.TECHNOLOGY,
        "太白湖新区许庄街道创新大厦1106室",
        "颜博",
    ),
    "huyun": DemoEnterprise(
        "湖韵能源集团有限公司",
        "shiqiao",
        Industry.OTHER,
        "太白湖新区石桥镇湖韵路66号",
        "闵慧",
        "演示虚构企业：名称、地址、联系人和诉求均为虚构；与演示托育机构湖韵能源集团托育中心为同一统一社会信用代码"
        "（集团自办托育，单位办托）。",
    ),
    "jianzhu": DemoEnterprise(
        "济宁南张瑞筑建设工程有限公司",
        "nanzhang",
        Industry.CONSTRUCTION,
        "太白湖新区南张街道南张路88号",
        "寇永刚",
    ),
    "jiankang": DemoEnterprise(
        "济宁北湖康程健康管理有限公司",
        "beihu",
        Industry.HEALTH,
        "太白湖新区北湖街道康养小镇2号楼",
        "蔺晓红",
    ),
    "zixun": DemoEnterprise(
        "济宁许庄恒信商务咨询有限公司",
        "xuzhuang",
        Industry.BUSINESS_SERVICES,
        "太白湖新区许庄街道万达广场写字楼A座1203室",
        "步振东",
    ),
    "jixie": DemoEnterprise(
        "济宁石桥宏精机械制造有限公司",
        "shiqiao",
        Industry.MANUFACTURING,
        "太白湖新区石桥镇工业园纬二路9号",
        "訾明亮",
    ),
    "wuye": DemoEnterprise(
        "济宁北湖安居物业服务有限公司",
        "beihu",
        Industry.PROPERTY,
        "太白湖新区北湖街道安居小区物业楼",
        "景立平",
    ),
}
CONTACT_PHONE = "1365370{:04d}"  # invented mobile numbers, clear of the families' and the demo accounts'


# The problems of the year ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A problem an enterprise of the year raises, who raises it, and how it is answered."""

    category: str
    urgency: str
    description: str
    enterprises: tuple[str, ...]  # who raises it, the first time, the second time...
    answer: str
    departments: tuple[str, ...] = ()  # dispatched to (the first leads); none: the team answers itself
    replies: tuple[str, ...] = ()  # each department's reply
    resolved: bool = True
    city: bool = False  # the city's team is in charge (with the district's team): 市县联动


YEAR: tuple[Template, ...] = (
    Template(
        Category.APPROVAL,
        Urgency.SIMPLE,
        "新建厂房项目办理建筑工程施工许可证，咨询能否与工程规划许可并联办理、需准备哪些材料。",
        ("zhizao", "jixie"),
        "已安排帮办代办专员一对一辅导：施工许可可与工程规划许可并联受理，材料清单已发企业联系人，"
        "企业已在山东政务服务网提交申请。",
    ),
    Template(
        Category.MARKET,
        Urgency.ORDINARY,
        "新购置的锅炉和叉车需办理特种设备使用登记和首次检验，检验排期较长，影响投产。",
        ("lenglian", "jixie"),
        "已协调特种设备检验机构优先安排检验，使用登记已办结，设备已投入使用。",
        ("market",),
        ("已协调检验机构开通绿色通道，锅炉、叉车首次检验合格，使用登记证已核发。",),
    ),
    Template(
        Category.TAX,
        Urgency.SIMPLE,
        "新办企业首次领用发票，数电发票开票额度不够用，影响与客户结算。",
        ("ruanjian", "zixun"),
        "税务部门已根据企业经营情况调增开票额度，企业已正常开票。",
        ("tax",),
        ("经核实企业经营情况，已调增数电发票开票额度，并辅导企业掌握额度调整申请方式。",),
    ),
    Template(
        Category.LAND,
        Urgency.COMPLEX,
        "企业取得土地多年，因历史原因一直未办理不动产权证，影响办理抵押融资。",
        ("jiancai", "jianzhu"),
        "自然资源和规划分局会同住建局梳理历史遗留问题，按规定补办手续，不动产首次登记已受理。",
        ("land", "housing"),
        (
            "经调查，该宗地出让手续齐全，已指导企业补充测绘成果，不动产首次登记已受理。",
            "已对厂房补办竣工验收备案，相关材料已移交自然资源和规划分局。",
        ),
    ),
    Template(
        Category.FINANCE,
        Urgency.ORDINARY,
        "企业流动资金紧张，咨询创业担保贷款的申请条件和贴息政策。",
        ("xianshi", "wenlv"),
        "经人社部门审核企业符合小微企业创业担保贷款条件，已推荐至经办银行，贷款已发放并按规定享受贴息。",
        ("hr",),
        ("经审核，企业符合小微企业创业担保贷款申请条件，已出具推荐意见并推送经办银行。",),
    ),
    Template(
        Category.LABOUR,
        Urgency.ORDINARY,
        "技术工人招聘难，希望参加招聘活动，并了解职业技能培训补贴的申领办法。",
        ("jixie", "zhizao"),
        "企业已参加区人社局组织的专场招聘会，达成意向20余人；培训补贴申领办法已书面告知。",
        ("hr",),
        ("已将企业纳入本月专场招聘会，并告知职业技能培训补贴申领条件和流程。",),
    ),
    Template(
        Category.UTILITIES,
        Urgency.ORDINARY,
        "新厂区天然气管道接入进度慢，影响锅炉调试和投产时间。",
        ("lenglian", "huyun"),
        "住建局已协调燃气公司调整施工计划，管道接入已完工通气，锅炉调试按期完成。",
        ("housing",),
        ("已约谈燃气公司，调整施工计划优先实施，管道已接通并完成通气验收。",),
    ),
    Template(
        Category.INFRASTRUCTURE,
        Urgency.ORDINARY,
        "企业门前道路破损积水，雨天货车进出困难。",
        ("jiancai", "lenglian"),
        "破损路段已纳入市政道路维修计划并修复，雨水管道已疏通。",
        ("housing",),
        ("已安排市政养护单位修复破损路面并疏通雨水管道。",),
    ),
    Template(
        Category.POLICY,
        Urgency.SIMPLE,
        "咨询高新技术企业认定的条件、奖补政策和申报时间。",
        ("ruanjian", "zhizao"),
        "已发送高新技术企业认定政策文件和申报指南，并将企业列入辅导名单，申报通知发布后第一时间告知。",
    ),
    Template(
        Category.CHILDCARE,
        Urgency.ORDINARY,
        "职工多为年轻父母，希望就近入托，咨询附近普惠托育机构和空余托位。",
        ("jiankang", "wuye"),
        "已提供周边普惠托育机构名单和空余托位，职工可在托育服务系统在线查询和申请。",
        ("health",),
        ("已提供周边普惠托育机构名单和空余托位情况，并告知在线查询和申请入托的方式。",),
    ),
    Template(
        Category.OTHER,
        Urgency.SIMPLE,
        "企业法定代表人变更后，政务服务网法人账户无法登录。",
        ("zixun", "jiankang"),
        "已协助企业完成法人账户信息变更，账户恢复正常。",
    ),
    Template(
        Category.APPROVAL,
        Urgency.COMPLEX,
        "企业拟新增一条生产线，涉及项目备案、环评、能评等多项手续，希望梳理审批事项和办理时序。",
        ("zhizao", "huyun"),
        "市、区审批局联合出具审批事项清单和办理时序图，安排专人全程帮办代办，各事项已按计划受理。",
        city=True,
    ),
    Template(
        Category.MARKET,
        Urgency.SIMPLE,
        "企业年报时漏报信息被列入经营异常名录，已补报，申请移出。",
        ("wuye", "jiancai"),
        "市场监管局已核实补报情况，企业已移出经营异常名录。",
        ("market",),
        ("经核查企业已补报年度报告，已依法移出经营异常名录。",),
    ),
    Template(
        Category.TAX,
        Urgency.ORDINARY,
        "研发费用加计扣除的适用范围不清楚，担心申报出错。",
        ("jixie", "ruanjian"),
        "税务部门安排专管员上门辅导，逐项梳理研发项目和费用归集，企业已完成申报。",
        ("tax",),
        ("已安排专管员上门辅导研发费用归集和加计扣除申报，企业已按规定申报享受。",),
    ),
    Template(
        Category.FINANCE,
        Urgency.COMPLEX,
        "订单增加需扩大生产，希望对接银行获得中长期贷款。",
        ("jixie", "lenglian"),
        "已通过市政银企对接活动推荐三家银行，企业已获得授信。",
        city=True,
    ),
    Template(
        Category.LABOUR,
        Urgency.SIMPLE,
        "新招员工社保参保登记时，网上办理提示身份信息不一致。",
        ("wenlv", "xianshi"),
        "人社部门已核实为身份信息录入有误，更正后参保登记已完成。",
        ("hr",),
        ("经核实为员工身份信息录入有误，已更正并完成参保登记。",),
    ),
    Template(
        Category.UTILITIES,
        Urgency.COMPLEX,
        "新上设备后用电负荷不足，需要增容，担心影响按期投产。",
        ("zhizao", "jixie"),
        "企业服务队协调供电公司现场勘查，增容方案已确定，增容工程已完工送电。",
        city=True,
    ),
    Template(
        Category.INFRASTRUCTURE,
        Urgency.COMPLEX,
        "厂区周边没有公交站点，员工上下班通勤不便。",
        ("huyun", "zhizao"),
        "已与交通运输部门沟通：公交线路调整须纳入年度线路优化计划，该需求已列入明年方案，其间由园区通勤车过渡。",
        resolved=False,
    ),
    Template(
        Category.POLICY,
        Urgency.ORDINARY,
        "企业吸纳重点群体就业，咨询可以享受的税收优惠和社会保险补贴。",
        ("wuye", "xianshi"),
        "税务局和人社局已分别辅导企业办理税费扣减备案和社会保险补贴申请。",
        ("tax", "hr"),
        (
            "吸纳重点群体就业可按规定依次扣减有关税费，已辅导企业办理备案。",
            "企业可申请社会保险补贴，已指导准备材料并受理申请。",
        ),
    ),
    Template(
        Category.CHILDCARE,
        Urgency.COMPLEX,
        "集团石桥二期厂区投产后新增职工约600人，计划在二期厂区再设一处职工托育点（单位办托），"
        "咨询设置标准、备案流程和建设补助。",
        ("huyun",),
        "卫生健康局已送达设置标准等文件，安排专人指导选址和备案；建成后符合条件的可申请普惠托育建设补助。",
        ("health",),
        (
            "已送达《托育机构设置标准（试行）》和备案须知，专人指导选址布局；备案后符合条件的，"
            "可按本区政策申请普惠托育建设补助。",
        ),
    ),
    Template(
        Category.OTHER,
        Urgency.ORDINARY,
        "希望参加区里组织的产销对接活动，拓展本地市场。",
        ("wenlv", "xianshi"),
        "已将企业列入下月产销对接会参展名单，并提供展位。",
    ),
    Template(
        Category.APPROVAL,
        Urgency.ORDINARY,
        "食品经营许可证即将到期，负责人在外地，咨询能否全程网上办理延续。",
        ("xianshi", "wenlv"),
        "已告知可全程网办延续，帮办代办专员远程指导上传材料，新证已邮寄送达。",
    ),
    Template(
        Category.LAND,
        Urgency.ORDINARY,
        "企业扩建用地与相邻地块边界有争议，影响办理规划许可。",
        ("jianzhu", "jiancai"),
        "自然资源和规划分局组织实地勘测，依据出让合同和宗地图确认界址，争议已化解，规划许可已受理。",
        ("land",),
        ("已组织实地勘测，依据原出让合同和宗地图确认界址，双方无异议。",),
    ),
)


# The special cases, each with its own texts.
EXTENDED = Template(
    Category.LAND,
    Urgency.COMPLEX,
    "冷库扩建项目需办理建设工程规划许可，方案涉及调整容积率，不清楚办理路径。",
    ("lenglian",),
    "自然资源和规划分局已完成方案论证并出具审查意见，企业按意见修改后规划许可已核发。",
    ("land",),
    ("方案经专家论证，容积率调整符合控制性详细规划，已出具审查意见，规划许可已核发。",),
)
EXTENSION_DAYS = 5
EXTENSION_REASON = "方案涉及容积率调整，需组织专家论证，现场踏勘后尚需出具书面意见。"
REOPENED_BEFORE = Template(
    Category.TAX,
    Urgency.ORDINARY,
    "企业购进设备较多，申请增值税留抵退税，提交后一直没有结果。",
    ("zhizao",),
    "经审核企业符合留抵退税条件，退税申请已受理，正在按程序审批。",
    ("tax",),
    ("经审核企业符合增值税留抵退税条件，申请已受理。",),
)
REOPENED_BEFORE_COMMENT = "只答复已受理，退税款还没有到账，问题没有解决。"
REOPENED_BEFORE_NOTE = "与税务局再次核实：退税已审批，款项三个工作日内到账，已电话告知企业。"
REOPENED_BEFORE_ANSWER = "留抵退税款已全额退还至企业账户，企业已确认到账。"
REOPENED_OPEN = Template(
    Category.INFRASTRUCTURE,
    Urgency.ORDINARY,
    "店门前人行道停车泊位划设后，送货车辆无处临时停靠，影响经营。",
    (CONTACT_ACCOUNT_AT,),
    "住建局答复：泊位按城市停车规划划设，暂不调整，建议错峰送货。",
    ("housing",),
    ("该路段泊位按城市停车规划划设，暂不具备调整条件，建议企业错峰送货。",),
    resolved=False,
)
REOPENED_OPEN_COMMENT = "答复没有解决实际困难，早晚高峰送货车辆仍无处停靠，希望设置临时装卸车位。"
REOPENED_OPEN_NOTE = "已约住建局、市场监管局到店门前现场踏勘，研究设置限时装卸车位的可行性。"
OVERDUE = (
    # (template, working days before today it was recorded, the departments that reply)
    (
        Template(
            Category.LAND,
            Urgency.ORDINARY,
            "仓储用房需要办理不动产变更登记，材料递交后一直没有消息。",
            ("wuye",),
            "",
            ("land",),
        ),
        16,
        0,
    ),
    (
        Template(
            Category.UTILITIES,
            Urgency.SIMPLE,
            "厂区自来水水压不足，高峰时段生产用水中断。",
            ("jixie",),
            "",
            ("housing", "market"),
            ("已约谈供水企业，正在排查管网。",),
        ),
        10,
        1,
    ),
    (
        Template(
            Category.POLICY,
            Urgency.ORDINARY,
            "咨询首次纳入规模以上工业企业的奖励政策和申领办法。",
            ("jixie",),
            "",
        ),
        12,
        0,
    ),
)
AWAITING = Template(
    Category.APPROVAL,
    Urgency.SIMPLE,
    "门店增加外卖经营项目，咨询食品经营许可是否需要变更。",
    (CONTACT_ACCOUNT_AT,),
    "增加网络经营方式需办理食品经营许可变更，已指导企业网上提交，变更已办结。",
)


# The desk ---------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """One request of the year: who, when, what, and how it goes."""

    template: Template
    enterprise: Enterprise
    recorder: User
    teams: tuple[ServiceTeam, ...]  # the recorder's first
    recorded: datetime.datetime
    at_visit: bool = True
    accept_late: bool = False
    late: bool = False
    channel: str = RatingChannel.PHONE
    satisfaction: str = Satisfaction.SATISFIED
    box: dict[str, ServiceRequest] = field(default_factory=dict)


Step = tuple[datetime.datetime, int, Callable[[], object]]


class Desk:
    """The demo's teams, departments and enterprises, and the steps of the year waiting to be run in order."""

    def __init__(self, users: dict[str, User], today: datetime.date) -> None:
        self.users = users
        self.today = today
        self.now = timezone.now()
        self.steps: list[Step] = []
        self.reminder_days: set[datetime.date] = set()
        city = Region.objects.get(code=CITY[0])
        district = Region.objects.get(code=DISTRICT[0])
        self.city_team = ServiceTeamFactory.create(name=CITY_TEAM, level=TeamLevel.CITY, region=city)
        self.district_team = ServiceTeamFactory.create(
            name=DISTRICT_TEAM, level=TeamLevel.DISTRICT, region=district
        )
        for team, people in ((self.city_team, CITY_TEAM_PEOPLE), (self.district_team, DISTRICT_TEAM_PEOPLE)):
            for number, key in enumerate(people):
                team_member_add(team=team, user=users[key], leader=number == 0)
        self.departments: dict[str, Department] = {}
        for key, (name, contact) in DEPARTMENTS.items():
            department = DepartmentFactory.create(name=name, region=district)
            department_contact_add(department=department, user=users[contact])
            self.departments[key] = department
        self.streets = {key: Region.objects.get(code=code) for key, (code, _name) in STREETS.items()}
        self.enterprises: dict[str, Enterprise] = {}

    def user(self, key: str) -> User:
        return self.users[key]

    def register(self, key: str, spec: DemoEnterprise, serial: int, credit_code: str = "") -> Enterprise:
        enterprise = enterprise_register(
            actor=self.user("desk_officer"),
            street=self.streets[spec.street],
            name=spec.name,
            credit_code=credit_code
            or make_credit_code(RegistrationType.ENTERPRISE, DISTRICT[0], CREDIT_SERIAL + serial),
            address=spec.address,
            industry=spec.industry,
            contact_name=spec.contact,
            contact_phone=self.user("enterprise_contact").phone
            if key == CONTACT_ACCOUNT_AT
            else CONTACT_PHONE.format(serial),
            note=spec.note,
        )
        self.enterprises[key] = enterprise
        return enterprise

    # Steps in the order they happened -----------------------------------------------------------------------

    def then(self, moment: datetime.datetime, run: Callable[[], object]) -> None:
        self.steps.append((moment, len(self.steps), run))

    def run_steps(self) -> None:
        """Every step up to now, in the order they happened; the rest has not happened yet."""
        for moment, _order, run in sorted(self.steps, key=lambda step: (step[0], step[1])):
            if moment > self.now:
                break
            with as_of(moment):
                run()
        self.steps = []


def fresh(request: ServiceRequest) -> ServiceRequest:
    """The request as a page would read it before acting on it."""
    return ServiceRequest.objects.select_related("case", "enterprise", "team", "joint_team").get(
        pk=request.pk
    )


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day`` (Monday to Friday in a year the calendar does not know)."""
    while count:
        day += datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_of(year: int, month: int) -> list[datetime.date]:
    day, days = datetime.date(year, month, 1), []
    while day.month == month:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def seed_enterprise_desk(*, users: dict[str, User], today: datetime.date) -> None:
    desk = Desk(users, today)
    seed_story(desk)
    seed_year(desk)


# The newspaper page's story (2023) ------------------------------------------------------------------------


def seed_story(desk: Desk) -> None:
    """Spring 2023: the district's team visits 岁耕农业 and 理美酒店, each raises two problems, followed
    through; 8 June 2023: the city's and the district's teams revisit both together, then visit 龙能 for the
    first time."""
    officer, officer_2, leader = (
        desk.user("desk_officer"),
        desk.user("desk_officer_2"),
        desk.user("team_leader"),
    )
    city_leader, city_officer = desk.user("city_team_leader"), desk.user("city_officer")
    district_team, city_team = desk.district_team, desk.city_team
    d = desk.departments
    with as_of(at(datetime.date(2023, 5, 16), 9)):
        for serial, (key, spec) in enumerate(STORY_ENTERPRISES.items(), start=1):
            if key != "longneng":
                desk.register(key, spec, serial)
    suigeng, limei = desk.enterprises["suigeng"], desk.enterprises["limei"]

    # 17 May 2023: 岁耕农业.
    with as_of(at(datetime.date(2023, 5, 17), 9, 40)):
        visit = visit_record(
            actor=officer,
            enterprise=suigeng,
            visited_on=datetime.date(2023, 5, 17),
            teams=[district_team],
            visitors=[officer_2],
            met="宫庆林（公司负责人）",
            discussed="走访石桥镇种植基地，了解农产品烘干、冷藏项目进展和企业经营情况，企业反映两项问题。",
            problems=[
                Problem(
                    Category.LAND,
                    Urgency.COMPLEX,
                    "企业拟在石桥镇种植基地建设农产品烘干和冷藏设施，需办理设施农业用地手续，"
                    "不清楚用地规模标准和办理流程。",
                ),
                Problem(
                    Category.TAX,
                    Urgency.ORDINARY,
                    "企业销售自产农产品，咨询免征增值税政策和免税发票的开具。",
                ),
            ],
        )
    sg_land, sg_tax = visit.requests.order_by("pk")
    with as_of(at(datetime.date(2023, 5, 17), 10, 30)):
        request_accept(request=fresh(sg_land), actor=officer)
        request_accept(request=fresh(sg_tax), actor=officer)
    with as_of(at(datetime.date(2023, 5, 17), 11)):
        request_dispatch(
            request=fresh(sg_land),
            actor=officer,
            departments=[d["land"]],
            instruction="请指导企业办理设施农业用地手续，核实选址是否涉及永久基本农田。",
        )
        request_dispatch(request=fresh(sg_tax), actor=officer, departments=[d["tax"]])

    # 18 May 2023: 理美酒店.
    with as_of(at(datetime.date(2023, 5, 18), 14, 30)):
        visit = visit_record(
            actor=officer,
            enterprise=limei,
            visited_on=datetime.date(2023, 5, 18),
            teams=[district_team],
            visitors=[officer_2],
            met="牛晓雯（酒店总经理）",
            discussed="走访酒店，了解装修后复业准备和旅游旺季用工情况，企业反映两项问题。",
            problems=[
                Problem(
                    Category.APPROVAL,
                    Urgency.ORDINARY,
                    "酒店装修后新增餐饮区，需变更食品经营许可证、增加经营项目，担心影响开业。",
                ),
                Problem(
                    Category.LABOUR,
                    Urgency.COMPLEX,
                    "旅游旺季前招聘服务员、厨师困难，咨询招聘渠道和稳岗政策。",
                ),
            ],
        )
    lm_licence, lm_staff = visit.requests.order_by("pk")
    with as_of(at(datetime.date(2023, 5, 18), 15, 20)):
        request_accept(request=fresh(lm_licence), actor=officer)
        request_accept(request=fresh(lm_staff), actor=officer)
        request_dispatch(request=fresh(lm_staff), actor=officer, departments=[d["hr"]])

    replies = (
        (
            sg_tax,
            "tax",
            datetime.date(2023, 5, 23),
            "农业生产者销售自产农产品免征增值税，已辅导企业办理并开具免税发票。",
        ),
        (
            sg_land,
            "land",
            datetime.date(2023, 6, 6),
            "经现场核实，烘干、冷藏设施属于设施农业用地，选址不占永久基本农田，无需办理农用地转用审批，"
            "由石桥镇人民政府备案；已指导企业编制用地方案，备案已完成。",
        ),
        (
            lm_staff,
            "hr",
            datetime.date(2023, 6, 6),
            "已将酒店纳入6月就业服务专场招聘会，并告知失业保险稳岗返还政策，符合条件的免申即享。",
        ),
    )
    for request, department, day, reply in replies:
        with as_of(at(day, 10)):
            dispatch = fresh(request).dispatches.get(department=d[department])
            dispatch_reply(dispatch=dispatch, actor=desk.user(DEPARTMENTS[department][1]), reply=reply)
    closures = (
        (
            lm_licence,
            datetime.date(2023, 5, 22),
            "帮办代办专员上门指导，食品经营许可证变更已办结，新证已送达酒店。",
        ),
        (sg_tax, datetime.date(2023, 5, 24), "已按政策开具免税发票，享受自产农产品免征增值税政策。"),
        (
            sg_land,
            datetime.date(2023, 6, 7),
            "烘干和冷藏设施用地已按设施农业用地由石桥镇人民政府备案，可开工建设。",
        ),
        (
            lm_staff,
            datetime.date(2023, 6, 7),
            "酒店已参加6月专场招聘会，招到服务员、厨师共9人；稳岗返还政策已告知。",
        ),
    )
    for request, day, answer in closures:
        with as_of(at(day, 16)):
            request_close(request=fresh(request), actor=officer, answer=answer, resolved=True)
    with as_of(at(datetime.date(2023, 5, 23), 10, 30)):
        request_rate(
            request=fresh(lm_licence),
            satisfaction=Satisfaction.FAIRLY_SATISFIED,
            channel=RatingChannel.PHONE,
            comment="办得快；希望现场核查的时间能提前一天通知。",
            actor=officer,
        )
    with as_of(at(datetime.date(2023, 5, 25), 10, 30)):
        request_rate(
            request=fresh(sg_tax),
            satisfaction=Satisfaction.SATISFIED,
            channel=RatingChannel.PHONE,
            actor=officer,
        )

    # 8 June 2023: the city's and the district's teams together (市县联动).
    joint = [city_team, district_team]
    revisits = (
        (
            suigeng,
            (sg_land, sg_tax),
            sg_land,
            datetime.time(9, 30),
            "宫庆林（公司负责人）",
            "市县联动回访，与企业负责人再交流再问需，跟踪前期反映问题的解决情况：设施农业用地已备案，"
            "烘干冷藏设施已开工；免税发票已正常开具。企业暂无新的诉求。",
        ),
        (
            limei,
            (lm_licence, lm_staff),
            lm_staff,
            datetime.time(10, 50),
            "牛晓雯（酒店总经理）",
            "市县联动回访，与酒店负责人再交流再问需，跟踪前期反映问题的解决情况：餐饮区已取得许可开业，"
            "专场招聘招到9人，旺季用工缓解。企业暂无新的诉求。",
        ),
    )
    for enterprise, earlier, to_rate, time, met, discussed in revisits:
        moment = datetime.datetime.combine(datetime.date(2023, 6, 8), time, tzinfo=SHANGHAI)
        with as_of(moment):
            visit_record(
                actor=leader,
                enterprise=enterprise,
                visited_on=moment.date(),
                teams=joint,
                visitors=[officer, city_leader, city_officer],
                met=met,
                discussed=discussed,
                follow_up_of=[fresh(request) for request in earlier],
            )
        with as_of(moment + datetime.timedelta(minutes=40)):
            request_rate(
                request=fresh(to_rate),
                satisfaction=Satisfaction.SATISFIED,
                channel=RatingChannel.VISIT,
                comment="问题解决得实实在在。",
                actor=leader,
            )
    seed_longneng(desk)


def seed_longneng(desk: Desk) -> None:
    """8 June 2023, afternoon: the first visit to 龙能's 济宁 branch (一线问需), three problems followed
    through."""
    officer, leader = desk.user("desk_officer"), desk.user("team_leader")
    city_leader, city_officer = desk.user("city_team_leader"), desk.user("city_officer")
    d = desk.departments
    day = datetime.date(2023, 6, 8)
    with as_of(at(day, 14)):
        longneng = desk.register("longneng", STORY_ENTERPRISES["longneng"], 3)
    with as_of(at(day, 14, 30)):
        visit = visit_record(
            actor=officer,
            enterprise=longneng,
            visited_on=day,
            teams=[desk.district_team, desk.city_team],
            visitors=[leader, city_leader, city_officer],
            met="房振国（分公司总经理）及管理人员",
            discussed="优化营商环境访企业、解难题、送服务：走访调研、一线问需，与企业管理人员现场沟通、现场办公，"
            "了解分公司总体情况、发展现状和经营中的困难，共同研判问题症结。企业反映三项问题。",
            problems=[
                Problem(
                    Category.APPROVAL,
                    Urgency.SIMPLE,
                    "分公司承接停车场管理、道路保洁等新业务，需变更营业执照经营范围。",
                ),
                Problem(
                    Category.LABOUR,
                    Urgency.ORDINARY,
                    "物业服务项目点多面广，电工、保洁等一线岗位缺人，希望对接招聘渠道、组织职业技能培训。",
                ),
                Problem(
                    Category.TAX,
                    Urgency.ORDINARY,
                    "分公司在济宁多个县区承接项目，咨询跨区域涉税事项报告的办理方式。",
                ),
            ],
        )
    scope, staff, tax = visit.requests.order_by("pk")
    with as_of(at(day, 15, 40)):
        for request in (scope, staff, tax):
            request_accept(request=fresh(request), actor=officer)
        request_dispatch(request=fresh(staff), actor=officer, departments=[d["hr"]])
        request_dispatch(request=fresh(tax), actor=officer, departments=[d["tax"]])
    with as_of(at(datetime.date(2023, 6, 9), 11)):
        request_close(
            request=fresh(scope),
            actor=officer,
            answer="帮办代办专员现场指导网上提交，经营范围变更已办结，新营业执照已领取。",
            resolved=True,
        )
    with as_of(at(datetime.date(2023, 6, 12), 10, 30)):
        request_rate(
            request=fresh(scope),
            satisfaction=Satisfaction.SATISFIED,
            channel=RatingChannel.PHONE,
            actor=officer,
        )
    with as_of(at(datetime.date(2023, 6, 13), 10)):
        dispatch_reply(
            dispatch=fresh(tax).dispatches.get(),
            actor=desk.user("contact_tax"),
            reply="跨区域涉税事项报告可在电子税务局在线办理，已辅导企业财务人员完成报告。",
        )
    with as_of(at(datetime.date(2023, 6, 13), 16)):
        request_close(
            request=fresh(tax),
            actor=officer,
            answer="税务局已辅导分公司在电子税务局办理跨区域涉税事项报告。",
            resolved=True,
        )
    with as_of(at(datetime.date(2023, 6, 14), 10)):
        dispatch_reply(
            dispatch=fresh(staff).dispatches.get(),
            actor=desk.user("contact_hr"),
            reply="已为分公司发布电工、保洁岗位招聘信息，纳入物业服务行业职业技能培训计划。",
        )
        request_rate(
            request=fresh(tax),
            satisfaction=Satisfaction.FAIRLY_SATISFIED,
            channel=RatingChannel.PHONE,
            comment="希望多组织财务人员的政策培训。",
            actor=officer,
        )
    with as_of(at(datetime.date(2023, 6, 15), 16)):
        request_close(
            request=fresh(staff),
            actor=officer,
            answer="人社局已发布招聘信息并安排职业技能培训，分公司已招到电工2人、保洁员6人。",
            resolved=True,
        )
    with as_of(at(datetime.date(2023, 6, 16), 10, 30)):
        request_rate(
            request=fresh(staff),
            satisfaction=Satisfaction.SATISFIED,
            channel=RatingChannel.PHONE,
            actor=officer,
        )


# The year of invented requests -----------------------------------------------------------------------------


def seed_year(desk: Desk) -> None:
    today = desk.today
    months = [
        (
            (today.year * 12 + today.month - 1 - back) // 12,
            (today.year * 12 + today.month - 1 - back) % 12 + 1,
        )
        for back in range(11, -1, -1)
    ]
    first_day = working_days_of(*months[0])[0]
    with as_of(at(first_day, 8, 50)):
        for serial, (key, spec) in enumerate(ENTERPRISES.items(), start=len(STORY_ENTERPRISES) + 1):
            credit_code = ""
            if key == "huyun":  # the group runs the demo's 湖韵能源集团托育中心 under its own credit code
                credit_code = Institution.objects.get(name="湖韵能源集团托育中心").credit_code
            desk.register(key, spec, serial, credit_code)
    district_people = [desk.user(key) for key in DISTRICT_TEAM_PEOPLE[1:]]
    city_people = [desk.user(key) for key in CITY_TEAM_PEOPLE[1:]]
    counter = 0
    for index, (year, month) in enumerate(months):
        # Spread over the month's working days before today (early in a month, several on one day).
        days = [day for day in working_days_of(year, month) if day < today]
        count = 4 + index % 2 if days else 0
        for k in range(count):
            day = days[(2 * k + 1) * len(days) // (2 * count)]
            template = YEAR[counter % len(YEAR)]
            usage = counter // len(YEAR)
            enterprise = desk.enterprises[template.enterprises[usage % len(template.enterprises)]]
            if template.city:
                recorder = city_people[counter % len(city_people)]
                teams: tuple[ServiceTeam, ...] = (desk.city_team, desk.district_team)
            else:
                recorder = district_people[counter % len(district_people)]
                joint = counter % 4 == 1
                teams = (desk.district_team, desk.city_team) if joint else (desk.district_team,)
            plan = Plan(
                template=template,
                enterprise=enterprise,
                recorder=recorder,
                teams=teams,
                recorded=at(day, 9 + counter % 2 * 5, 10 + counter % 4 * 10),
                at_visit=len(teams) > 1 or counter % 3 != 2,
                accept_late=counter % 11 == 6,
                late=counter % 9 == 4,
                channel=(
                    RatingChannel.ONLINE
                    if counter % 5 == 1
                    else RatingChannel.VISIT
                    if counter % 7 == 3
                    else RatingChannel.PHONE
                ),
                satisfaction=(
                    Satisfaction.FAIRLY_SATISFIED
                    if not template.resolved or counter % 6 == 3
                    else Satisfaction.SATISFIED
                ),
            )
            lifecycle(desk, plan)
            counter += 1
    special_cases(desk, months)
    # The scheduler's reminder (催办) at 08:40 on the mornings it has something to do: the working day after
    # each missed deadline (on every other morning it finds nothing and writes nothing).
    for day in sorted(desk.reminder_days):
        desk.then(at(day, 8, 40), _reminder(day))
    desk.run_steps()


def _reminder(day: datetime.date) -> Callable[[], object]:
    return lambda: requests_remind_overdue(on=day)


def special_cases(desk: Desk, months: Sequence[tuple[int, int]]) -> None:
    """The extension, the two reopenings, the overdue requests and the one waiting for its follow-up."""
    today = desk.today
    officer = desk.user("desk_officer")
    officer_2 = desk.user("desk_officer_2")
    team = (desk.district_team,)
    # Extended: five months ago; reopened and closed again: seven months ago.
    extended_day = working_days_of(*months[6])[9]
    extended = Plan(EXTENDED, desk.enterprises["lenglian"], officer_2, team, at(extended_day, 10, 15))
    lifecycle(desk, extended, extension=True)
    before_day = working_days_of(*months[4])[11]
    reopened = Plan(REOPENED_BEFORE, desk.enterprises["zhizao"], officer, team, at(before_day, 14, 40))
    lifecycle(desk, reopened, reopen_before=True)
    # Still open after 不满意: rated online by the contact two working days ago, sent to a second department.
    still_open = Plan(
        REOPENED_OPEN,
        desk.enterprises[CONTACT_ACCOUNT_AT],
        officer,
        team,
        at(working_days_before(today, 9), 9, 50),
        channel=RatingChannel.ONLINE,
        satisfaction=Satisfaction.NOT_SATISFIED,
    )
    lifecycle(desk, still_open, reopen_open=True)
    for template, days_ago, replying in OVERDUE:
        plan = Plan(
            template,
            desk.enterprises[template.enterprises[0]],
            officer_2,
            team,
            at(working_days_before(today, days_ago), 10, 20),
        )
        lifecycle(desk, plan, overdue_replies=replying)
    waiting = Plan(
        AWAITING,
        desk.enterprises[CONTACT_ACCOUNT_AT],
        officer,
        team,
        at(working_days_before(today, 3), 15, 10),
    )
    lifecycle(desk, waiting, awaiting=True)


def lifecycle(
    desk: Desk,
    plan: Plan,
    *,
    extension: bool = False,
    reopen_before: bool = False,
    reopen_open: bool = False,
    overdue_replies: int | None = None,
    awaiting: bool = False,
) -> None:
    """The steps of one request, each at its moment, from its recording to its rating."""
    template, box = plan.template, plan.box
    contacts = [desk.user(DEPARTMENTS[key][1]) for key in template.departments]
    departments = [desk.departments[key] for key in template.departments]
    leader = plan.teams[0].leader
    assert leader is not None
    problem = Problem(template.category, template.urgency, template.description)

    def record() -> None:
        if plan.at_visit:
            visit = visit_record(
                actor=plan.recorder,
                enterprise=plan.enterprise,
                visited_on=timezone.localdate(),
                teams=plan.teams,
                met=f"{plan.enterprise.contact_name}（企业联系人）",
                discussed=("市县联动走访，" if len(plan.teams) > 1 else "走访，")
                + "了解企业生产经营情况和发展需求，现场记录企业反映的问题。",
                problems=[problem],
            )
            box["request"] = visit.requests.get()
        else:  # raised on the phone
            box["request"] = request_record(
                actor=plan.recorder, enterprise=plan.enterprise, team=plan.teams[0], problem=problem
            )

    def act(moment: datetime.datetime, run: Callable[[ServiceRequest], object]) -> None:
        desk.then(moment, lambda: run(fresh(box["request"])))

    recorded = plan.recorded
    desk.then(recorded, record)
    if plan.accept_late:  # the next working afternoon: past the two office hours
        accepted = at(working_days_after(recorded.date(), 1), 14, 10)
    else:
        accepted = recorded + datetime.timedelta(minutes=35)
    act(accepted, lambda request: request_accept(request=request, actor=plan.recorder))
    if departments:
        act(
            accepted + datetime.timedelta(minutes=25),
            lambda request: request_dispatch(request=request, actor=plan.recorder, departments=departments),
        )
    start = accepted.date()
    limit = limit_days(template.urgency, start)
    deadline = working_days_after(start, limit)

    def answer(department: Department, contact: User, text: str) -> Callable[[ServiceRequest], object]:
        return lambda request: dispatch_reply(
            dispatch=request.dispatches.get(department=department), actor=contact, reply=text
        )

    def reply(day: datetime.date, count: int) -> None:
        for number, (department, contact, text) in enumerate(
            zip(departments[:count], contacts, template.replies, strict=False)
        ):
            act(at(day, 10 + 4 * number), answer(department, contact, text))

    # Nobody answers in time: the reminder finds it the working day after the deadline.
    if overdue_replies is not None:
        reply(working_days_after(start, 1), overdue_replies)
        desk.reminder_days.add(working_days_after(deadline, 1))
        return
    if extension:  # asked by the lead department two working days before the deadline, granted by the leader
        asked = working_days_before(deadline, 2)
        act(
            at(asked, 11),
            lambda request: extension_ask(
                request=request, actor=contacts[0], days=EXTENSION_DAYS, reason=EXTENSION_REASON
            ),
        )
        act(at(asked, 15), lambda request: extension_decide(request=request, actor=leader, grant=True))
        replied = closed = working_days_after(deadline, 3)
    elif plan.late:  # reminded the working day after the deadline, answered the day after that
        replied = closed = working_days_after(deadline, 2)
        desk.reminder_days.add(working_days_after(deadline, 1))
    else:
        replied = working_days_after(start, max(1, limit - 2))
        closed = working_days_after(replied, 1)
    reply(replied, len(departments))
    act(
        at(closed, 16),
        lambda request: request_close(
            request=request, actor=plan.recorder, answer=template.answer, resolved=template.resolved
        ),
    )
    if awaiting:
        return
    follow_up = working_days_after(closed, 1)
    if reopen_before:
        act(
            at(follow_up, 10, 30),
            lambda request: request_rate(
                request=request,
                satisfaction=Satisfaction.NOT_SATISFIED,
                channel=RatingChannel.PHONE,
                comment=REOPENED_BEFORE_COMMENT,
                actor=plan.recorder,
            ),
        )
        act(
            at(follow_up, 15),
            lambda request: request_note(request=request, actor=plan.recorder, note=REOPENED_BEFORE_NOTE),
        )
        closed = working_days_after(follow_up, 3)
        act(
            at(closed, 16),
            lambda request: request_close(
                request=request, actor=plan.recorder, answer=REOPENED_BEFORE_ANSWER, resolved=True
            ),
        )
        follow_up = working_days_after(closed, 1)
    if reopen_open:
        contact_user = desk.user("enterprise_contact")
        act(
            at(follow_up, 19, 30),
            lambda request: request_rate(
                request=request,
                satisfaction=Satisfaction.NOT_SATISFIED,
                channel=RatingChannel.ONLINE,
                comment=REOPENED_OPEN_COMMENT,
                actor=contact_user,
            ),
        )
        act(
            at(working_days_after(follow_up, 1), 9, 30),
            lambda request: request_note(request=request, actor=plan.recorder, note=REOPENED_OPEN_NOTE),
        )
        return
    rate(desk, plan, act, closed, follow_up)


def rate(
    desk: Desk,
    plan: Plan,
    act: Callable[[datetime.datetime, Callable[[ServiceRequest], object]], None],
    closed: datetime.date,
    follow_up: datetime.date,
) -> None:
    """The follow-up (回访): online through the progress link the evening of the closure, or the next working
    day by phone or on a follow-up visit."""
    comment = "" if plan.satisfaction == Satisfaction.SATISFIED else "基本解决，希望后续继续跟进。"
    if plan.channel == RatingChannel.ONLINE:
        act(
            at(closed, 20, 15),
            lambda request: request_rate(
                request=request, satisfaction=plan.satisfaction, channel=RatingChannel.ONLINE, comment=comment
            ),
        )
        return
    if plan.channel == RatingChannel.VISIT:
        act(
            at(follow_up, 9, 40),
            lambda request: visit_record(
                actor=plan.recorder,
                enterprise=plan.enterprise,
                visited_on=follow_up,
                teams=plan.teams[:1],
                met=f"{plan.enterprise.contact_name}（企业联系人）",
                discussed="回访：企业反映的问题已办结，现场核实落实情况并听取企业评价。",
                follow_up_of=[request],
            ),
        )
    act(
        at(follow_up, 10, 30),
        lambda request: request_rate(
            request=request,
            satisfaction=plan.satisfaction,
            channel=plan.channel,
            comment=comment,
            actor=plan.recorder,
        ),
    )
