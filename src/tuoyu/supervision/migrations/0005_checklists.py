"""The two checklists of on-site inspections, as data (editable in the back office afterwards).

- ``routine``: the routine inspection from the national rules (docs/national-rules.md) and the fire-safety
  guide (托育机构消防安全指南（试行）).
- ``wst821``: the WS/T 821—2023 quality assessment: seven dimensions weighted 100, 140, 200, 210, 80, 200 and
  70 (1,000 points), grades A–D, 16 basic items that veto. Only the items the national-rules note verifies
  are worded here; the rest of each dimension's points and the basic items not verified are ``configurable``
  items whose wording the district fills in from the standard's full text.
"""

from django.db import migrations

GF = "托育机构管理规范（试行）"
SZ = "托育机构设置标准（试行）"
XF = "托育机构消防安全指南（试行）"
GZ12 = "托儿所幼儿园卫生保健工作规范（卫妇社发〔2012〕35号）"
WS = "WS/T 821—2023 托育机构质量评估标准"
DISTRICT = "（本条由区卫生健康部门依据标准全文填写评估内容与分值）"

# (number, dimension, text, source, weight, veto, prefill, configurable)
ROUTINE = [
    ("R01", "备案与资质", "已向所在地卫生健康部门办理托育机构备案，备案信息与实际一致。", "托育机构登记和备案办法（试行）", 10, True, "filing", False),
    ("R02", "场所与消防", "托育机构不设在四层及以上楼层，不设在地下或半地下。", f"{XF}；GB 50016", 10, True, "floors", False),
    ("R03", "场所与消防", "婴幼儿照护区域、楼梯间和安全出口不停放电动自行车、不充电，不存放蓄电池。", XF, 10, True, "", False),
    ("R04", "场所与消防", "视频监控全天开启，覆盖婴幼儿生活和活动的全部区域，录像保存不少于90日，无无故中断、剪辑或删除。", f"{GF}第三十二条", 10, True, "", False),
    ("R05", "场所与消防", "设置一键式报警装置，配备必要的消防器材并在有效期内。", f"{XF}；{WS}", 5, False, "", False),
    ("R06", "人员配备", "保育人员与婴幼儿比例达标（乳儿班1:3、托小班1:5、托大班1:7），近30日无师生比不达标记录。", f"{SZ}第二十条", 10, False, "ratio_30d", False),
    ("R07", "人员配备", "工作人员持证上岗，健康合格证明等岗位所需证书均在有效期内。", f"{SZ}第十八条；{GF}第二十八条", 10, False, "certificates", False),
    ("R08", "卫生保健", "每日开展晨午检，入托婴幼儿在9:30前完成晨检并记录。", f"{GF}第二十四条", 10, False, "morning_checks", False),
    ("R09", "卫生保健", "每餐每种食品留样不少于100克，密封冷藏不少于48小时，并有记录。", GZ12, 10, False, "food_samples", False),
    ("R10", "卫生保健", "制定带量食谱，每周更换并向家长公布。", GZ12, 5, False, "menus", False),
    ("R11", "保育照护", "全日制婴幼儿每日户外活动不少于2小时（恶劣天气除外）。", GZ12, 5, False, "outdoor", False),
    ("R12", "人员配备", "工作人员接受岗前培训和定期培训，本年度有培训记录。", f"{GF}第三十一条", 5, False, "training", False),
]

