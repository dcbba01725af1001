"""The WHO z-score engine against its own tables: at every row of every shipped table the median gives 0
and the ±1/±2/±3 SD measurements give ±1/±2/±3; position correction, the 9-month rule, restricted tails,
oedema, ages from 60 months, the weight-for-length/height ranges, interpolation between 0.1 cm rows, and
reference values of WHO's R package."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from tuoyu.health.growth.standards import (
    FloatArray,
    Indicator,
    LmsTable,
    lms_z,
    restricted_z,
    sd_value,
    who_2006,
)
from tuoyu.health.growth.zscores import Measurements, ZScores, compute

SDS = (-3, -2, -1, 0, 1, 2, 3)
TABLES = {indicator: table for indicator, table in who_2006().tables.items() if isinstance(table, LmsTable)}
AGE_TABLES = (
    Indicator.WEIGHT_FOR_AGE,
    Indicator.LENGTH_FOR_AGE,
    Indicator.BMI_FOR_AGE,
    Indicator.HEAD_FOR_AGE,
)
RESTRICTED = {
    Indicator.WEIGHT_FOR_AGE,
    Indicator.BMI_FOR_AGE,
    Indicator.WEIGHT_FOR_LENGTH,
    Indicator.WEIGHT_FOR_HEIGHT,
}


@dataclass(frozen=True)
class Rows:
    """Every row of a table for one sex: its index (age in days or length in cm) and its L, M, S."""

    sex: int
    index: FloatArray
    l: FloatArray  # noqa: E741
    m: FloatArray
    s: FloatArray

    def at(self, k: float) -> FloatArray:
        return sd_value(k, self.l, self.m, self.s)


def rows_of(table: LmsTable, sex: int) -> Rows:
    return Rows(sex, table.index_values(), table.l[sex - 1], table.m[sex - 1], table.s[sex - 1])


def every_table_and_sex() -> Iterator[tuple[Indicator, int]]:
    for indicator in Indicator:
        for sex in (1, 2):
            yield indicator, sex


def one(**columns: object) -> ZScores:
    return compute(Measurements.from_columns(**{key: [value] for key, value in columns.items()}))  # type: ignore[arg-type]


def test_the_standard_ships_six_tables_on_their_documented_grids() -> None:
    grids = {indicator: (table.start, table.stop, table.step) for indicator, table in TABLES.items()}

    assert grids == {
        Indicator.WEIGHT_FOR_AGE: (0, 1826, 1),  # 1826 days = 59.99 months
        Indicator.LENGTH_FOR_AGE: (0, 1826, 1),
        Indicator.BMI_FOR_AGE: (0, 1826, 1),
        Indicator.HEAD_FOR_AGE: (0, 1826, 1),
        Indicator.WEIGHT_FOR_LENGTH: (45, pytest.approx(110), 0.1),
        Indicator.WEIGHT_FOR_HEIGHT: (65, pytest.approx(120), 0.1),
    }


# Every row of every table ------------------------------------------------------------------------------


@pytest.mark.parametrize(("indicator", "sex"), list(every_table_and_sex()))
def test_at_every_row_the_lookup_and_formula_give_k_at_the_k_sd_measurement(
    indicator: Indicator, sex: int
) -> None:
    table = TABLES[indicator]
    rows = rows_of(table, sex)
    l, m, s = table.lookup(np.full(rows.index.shape, sex - 1, dtype=np.intp), rows.index)  # noqa: E741

    np.testing.assert_array_equal(m, rows.m)  # each row is found as it is, no interpolation on the grid
    formula = restricted_z if indicator in RESTRICTED else lms_z
    for k in SDS:
        np.testing.assert_allclose(formula(rows.at(k), l, m, s), k, atol=1e-9, err_msg=f"{indicator} {k} SD")


def measured_at_age(indicator: Indicator, rows: Rows, values: FloatArray) -> tuple[ZScores, str]:
    """Measurements giving ``values`` of the indicator at each row's age, and the z-score that judges it."""
    n = rows.index.size
    sex = np.full(n, rows.sex)
    if indicator == Indicator.WEIGHT_FOR_AGE:
        return compute(Measurements.from_columns(sex=sex, age_days=rows.index, weight_kg=values)), "zwei"
    if indicator == Indicator.LENGTH_FOR_AGE:
        # No position given: the length is used as measured (lying below 731 days, standing from 731).
        return compute(Measurements.from_columns(sex=sex, age_days=rows.index, length_cm=values)), "zlen"
    if indicator == Indicator.HEAD_FOR_AGE:
        return compute(Measurements.from_columns(sex=sex, age_days=rows.index, head_cm=values)), "zhc"
    # BMI: a length of 1 m makes the BMI equal to the weight.
    data = Measurements.from_columns(
        sex=sex, age_days=rows.index, weight_kg=values, length_cm=np.full(n, 100.0)
    )
    return compute(data), "zbmi"


