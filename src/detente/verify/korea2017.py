"""Default ``verification:`` section for North Korea in 2017, from public estimates.

Every number carries a ``why`` naming its source, and says whether it is a published figure
(``[R]`` read in the source, per ``shared/reference/verify.md`` §4), a derived figure
(``[C]``) or an illustrative assumption. The enrichment capacity is an **estimate**: nobody
outside North Korea knows how many centrifuges run, of what type, or where.

Sources
-------
* Hecker, S. S., Stanford FSI essay (c. 2017): Pu 20–40 kg, HEU 200–450 kg, 20–25 devices
  (verify.md §4).
* Albright, D., ISIS, end-2016 estimate (reported Aug 2017): Pu 33 kg (median), weapon-grade
  uranium 175–645 kg, 13–30 weapons (verify.md §4).
* Hecker, S. S., "A Return Trip to North Korea's Yongbyon Nuclear Complex", CISAC, Stanford,
  20 Nov 2010, and "What I found in Yongbyon and why it matters", APS News, Mar 2011:
  2,000 centrifuges in two cascade halls at Yongbyon, shown 12 Nov 2010.
* Albright, D. & Brannan, P., "Disabling North Korea's Uranium Enrichment Program", ISIS,
  20 Jan 2011: the machines appear to replicate the Pakistani P2.
* Chosun Ilbo, 21 Sep 2018: the 2010 plant could make up to 40 kg HEU a year; in late 2013
  satellite imagery showed the building doubled in size. ISIS (2013, via al-Shorouk): with
  4,000 centrifuges Yongbyon could make up to 68 kg of enriched (weapon-grade) uranium a year.
* Heinonen, O., 38 North, Jul 2021: the Yongbyon enrichment plant was expanded in 2013–14
  (Hall 2, similar in size to Hall 1).
"""

from __future__ import annotations

from typing import Any

import yaml

from detente.verify.spec import VerificationSpec

__all__ = ["KOREA_2017_VERIFICATION", "korea_2017_spec", "korea_2017_yaml"]

KOREA_2017_VERIFICATION: dict[str, Any] = {
    "sources": [
        "Hecker, Stanford FSI essay (c. 2017): Pu 20-40 kg, HEU 200-450 kg, 20-25 devices",
        "Albright/ISIS end-2016 estimate (reported Aug 2017): Pu 33 kg median, "
        "weapon-grade U 175-645 kg, 13-30 weapons",
        "Hecker, 'A Return Trip to North Korea's Yongbyon Nuclear Complex', CISAC, "
        "20 Nov 2010; APS News, Mar 2011: 2,000 centrifuges at Yongbyon",
        "Albright & Brannan, ISIS, 20 Jan 2011: P2-type centrifuges",
        "Chosun Ilbo, 21 Sep 2018: up to 40 kg HEU/yr from the 2010 plant; building doubled "
        "late 2013; ISIS 2013: 4,000 centrifuges, up to 68 kg/yr",
        "Heinonen, 38 North, Jul 2021: enrichment plant expanded 2013-14 (Hall 2)",
    ],
    "significant_quantity_kg": 25.0,
    "target_assay": 0.9,
    "tails_assay": 0.003,
    "stocks": [],
    "capacity": {
        "machines": 4000,
        "swu_per_machine_year": 3.5,
        "why": (
            "ESTIMATE. 2,000 centrifuges seen by Hecker at Yongbyon in Nov 2010 [R]; the "
            "building doubled in 2013-14 (ISIS, Chosun Ilbo 2018, Heinonen 2021) [R], so about "
            "4,000 P2-type machines in 2017 (estimate; a second, covert site is suspected and "
            "not included). 3.5 SWU per machine-year [C]: 40 kg HEU/yr from 2,000 machines "
            "implies 3.9, and 68 kg/yr from 4,000 implies 3.3 (90 % product, 0.3 % tails, "
            "natural feed)."
        ),
    },
    "freeze": {
        "description": (
            "Production freeze at Yongbyon: enrichment halted, centrifuges stay installed "
            "under seals and monitoring (on the model of the Feb 2012 'Leap Day' moratorium)"
        ),
        "restart_months": 1.0,
        "why": (
            "ILLUSTRATIVE ASSUMPTION: one month to evict monitors, break seals and restart the "
            "cascades; the Leap Day precedent is from memory, not checked."
        ),
    },
    "cap": {
        "description": (
            "Cap: the 2013-14 extension (Hall 2) dismantled under verification; the 2,000 "
            "machines of 2010 may run for LEU under monitoring"
        ),
        "machines": 2000,
        "why": "ILLUSTRATIVE ASSUMPTION: the plant as Hecker saw it in Nov 2010 [R].",
    },
    "inspections": {
        "periods": 12,
        "inspections": 4,
        "caught_cost": 1.0,
        "deterrence_value": 0.1,
        "why": (
            "ILLUSTRATIVE ASSUMPTION: monthly periods, four short-notice inspections a year; "
            "being caught costs as much as an undetected violation gains (Dresher's b = 1)."
        ),
    },
    "accountancy": {
        "sigma_muf_kg": 2.0,
        "false_alarm": 0.05,
        "periods": 12,
        "detection_goal": 0.9,
        "why": (
            "ILLUSTRATIVE ASSUMPTION: sigma_MUF of 2 kg U-235 per monthly balance, no published "
            "figure; alpha = 5 %/yr (MAPIT exercise 4) and 90 % detection (NSSPI) [R]; "
            "1-month balances follow the timeliness goal for unirradiated direct-use "
            "material (from memory)."
        ),
    },
    "holdings": [
        {
            "name": "HEU (Hecker)",
            "material": "HEU",
            "kg_low": 200.0,
            "kg_high": 450.0,
            "assay": 0.9,
            "why": "Hecker, Stanford FSI essay (c. 2017) [R]; 90 % assay assumed.",
        },
        {
            "name": "weapon-grade U (Albright/ISIS)",
            "material": "HEU",
            "kg_low": 175.0,
            "kg_high": 645.0,
            "assay": 0.9,
            "why": "Albright/ISIS end-2016 estimate, reported Aug 2017 [R]; 90 % assumed.",
        },
        {
            "name": "Pu (Hecker)",
            "material": "Pu",
            "kg_low": 20.0,
            "kg_high": 40.0,
            "why": "Hecker, Stanford FSI essay (c. 2017) [R].",
        },
        {
            "name": "Pu (Albright/ISIS median)",
            "material": "Pu",
            "kg_low": 33.0,
            "kg_high": 33.0,
            "why": "Albright/ISIS end-2016 median [R].",
        },
    ],
}


def korea_2017_spec() -> VerificationSpec:
    """Return :data:`KOREA_2017_VERIFICATION` validated as a :class:`VerificationSpec`.

    Sources: see the module docstring (Hecker 2010 and c. 2017; Albright/ISIS 2011 and 2017;
    verify.md §4).

    Returns
    -------
    VerificationSpec
        The validated defaults.
    """
    return VerificationSpec.model_validate(KOREA_2017_VERIFICATION)


def korea_2017_yaml() -> str:
    """Return the defaults as a YAML ``verification:`` section for a scenario file.

    Sources: as :func:`korea_2017_spec`.

    Returns
    -------
    str
        YAML text whose top-level key is ``verification``.
    """
    return yaml.safe_dump(
        {"verification": KOREA_2017_VERIFICATION}, sort_keys=False, allow_unicode=True
    )
