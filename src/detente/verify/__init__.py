"""Verification arithmetic for arms-control agreements (issue #5).

* :mod:`~detente.verify.enrichment` — separative work, UF6/U conversions.
* :mod:`~detente.verify.breakout` — ideal-cascade breakout time from stocks and capacity.
* :mod:`~detente.verify.inspection` — Dresher's inspection game and the game with a
  statistical (MUF) test.
* :mod:`~detente.verify.accountancy` — MUF, σ_MUF, Neyman–Pearson and CUMUF tests,
  significant quantities.
* :mod:`~detente.verify.cusum` — Page's CUSUM test, Siegmund's ARL, Monte Carlo ARL.
* :mod:`~detente.verify.production` — HEU and plutonium per year, in kg and significant
  quantities.
* :mod:`~detente.verify.deterrence` — the non-zero-sum deterrence condition
  β < (B − A·F)/(B + D) and the inspections it needs.
* :mod:`~detente.verify.undeclared` — a hidden share of capacity: detection and time to 1 SQ.
* :mod:`~detente.verify.spec` — the ``verification:`` scenario section and
  :func:`assess_freeze`; :mod:`~detente.verify.regimes` — :func:`assess_regimes`, every
  regime of that section.

Formulas, sources and check values: ``docs/discussion/verification.md`` and
``docs/discussion/enrichment.md``.
"""

from detente.verify.accountancy import (
    DETECTION_GOAL_HIGH,
    DETECTION_GOAL_LOW,
    FALSE_ALARM_GOAL,
    SIGNIFICANT_QUANTITIES,
    TIMELINESS_MONTHS,
    MaterialBalance,
    SignificantQuantity,
    best_test_detection_probability,
    cumuf_detection_probability,
    cumuf_sigma,
    detection_probability,
    largest_sigma_muf,
    linear_test_detection_probability,
    loss_for_detection,
    material_balance,
    muf_covariance,
    sigma_muf,
    sitmuf,
    worst_case_loss_pattern,
)
from detente.verify.breakout import (
    HEU_SIGNIFICANT_QUANTITY_KG,
    IR1_SWU_PER_MACHINE_YEAR,
    IR1_SWU_PER_MACHINE_YEAR_RANGE,
    JCPOA_MACHINES,
    JCPOA_STOCK_ASSAY,
    JCPOA_STOCK_KG_UF6,
    BreakoutResult,
    breakout,
    cascade_capacity,
    jcpoa_breakout,
)
from detente.verify.cusum import (
    ArlEstimate,
    page_alarm,
    page_statistic,
    siegmund_arl,
    siegmund_decision_limit,
    simulate_arl,
)
from detente.verify.deterrence import (
    Deterrence,
    detection_by_inspections,
    deterrence,
    inspections_to_deter,
    max_nondetection,
)
from detente.verify.enrichment import (
    NATURAL_ASSAY,
    EnrichmentResult,
    enrichment,
    separative_potential,
    u_mass_fraction_uf6,
    u_to_uf6,
    uf6_to_u,
    uranium_molar_mass,
)
from detente.verify.inspection import (
    DresherStage,
    StatisticalInspection,
    dresher_detection_probability,
    dresher_row,
    dresher_stage,
    dresher_table,
    dresher_value,
    dresher_value_closed_form,
    gaussian_inspection_game,
    inspections_for_value,
)
from detente.verify.production import (
    PU_SIGNIFICANT_QUANTITY_KG,
    HeuProduction,
    PlutoniumProduction,
    heu_production,
    plutonium_production,
    swu_per_significant_quantity,
)
from detente.verify.regimes import RegimeAssessment, RegimesAssessment, assess_regimes
from detente.verify.spec import (
    AccountancySpec,
    CapacitySpec,
    DeterrenceSpec,
    FreezeAssessment,
    HoldingAssessment,
    HoldingSpec,
    InspectionSpec,
    ReactorSpec,
    RegimeBreakout,
    RegimeSpec,
    StockLotSpec,
    UndeclaredSpec,
    VerificationSpec,
    assess_freeze,
)
from detente.verify.undeclared import HiddenCapacity, hidden_capacity, hidden_capacity_sweep

__all__ = [
    "DETECTION_GOAL_HIGH",
    "DETECTION_GOAL_LOW",
    "FALSE_ALARM_GOAL",
    "HEU_SIGNIFICANT_QUANTITY_KG",
    "IR1_SWU_PER_MACHINE_YEAR",
    "IR1_SWU_PER_MACHINE_YEAR_RANGE",
    "JCPOA_MACHINES",
    "JCPOA_STOCK_ASSAY",
    "JCPOA_STOCK_KG_UF6",
    "NATURAL_ASSAY",
    "PU_SIGNIFICANT_QUANTITY_KG",
    "SIGNIFICANT_QUANTITIES",
    "TIMELINESS_MONTHS",
    "AccountancySpec",
    "ArlEstimate",
    "BreakoutResult",
    "CapacitySpec",
    "Deterrence",
    "DeterrenceSpec",
    "DresherStage",
    "EnrichmentResult",
    "FreezeAssessment",
    "HeuProduction",
    "HiddenCapacity",
    "HoldingAssessment",
    "HoldingSpec",
    "InspectionSpec",
    "MaterialBalance",
    "PlutoniumProduction",
    "ReactorSpec",
    "RegimeAssessment",
    "RegimeBreakout",
    "RegimeSpec",
    "RegimesAssessment",
    "SignificantQuantity",
    "StatisticalInspection",
    "StockLotSpec",
    "UndeclaredSpec",
    "VerificationSpec",
    "assess_freeze",
    "assess_regimes",
    "best_test_detection_probability",
    "breakout",
    "cascade_capacity",
    "cumuf_detection_probability",
    "cumuf_sigma",
    "detection_by_inspections",
    "detection_probability",
    "deterrence",
    "dresher_detection_probability",
    "dresher_row",
    "dresher_stage",
    "dresher_table",
    "dresher_value",
    "dresher_value_closed_form",
    "enrichment",
    "gaussian_inspection_game",
    "heu_production",
    "hidden_capacity",
    "hidden_capacity_sweep",
    "inspections_for_value",
    "inspections_to_deter",
    "jcpoa_breakout",
    "largest_sigma_muf",
    "linear_test_detection_probability",
    "loss_for_detection",
    "material_balance",
    "max_nondetection",
    "muf_covariance",
    "page_alarm",
    "page_statistic",
    "plutonium_production",
    "separative_potential",
    "siegmund_arl",
    "siegmund_decision_limit",
    "sigma_muf",
    "simulate_arl",
    "sitmuf",
    "swu_per_significant_quantity",
    "u_mass_fraction_uf6",
    "u_to_uf6",
    "uf6_to_u",
    "uranium_molar_mass",
    "worst_case_loss_pattern",
]