@pytest.mark.parametrize("indicator", AGE_TABLES)
@pytest.mark.parametrize("sex", [1, 2])
def test_through_the_engine_every_age_row_gives_k(indicator: Indicator, sex: int) -> None:
    rows = rows_of(TABLES[indicator], sex)

    for k in SDS:
        z, score = measured_at_age(indicator, rows, rows.at(k))
        np.testing.assert_allclose(z.score(score), k, atol=1e-9, err_msg=f"{indicator} {k} SD")
    assert rows.index.size == 1827  # every day from birth to 59.99 months


def weight_for_length_rows(indicator: Indicator, sex: int, k: float, **how: object) -> FloatArray:
    rows = rows_of(TABLES[indicator], sex)
    n = rows.index.size
    columns = {key: np.full(n, value) for key, value in how.items()}
    data = Measurements.from_columns(
        sex=np.full(n, sex), length_cm=rows.index, weight_kg=rows.at(k), **columns
    )
    return compute(data).zwfl


@pytest.mark.parametrize(
    ("indicator", "how"),
    [
        (Indicator.WEIGHT_FOR_LENGTH, {"age_days": 400.0, "position": "l"}),  # below 731 days, lying
        (Indicator.WEIGHT_FOR_LENGTH, {"position": "l"}),  # no age: lying chooses weight-for-length
        (Indicator.WEIGHT_FOR_HEIGHT, {"age_days": 900.0, "position": "h"}),  # from 731 days, standing
        (Indicator.WEIGHT_FOR_HEIGHT, {"position": "h"}),  # no age: standing chooses weight-for-height
    ],
)
@pytest.mark.parametrize("sex", [1, 2])
def test_through_the_engine_every_length_row_gives_k(
    indicator: Indicator, how: dict[str, object], sex: int
) -> None:
    for k in SDS:
        np.testing.assert_allclose(weight_for_length_rows(indicator, sex, k, **how), k, atol=1e-9)


def test_without_age_or_position_below_87_cm_is_weight_for_length() -> None:
    wfl, wfh = TABLES[Indicator.WEIGHT_FOR_LENGTH], TABLES[Indicator.WEIGHT_FOR_HEIGHT]
    at_80 = one(sex=1, length_cm=80.0, weight_kg=float(wfl.m[0][350]))  # row 80.0 cm of the length table
    at_90 = one(sex=1, length_cm=90.0, weight_kg=float(wfh.m[0][250]))  # row 90.0 cm of the height table

    assert at_80.zwfl[0] == pytest.approx(0, abs=1e-9)
    assert at_90.zwfl[0] == pytest.approx(0, abs=1e-9)


# Restricted tails -------------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", sorted(RESTRICTED))
@pytest.mark.parametrize("sex", [1, 2])
def test_beyond_3_sd_weight_based_z_is_measured_in_sd2_to_sd3_steps(indicator: Indicator, sex: int) -> None:
    table = TABLES[indicator]
    rows = rows_of(table, sex)
    sd3, sd2 = rows.at(3), rows.at(2)
    sd3_neg, sd2_neg = rows.at(-3), rows.at(-2)
    above = sd3 + 0.5 * (sd3 - sd2)
    below = sd3_neg - 0.5 * (sd2_neg - sd3_neg)

    np.testing.assert_allclose(restricted_z(above, rows.l, rows.m, rows.s), 3.5, atol=1e-9)
    np.testing.assert_allclose(restricted_z(below, rows.l, rows.m, rows.s), -3.5, atol=1e-9)
    # ...which is not what the plain LMS formula gives there.
    assert (np.abs(lms_z(above, rows.l, rows.m, rows.s) - 3.5) > 1e-3).all()
    assert (np.abs(lms_z(below, rows.l, rows.m, rows.s) + 3.5) > 1e-3).all()


