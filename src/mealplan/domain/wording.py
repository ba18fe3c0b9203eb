"""Fixed sentences a person reads in plans, diagnoses, reports and the CLI, written once.

Food first: nothing here recommends supplements; where food cannot meet a need, the words point
to a doctor and a blood test.
"""

from __future__ import annotations

#: The medical note every plan, diagnosis, report and CLI page carries.
MEDICAL_NOTE = (
    "Food-first guidance, not medical advice. Persistent muscle cramps or spasms call for a "
    "doctor and blood tests (magnesium, potassium, calcium, vitamin D, B12, kidney and thyroid "
    "function)."
)
#: The one sentence about supplements, a warning: only pages a person reads whole carry it
#: (the report, the CLI's help); plans and diagnoses never mention supplements.
SUPPLEMENT_WARNING = "Do not take supplements without a diagnosed deficiency and a doctor's advice."
#: The medical note of the report and the printed plan.
REPORT_MEDICAL_NOTE = f"{MEDICAL_NOTE} {SUPPLEMENT_WARNING}"

#: A minimum a plan misses (``Preferences(shortfalls="declare")``), in plain words.
SHORTFALL_NOTE = (
    "Short of a target: {nutrient} is {amount} {when}, {percent} % of the {minimum} minimum; "
    "{why}. If cramps or spasms persist, ask a doctor about a blood test."
)
#: In a diagnosis of a meal plan: the way to a plan anyway, with every shortfall stated.
SHORTFALL_OPTION_NOTE = (
    'Preferences(shortfalls="declare") (the command line\'s --shortfalls declare) plans the menu '
    "that comes closest and states each target it misses."
)
#: Why a stated shortfall remains: the solve proved it, or stopped at its limit.
SHORTFALL_PROVEN = "no menu of the candidate meals within the plan's rules reaches it"
SHORTFALL_AT_LIMIT = (
    "this is the best menu found within the solver's work or time limit; a higher work_limit "
    "or time_limit may find one that reaches it"
)
#: Why a food group stays outside its band, the same two ways.
GROUP_BAND_PROVEN = (
    "Among the planner's candidate meals, no menu that keeps it inside scores better on the "
    "nutrient targets and meal rules, which come first."
)
GROUP_BAND_AT_LIMIT = (
    "This is the best menu found within the solver's work or time limit; one that keeps it "
    "inside may exist, and a higher work_limit or time_limit may find it."
)

#: How vitamin B12 is counted, in every plan that has a B12 target.
B12_COUNTING_NOTE = (
    "Vitamin B12 counts only from animal foods and fortified foods; plant foods, algae, "
    "tempeh and mushrooms are not a reliable source and count as 0."
)

#: Added to a diagnosis that finds vitamin B12 short.
B12_SHORT_NOTE = (
    "Vitamin B12: only animal foods and fortified foods are reliable sources; plant foods, "
    "algae, tempeh and mushrooms carry little or an inactive form. Low B12 can cause numbness, "
    "tingling and fatigue; ask a doctor about a B12 blood test."
)

#: Added to a diagnosis that finds vitamin D short.
VITAMIN_D_SHORT_NOTE = (
    "Vitamin D: sunlight on the skin makes vitamin D, and few foods carry much of it (fatty "
    "fish, fortified milks and cereals, UV-exposed mushrooms). If intake stays low, ask a "
    "doctor, who can check your level with a blood test."
)

#: In every plan with a water target.
WATER_NOTE = (
    "Water: the plan adds plain drinking water to the water in its foods and drinks to reach "
    "the daily total-water intake; needs rise with heat, exercise and illness, and dehydration "
    "is one cause of muscle cramps."
)