WST821 = [
    # 办托条件 100
    ("1.1", "办托条件", "婴幼儿生活用房设在三层及以下，不设在地下室或半地下室。", WS, 15, True, "floors", False),
    ("1.2", "办托条件", "乳儿班活动区使用面积不小于15平方米，托小班、托大班活动室使用面积不小于35平方米。", WS, 15, False, "", False),
    ("1.3", "办托条件", "室内空气质量符合GB/T 18883，室外合成材料场地符合GB 36246。", WS, 10, False, "", False),
    ("1.4", "办托条件", "需要冬季日照的生活用房窗地面积比不小于20%。", WS, 10, False, "", False),
    ("1.9", "办托条件", f"办托条件其他评估内容{DISTRICT}", WS, 50, False, "", True),
    # 托育队伍 140
    ("2.1", "托育队伍", "机构负责人具有大专及以上学历、3年以上相关管理经验，并经岗位培训合格。", f"{SZ}第十八条；{WS}", 20, False, "", False),
    ("2.2", "托育队伍", "工作人员参加岗位培训，负责人培训不少于60学时。", f"{WS} 5.2.1", 10, False, "training", False),
    ("2.3", "托育队伍", "全体工作人员上岗前取得健康合格证明，每年体检，持证上岗。", f"{WS}；{GF}第二十八条", 20, True, "certificates", False),
    ("2.4", "托育队伍", "全体工作人员具有完全民事行为能力，持有无犯罪记录证明。", WS, 20, True, "", False),
    ("2.5", "托育队伍", "自设厨房的，收托50人以下配备1名炊事人员，每增加50人增配1名；外送餐的明确食品安全管理人员。", WS, 10, False, "", False),
    ("2.9", "托育队伍", f"托育队伍其他评估内容{DISTRICT}", WS, 60, False, "", True),
    # 保育照护 200
    ("3.1", "保育照护", "保育人员与婴幼儿比例达标（乳儿班1:3、托小班1:5、托大班1:7）。", f"{SZ}第二十条", 30, False, "ratio_30d", False),
    ("3.2", "保育照护", "婴幼儿每日户外活动不少于2小时。", GZ12, 20, False, "outdoor", False),
    ("3.9", "保育照护", f"保育照护其他评估内容{DISTRICT}", WS, 150, False, "", True),
    # 卫生保健 210
    ("4.1", "卫生保健", "落实晨午检和全日健康观察，发现异常及时告知家长并记录。", f"{WS} 7.2.3；{GF}第二十四条", 30, False, "morning_checks", False),
    ("4.2", "卫生保健", "制定带量食谱，每周更换并向家长公布。", f"{WS} 7.3.1", 20, False, "menus", False),
    ("4.3", "卫生保健", "每餐每种食品留样不少于100克，冷藏不少于48小时。", GZ12, 20, False, "food_samples", False),
    ("4.4", "卫生保健", "落实因病缺勤追踪，由专人负责登记和随访。", f"{WS} 7.4.3", 20, False, "", False),
    ("4.9", "卫生保健", f"卫生保健其他评估内容{DISTRICT}", WS, 120, False, "", True),
    # 养育支持 80
    ("5.9", "养育支持", f"养育支持评估内容{DISTRICT}", WS, 80, False, "", True),
    # 安全保障 200
    ("6.1", "安全保障", "视频监控24小时开启，覆盖婴幼儿生活和活动的全部区域，录像保存不少于90日。", f"{WS}；{GF}第三十二条", 30, True, "", False),
    ("6.2", "安全保障", "设置一键式报警装置，配备必要的消防器材。", WS, 20, True, "", False),
    ("6.3", "安全保障", "每月由专人检查设施设备和消防器材，并有记录。", f"{WS} 9.3.1—9.3.2", 20, False, "", False),
    ("6.4", "安全保障", "制定自然灾害、传染病、食物中毒、踩踏、火灾、暴力等应急预案，定期培训和演练，明确消防安全管理人。", f"{WS} 9.5.2；{GF}第三十一条", 20, False, "", False),
    ("6.5", "安全保障", "投保至少一种责任类保险。", f"{WS} 9.7.1", 10, False, "", False),
    ("6.6", "安全保障", "婴幼儿安全教育覆盖率100%，定期对家长开展安全教育。", WS, 10, False, "", False),
    ("6.9", "安全保障", f"安全保障其他评估内容{DISTRICT}", WS, 90, False, "", True),
    # 机构管理 70
    ("7.1", "机构管理", "已办理托育机构备案，备案信息与实际一致。", "托育机构登记和备案办法（试行）", 20, False, "filing", False),
    ("7.2", "机构管理", "制定年度工作计划，年终向卫生健康部门报告工作。", f"{GF}第三十八条", 10, False, "", False),
    ("7.3", "机构管理", "公示收费、保育照护、膳食营养、卫生保健和安全保卫等信息。", f"{GF}第十五条、第四十条", 10, False, "", False),
    ("7.9", "机构管理", f"机构管理其他评估内容{DISTRICT}", WS, 30, False, "", True),
]
# The basic items (基本项) not verified here: 16 veto in all, 5 worded above.
WST821 += [
    (f"J{n:02d}", "基本项", f"基本项第{n}项{DISTRICT}", WS, 0, True, "", True) for n in range(6, 17)
]

CHECKLISTS = [
    (
        "routine",
        "托育机构日常监督检查表",
        "《托育机构设置标准（试行）》《托育机构管理规范（试行）》《托育机构消防安全指南（试行）》《托儿所幼儿园卫生保健工作规范》",
        {"A": 90, "B": 75, "C": 60},
        ROUTINE,
    ),
    ("wst821", "托育机构质量评估（WS/T 821—2023）", WS, {"A": 900, "B": 750, "C": 600}, WST821),
]


def load(apps, schema_editor):
    Checklist = apps.get_model("supervision", "Checklist")
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    for code, name, source, cutoffs, items in CHECKLISTS:
        checklist = Checklist.objects.create(
            code=code,
            name=name,
            source=source,
            max_score=sum(item[4] for item in items),
            grade_cutoffs=cutoffs,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                number=number,
                dimension=dimension,
                text=text,
                source=item_source,
                weight=weight,
                veto=veto,
                prefill=prefill,
                configurable=configurable,
                position=position,
            )
            for position, (number, dimension, text, item_source, weight, veto, prefill, configurable) in enumerate(
                items, start=1
            )
        )


def unload(apps, schema_editor):
    apps.get_model("supervision", "Checklist").objects.filter(code__in=["routine", "wst821"]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_cases_inspections_complaints")]

    operations = [migrations.RunPython(load, unload)]