def test_the_engine_restricts_weight_for_age_but_not_length_for_age() -> None:
    wfa, lfa = rows_of(TABLES[Indicator.WEIGHT_FOR_AGE], 1), rows_of(TABLES[Indicator.LENGTH_FOR_AGE], 1)
    day = 365
    heavy = float(wfa.at(3)[day] + 1.0 * (wfa.at(3)[day] - wfa.at(2)[day]))
    tall = float(lfa.at(3)[day] + 1.0 * (lfa.at(3)[day] - lfa.at(2)[day]))

    z = one(sex=1, age_days=day, weight_kg=heavy, length_cm=tall, position="l")

    assert z.zwei[0] == pytest.approx(4.0)
    plain = lms_z(np.array([tall]), lfa.l[day : day + 1], lfa.m[day : day + 1], lfa.s[day : day + 1])[0]
    assert z.zlen[0] == pytest.approx(plain)
    assert z.zlen[0] == pytest.approx(4.0)  # L = 1: the plain formula is linear, SD steps are equal


# Position: the ±0.7 cm correction and the 9-month rule ---------------------------------------------------


def test_standing_before_731_days_adds_0_7_cm() -> None:
    standing = one(sex=2, age_days=500, length_cm=78.0, position="h", weight_kg=10.0)
    lying = one(sex=2, age_days=500, length_cm=78.7, position="l", weight_kg=10.0)

    assert standing.length_used_cm[0] == pytest.approx(78.7)
    assert standing.zlen[0] == pytest.approx(lying.zlen[0])
    assert standing.zwfl[0] == pytest.approx(lying.zwfl[0])  # weight-for-length uses the corrected length
    assert standing.zbmi[0] == pytest.approx(lying.zbmi[0])


def test_lying_from_731_days_takes_off_0_7_cm() -> None:
    lying = one(sex=1, age_days=800, length_cm=88.0, position="l", weight_kg=12.0)
    standing = one(sex=1, age_days=800, length_cm=87.3, position="h", weight_kg=12.0)

    assert lying.length_used_cm[0] == pytest.approx(87.3)
    assert lying.zlen[0] == pytest.approx(standing.zlen[0])
    assert lying.zwfl[0] == pytest.approx(standing.zwfl[0])


def test_the_correction_switches_between_730_and_731_days() -> None:
    z = compute(
        Measurements.from_columns(
            sex=[1, 1, 1, 1],
            age_days=[730, 731, 730, 731],
            length_cm=[85.0] * 4,
            position=["h", "h", "l", "l"],
        )
    )

    np.testing.assert_allclose(z.length_used_cm, [85.7, 85.0, 85.0, 84.3])


def test_standing_before_9_months_is_not_corrected_and_is_flagged() -> None:
    # 9 months = 273.9 days: 273 days is before, 274 days after.
    z = compute(
        Measurements.from_columns(
            sex=[1, 1], age_days=[273, 274], length_cm=[66.0, 66.0], position=["h", "h"]
        )
    )

    assert z.standing_under_9_months.tolist() == [True, False]
    np.testing.assert_allclose(z.length_used_cm, [66.0, 66.7])


# Oedema, age, ranges ---------------------------------------------------------------------------------


def test_oedema_gives_no_weight_based_z_but_keeps_length_and_head() -> None:
    z = one(sex=2, age_days=400, weight_kg=8.0, length_cm=72.0, position="l", head_cm=44.0, oedema=True)

    assert np.isnan([z.zwei[0], z.zwfl[0], z.zbmi[0]]).all()
    assert np.isfinite([z.zlen[0], z.zhc[0]]).all()


def test_from_60_months_no_age_based_z_score_is_given() -> None:
    # 1826 days = 59.99 months; 1827 days = 60.02 months; the tables end at 1856 days.
    z = compute(
        Measurements.from_columns(
            sex=[1, 1, 1],
            age_days=[1826, 1827, 2000],
            weight_kg=[18.0] * 3,
            length_cm=[110.0] * 3,
            position=["h"] * 3,
            head_cm=[51.0] * 3,
        )
    )

    for name in ("zwei", "zlen", "zwfl", "zbmi", "zhc"):
        values = z.score(name)
        assert np.isfinite(values[0]), name
        assert np.isnan(values[1:]).all(), name


