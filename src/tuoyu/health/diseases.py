"""The diseases the outbreak watch knows, with their cluster rules and exclusion periods (a data table).

Cluster thresholds are a local CDC's (湖州 CDC 2023, national rules §9.6); exclusion periods follow common
local school and 托幼 tables (§9.9), which vary: a district changes them in the back office (Disease), and
the values below are only the defaults loaded by the migration. ``notifiable`` marks the statutory
notifiable diseases (法定传染病): a case, even suspected, is reported at once (YQ06, §9.2).
"""

from typing import Any, NamedTuple

CLUSTER_SOURCE = "湖州市疾控中心聚集性疫情标准（2023）"
EXCLUSION_SOURCE = "各地托幼机构传染病隔离期表（常用值）"


class DiseaseSpec(NamedTuple):
    code: str
    name: str
    notifiable: bool
    class_cases: int | None
    institution_cases: int | None
    window_days: int
    exclusion_days: int
    exclusion_note: str


DISEASE_TABLE: tuple[DiseaseSpec, ...] = (
    DiseaseSpec("hfmd", "手足口病", True, 2, 5, 7, 14, "症状消失7天以上且发病满14天，凭复课证明返园"),
    DiseaseSpec("norovirus", "诺如病毒胃肠炎", False, None, 10, 7, 3, "症状消失72小时后，凭复课证明返园"),
    DiseaseSpec("dysentery", "细菌性痢疾", True, None, 10, 3, 7, "症状消失7天或连续2次粪便培养阴性"),
    DiseaseSpec("conjunctivitis", "急性出血性结膜炎", True, None, 3, 7, 7, "症状消失后，凭复课证明返园"),
    DiseaseSpec("influenza", "流行性感冒", True, None, 10, 7, 3, "退热48小时以上且症状明显好转"),
    DiseaseSpec("scarlet_fever", "猩红热", True, None, 10, 7, 7, "规范治疗后症状消失，凭复课证明返园"),
    DiseaseSpec("measles", "麻疹", True, None, 2, 10, 5, "出疹后5天（合并肺炎者10天）"),
    DiseaseSpec("rubella", "风疹", True, None, 5, 7, 5, "出疹后5天"),
    DiseaseSpec("mumps", "流行性腮腺炎", True, None, 5, 7, 9, "腮腺肿大完全消退（约9天）"),
    DiseaseSpec("varicella", "水痘", False, None, 5, 7, 14, "全部疱疹结痂且发病满14天"),
)


def disease_table_load(disease_model: Any) -> None:
    """Create the diseases of the table that are missing (existing rows keep the district's changes)."""
    for spec in DISEASE_TABLE:
        disease_model.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "notifiable": spec.notifiable,
                "class_cases": spec.class_cases,
                "institution_cases": spec.institution_cases,
                "window_days": spec.window_days,
                "exclusion_days": spec.exclusion_days,
                "exclusion_note": spec.exclusion_note,
                "source": f"{CLUSTER_SOURCE}；{EXCLUSION_SOURCE}",
            },
        )