def test_a_negative_or_zero_measure_gives_no_z_score() -> None:
    z = compute(
        Measurements.from_columns(sex=[1, 1], age_days=[300, 300], weight_kg=[0.0, -5.0], head_cm=[-1.0, 0.0])
    )

    assert np.isnan(z.zwei).all()
    assert np.isnan(z.zhc).all()


@pytest.mark.parametrize(
    ("age_days", "position", "length_cm", "computed"),
    [
        (400, "l", 45.0, True),
        (400, "l", 44.9, False),
        (400, "l", 110.0, True),
        (400, "l", 110.1, False),
        (400, "h", 109.3, True),  # 110.0 cm after the correction
        (400, "h", 109.4, False),
        (900, "h", 65.0, True),
        (900, "h", 64.9, False),
        (900, "h", 120.0, True),
        (900, "h", 120.1, False),
        (900, "l", 120.7, True),  # 120.0 cm after the correction
        (900, "l", 120.8, False),
    ],
)
def test_weight_for_length_and_height_stop_at_the_edges_of_their_tables(
    age_days: int, position: str, length_cm: float, computed: bool
) -> None:
    z = one(sex=1, age_days=age_days, weight_kg=10.0, length_cm=length_cm, position=position)

    assert bool(np.isfinite(z.zwfl[0])) is computed


def test_between_two_0_1_cm_rows_the_parameters_are_interpolated() -> None:
    table = TABLES[Indicator.WEIGHT_FOR_LENGTH]
    row = round((65.3 - table.start) / table.step)  # rows 65.3 and 65.4
    l, m, s = (  # noqa: E741
        np.array([(values[0][row] + values[0][row + 1]) / 2]) for values in (table.l, table.m, table.s)
    )

    z = one(sex=1, age_days=300, length_cm=65.35, position="l", weight_kg=7.5)

    assert z.zwfl[0] == pytest.approx(restricted_z(np.array([7.5]), l, m, s)[0], abs=1e-12)
    lower, upper = (
        one(sex=1, age_days=300, length_cm=cm, position="l", weight_kg=7.5).zwfl[0] for cm in (65.3, 65.4)
    )
    assert upper < z.zwfl[0] < lower


def test_implausibility_is_judged_on_the_z_score_rounded_to_2_decimals() -> None:
    rows = rows_of(TABLES[Indicator.WEIGHT_FOR_AGE], 2)
    day = 200
    sd3, sd2 = float(rows.at(-3)[day]), float(rows.at(-2)[day])

    def weight_at(z: float) -> float:
        return sd3 + (z + 3) * (sd2 - sd3)  # the restricted scale below −3 SD

    result = compute(
        Measurements.from_columns(
            sex=[2, 2], age_days=[day, day], weight_kg=[weight_at(-6.004), weight_at(-6.006)]
        )
    )

    np.testing.assert_allclose(result.zwei, [-6.004, -6.006], atol=1e-9)
    assert result.implausible["zwei"].tolist() == [False, True]


# WHO's own software ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "age_days", "length_cm", "position", "zlen", "used_cm", "implausible", "standing_early"),
    [
        (1, 987, 72.86, "l", -6.09, 72.16, True, False),
        (1, 244, 60.0, "h", -4.81, 60.0, False, True),
        (1, 274, 60.0, "h", -5.02, 60.7, False, False),
        (2, 731, 77.5, "h", -2.55, 77.5, False, False),
    ],
)
def test_reference_values_of_whos_r_package(
    sex: int,
    age_days: int,
    length_cm: float,
    position: str,
    zlen: float,
    used_cm: float,
    implausible: bool,
    standing_early: bool,
) -> None:
    z = one(sex=sex, age_days=age_days, length_cm=length_cm, position=position)

    assert round(float(z.zlen[0]), 2) == zlen
    assert z.length_used_cm[0] == pytest.approx(used_cm)
    assert bool(z.implausible["zlen"][0]) is implausible
    assert bool(z.standing_under_9_months[0]) is standing_early
