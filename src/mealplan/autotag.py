"""Automatic meal tags for any SR Legacy or Foundation food, from its category and description.

The curated ``data/food_tags.csv`` covers a few hundred foods by hand. This module guesses the
same kind of tags (meals, role, diets, allergens, fortification) for the other thousands so the
planner can at least filter and impute them. Everything is driven by data tables below: an FDC
category table, keyword tables of ingredients ("traits") that the description names or implies,
and ordered role and meal tables. FDC descriptions are comma-separated with the most general
word first ("Fish, salmon, Atlantic, farmed, cooked, dry heat"), so the role is read from the
first segments only, while ingredients are looked for anywhere.

The rules lean towards safety where a guess is needed: an allergen or animal ingredient that a
kind of food usually carries (egg and milk in waffles, wheat in bread) is presumed present, and
``zero_b12_and_vitamin_d_is_fact`` is only set for plain, unfortified plant foods.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from mealplan.domain.vocabulary import ALLERGENS, DIET_FLAGS, MEALS, ROLES
from mealplan.domain.vocabulary import DIETS as _DIETS

__all__ = [
    "ALLERGENS",
    "DIETS",
    "FDC_CATEGORIES",
    "MEALS",
    "ROLES",
    "AutoTags",
    "auto_tags",
]

#: Diets and diet flags in one list: the tagger gives a food every one that it fits.
DIETS: tuple[str, ...] = (*_DIETS, *DIET_FLAGS)

#: Every name in FDC's ``food_category.csv``; SR Legacy and Foundation foods use the first 25.
FDC_CATEGORIES: tuple[str, ...] = (
    "Dairy and Egg Products",
    "Spices and Herbs",
    "Baby Foods",
    "Fats and Oils",
    "Poultry Products",
    "Soups, Sauces, and Gravies",
    "Sausages and Luncheon Meats",
    "Breakfast Cereals",
    "Fruits and Fruit Juices",
    "Pork Products",
    "Vegetables and Vegetable Products",
    "Nut and Seed Products",
    "Beef Products",
    "Beverages",
    "Finfish and Shellfish Products",
    "Legumes and Legume Products",
    "Lamb, Veal, and Game Products",
    "Baked Products",
    "Sweets",
    "Cereal Grains and Pasta",
    "Fast Foods",
    "Meals, Entrees, and Side Dishes",
    "Snacks",
    "American Indian/Alaska Native Foods",
    "Restaurant Foods",
    "Branded Food Products Database",
    "Quality Control Materials",
    "Alcoholic Beverages",
)


@dataclass(frozen=True)
class AutoTags:
    """Tags guessed for one FDC food; the vocabularies match ``data/food_tags.csv``."""

    meals: tuple[str, ...]
    role: str
    diets: tuple[str, ...]
    allergens: tuple[str, ...]
    fortified: bool
    menu_item: bool
    zero_b12_and_vitamin_d_is_fact: bool


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Category:
    """What an FDC category says about its foods before the description is read."""

    role: str
    #: The role comes from the category alone (every baked product is a grain).
    role_fixed: bool = False
    #: Mixed dishes: a named meat or fish makes the food a protein whatever else it is.
    mixed: bool = False
    #: Foods of this category can be offered on a menu (subject to the keyword vetoes).
    menu_item: bool = True
    #: Plain plant foods: B12 and vitamin D are truly absent unless fortified.
    plant: bool = False
    #: Meals used when neither the role nor a keyword decides.
    meals: tuple[str, ...] = ()


_MEAT_CATEGORY = _Category("protein", role_fixed=True)

_CATEGORIES = MappingProxyType(
    {
        "Dairy and Egg Products": _Category("dairy"),
        "Spices and Herbs": _Category("vegetable", role_fixed=True, menu_item=False),
        "Baby Foods": _Category("grain", mixed=True, menu_item=False),
        "Fats and Oils": _Category("fat", role_fixed=True),
        "Poultry Products": _MEAT_CATEGORY,
        "Soups, Sauces, and Gravies": _Category("vegetable", mixed=True),
        "Sausages and Luncheon Meats": _MEAT_CATEGORY,
        "Breakfast Cereals": _Category("grain", role_fixed=True, meals=("breakfast",)),
        "Fruits and Fruit Juices": _Category("fruit", plant=True),
        "Pork Products": _MEAT_CATEGORY,
        "Vegetables and Vegetable Products": _Category("vegetable", plant=True),
        "Nut and Seed Products": _Category("fat", plant=True),
        "Beef Products": _MEAT_CATEGORY,
        "Beverages": _Category("drink"),
        "Finfish and Shellfish Products": _Category("protein", role_fixed=True),
        "Legumes and Legume Products": _Category("protein", plant=True),
        "Lamb, Veal, and Game Products": _MEAT_CATEGORY,
        "Baked Products": _Category("grain", role_fixed=True),
        "Sweets": _Category("grain", meals=("snack",)),
        "Cereal Grains and Pasta": _Category("grain", role_fixed=True, plant=True),
        "Fast Foods": _Category("grain", mixed=True, menu_item=False),
        "Meals, Entrees, and Side Dishes": _Category("grain", mixed=True),
        "Snacks": _Category("grain", meals=("snack",)),
        "American Indian/Alaska Native Foods": _Category("vegetable", mixed=True, menu_item=False),
        "Restaurant Foods": _Category("grain", mixed=True, menu_item=False),
        "Branded Food Products Database": _Category("grain", mixed=True, menu_item=False),
        "Quality Control Materials": _Category("grain", mixed=True, menu_item=False),
        "Alcoholic Beverages": _Category("drink", role_fixed=True, menu_item=False),
    }
)

#: Used when the category is unknown: read everything from the description.
_UNKNOWN_CATEGORY = _Category("grain", mixed=True)

_MEAT_CATEGORIES = frozenset(
    {
        "Poultry Products",
        "Sausages and Luncheon Meats",
        "Pork Products",
        "Beef Products",
        "Lamb, Veal, and Game Products",
    }
)
_FISH_CATEGORY = "Finfish and Shellfish Products"


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive pattern; descriptions mix upper-case brands and prose."""
    return re.compile(pattern, re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Ingredient traits named or implied by the description
# --------------------------------------------------------------------------------------------

# Traits: milk, egg, fish, crustacean, mollusc, meat, gelatin, honey, animal_vitamin_d,
# tree_nuts, peanuts, wheat, gluten (barley, rye, oats, malt, or a usual gluten filler), soy,
# sesame.
_FLESH = frozenset({"meat", "gelatin"})
_SEAFOOD = frozenset({"fish", "crustacean", "mollusc"})
_NOT_VEGAN = frozenset({"milk", "egg", "honey", "animal_vitamin_d"})
_ANIMAL = _FLESH | _SEAFOOD | _NOT_VEGAN
_TRAIT_ALLERGEN = MappingProxyType(
    {
        "milk": "milk",
        "egg": "egg",
        "fish": "fish",
        "crustacean": "crustacean_shellfish",
        "tree_nuts": "tree_nuts",
        "peanuts": "peanuts",
        "wheat": "wheat",
        "soy": "soy",
        "sesame": "sesame",
    }
)


@dataclass(frozen=True)
class _Keyword:
    """A trait found by a pattern, ignoring the text that ``unless`` matches."""

    trait: str
    pattern: re.Pattern[str]
    #: Look-alike phrases blanked out before searching (``peanut butter`` is not butter).
    unless: re.Pattern[str] | None = None
    #: A phrase anywhere in the description that cancels this keyword (``meatless``).
    veto: re.Pattern[str] | None = None


#: Game rarely eaten outside hunting communities, named at the start of a segment only
#: ("Game meat, bear", "Seal, bearded"), so a brand such as "SLIM-A-BEAR" does not count.
_GAME_ANIMAL = (
    r"(?:^|,\s*)(?:game meat\s*,\s*)?(?:antelope|bear|beaver|caribou|horse|moose|muskrat"
    r"|opossum|raccoon|squirrel|seal|sea lion|walrus|whale)\b"
)
_GLUTEN_FREE = _rx(r"\bgluten-?\s?free\b")
_PLANT_ANALOGUE = _rx(r"\b(?:meatless|vegetarian|veggie|vegan|imitation|meat substitute)\b")

_NUT_WORDS = (
    r"almonds?|cashews?|walnuts?|pecans?|pistachios?|hazelnuts?|filberts?|macadamias?"
    r"|brazil ?nuts?|pine ?nuts?|pinyon|chestnuts?|beechnuts?|hickory ?nuts?|mixed nuts"
    r"|pralines?|marzipan"
)
# Grains, seeds and roots that make a flour that is not wheat flour.
_NON_WHEAT_FLOUR = (
    r"rice|corn|maize|masa|soy|potato|peanut|sesame|almond|coconut|chickpea|garbanzo|besan"
    r"|buckwheat|rye|barley|oat|sorghum|millet|amaranth|quinoa|teff|tapioca|cassava|arrowroot"
    r"|carob|mesquite|acorn|sunflower|cottonseed|lupin|pea|bean|fava|chestnut|taro|plantain"
    r"|banana|nut|malt"
)

#: Cakes and muffins that are not sweet baked goods made with milk, egg and wheat.
_SAVOURY_CAKES = r"\b(?:rice|fish|crab|corn|potato|oat|soy|tofu|bean|salmon|codfish|shrimp) ?cakes?"
_ENGLISH_MUFFIN = r"\benglish muffins?|\bmuffins?, english\b"

_KEYWORDS: tuple[_Keyword, ...] = (
    # Milk. Plant "milks", nut and seed "butters", cream of wheat and the like are not milk.
    _Keyword(
        "milk",
        _rx(
            r"\b(?:milks?|milkfat|buttermilk|milkshakes?|chees\w*|butter|butterfat|cream|creams"
            r"|creamed|creamer|yogurts?|yoghurt|kefir|whey|casein\w*|lactose|ghee"
            r"|custards?|puddings?|eggnog|fudge|caramels?|toffee|butterscotch|alfredo|au gratin"
            r"|quesadillas?|pizzas?|lasagnas?|lasagne|naan|waffles?|pancakes?|french toast"
            r"|croissants?"
            r"|brioche|biscuits?|doughnuts?|donuts?|danish|eclairs?|cream puffs?|cakes?"
            r"|cheesecakes?|cupcakes?|cookies?|brownies?|muffins?|milk chocolate|white chocolate"
            r"|dulce de leche|curds?|paneer|omelets?|omelettes?|scrambled)\b"
        ),
        unless=_rx(
            r"\b(?:soy|tofu|almond|rice|oat|coconut|cashew|hemp|pea|flax|nut)\s?(?:milk|cream|yogurt)s?"
            r"|\b(?:peanut|nut|almond|cashew|seed|sesame|soy|apple|cocoa|shea|pumpkin|sunflower"
            r"|macadamia|hazelnut|pecan|walnut|pistachio)\s+butter|butter\s?(?:beans?|nut|bur)"
            r"|cream (?:of (?:wheat|rice|tartar)|style|soda)|\bnon-?dairy\b[^,]*|liver cheese"
            rf"|{_SAVOURY_CAKES}|{_ENGLISH_MUFFIN}|\bsoy curds?|\bbean curds?|\bdairy-free\b"
            r"|\bcookies?\b[^,]*\b(?:vegan|dairy-free)\b"
        ),
    ),
    # Egg. Eggplant is a vegetable; baked goods and egg dishes carry egg.
    _Keyword(
        "egg",
        _rx(
            r"\b(?:eggs?|egg whites?|egg yolks?|eggnog|mayonnaise|mayo|aioli|meringues?"
            r"|custards?|flan|quiche|souffles?|omelets?|omelettes?|scrambled|frittata"
            r"|hollandaise|caesar|waffles?|pancakes?|french toast|crepes?|brioche|challah"
            r"|cakes?|cupcakes?|cheesecakes?|muffins?|doughnuts?|donuts?|eclairs?|cream puffs?"
            r"|popovers?|cookies?|brownies?|egg rolls?|tempura)\b"
        ),
        unless=_rx(
            rf"\beggless\b|{_ENGLISH_MUFFIN}|{_SAVOURY_CAKES}|\bwithout egg\b|\begg[- ]free\b"
            r"|\bimitation mayonnaise\b|\b(?:herring|salmon|fish|trout|cod|sea urchin) eggs?\b"
        ),
    ),
    # Finfish, including fish named by kind and fish-based sauces.
    _Keyword(
        "fish",
        _rx(
            r"\b(?:\w*fish(?:es)?|fish\w*|salmon|tuna|cod|anchov(?:y|ies)|sardines?|herring"
            r"|mackerel|trout|tilapia|halibut|haddock|pollock|flounder|sole|roe|caviar|snapper"
            r"|grouper|bass|perch|pike|carp|whiting|smelt|eel|shark|mullet|pompano|sturgeon"
            r"|surimi|bonito|lox|worcestershire|caesar|orange roughy|mahimahi|wahoo|bluefish"
            r"|croaker|burbot|cusk|lingcod|sheepshead|kipper\w*)\b"
        ),
        unless=_rx(
            r"\b(?:shell|cray|craw|cuttle|jelly|star)fish\b|\bspotted\b|\bfishless\b"
            r"|\bgoldfish\b|\bswedish fish\b"
        ),
    ),
    _Keyword(
        "crustacean",
        _rx(
            r"\b(?:crustaceans?|shrimps?|crabs?|crabmeat|lobsters?|crayfish|crawfish|prawns?"
            r"|langoustines?|krill|scampi)\b"
        ),
        unless=_rx(r"\bimitation\b[^,]*|\bsurimi\b"),
    ),
    _Keyword(
        "mollusc",
        _rx(
            r"\b(?:mollusks?|molluscs?|clams?|oysters?|mussels?|scallops?|squid|calamari"
            r"|octopus|abalone|conch|whelks?|cuttlefish|snails?|escargots?)\b"
        ),
        unless=_rx(
            r"\boysters?,? (?:soda|crackers?)|\bmushrooms?\b.*|\boyster mushrooms?|vegetable oyster"
            r"|\bscalloped\b"
        ),
    ),
    # Meat and poultry, game and offal. Meat analogues are vetoed as a whole.
    _Keyword(
        "meat",
        _rx(
            r"\b(?:meats?|beef|beefalo|pork|chicken|turkey|lamb|mutton|veal|ham|hams|bacon"
            r"|sausages?|salami|pepperoni|bologna|frankfurters?|franks?|hot ?dogs?|wieners?"
            r"|jerky|pastrami|prosciutto|chorizo|kielbasa|bratwurst|knackwurst|knockwurst"
            r"|liverwurst|braunschweiger|beerwurst|bockwurst|headcheese|meatballs?|meatloaf"
            r"|hamburgers?|cheeseburgers?|lard|tallow|suet|venison|bison|buffalo|elk|deer"
            r"|rabbit|duck|goose|quail|pheasant|squab|emu|ostrich|guinea hen|boar|goat"
            r"|turtle|frog|alligator|liver|livers|giblets|gizzards?|tripe|tongue|oxtail"
            r"|chitterlings|gravy|au jus|bouillon|broth|consomme|stock|drippings|carne|spam"
            r"|poultry|chili con carne|chili with beans)\b"
            rf"|{_GAME_ANIMAL}"
        ),
        unless=_rx(
            r"\b(?:coconut|nut|crab|lobster|clam|mock|imitation|soy|vegetable|vegetarian|meatless"
            r"|mushroom|fish|shrimp|seafood|cod|clam|plant) (?:meat|broth|stock|gravy|bouillon)s?"
            r"|(?:cheese|milk|yogurt|butter|kefir)s?,? goat|goat(?:'s)? (?:cheese|milk)"
            r"|\bchicken[- ]of[- ]the[- ]woods\b|\bmeat extender\b|\bliver oil\b|\bblack turtle\b"
            r"|\bgravy,? (?:mushroom|vegetarian|meatless)|\b(?:grated|kernel) meat\b"
            r"|\b(?:without|no) meat\b|\bpoultry seasoning\b"
        ),
        veto=_PLANT_ANALOGUE,
    ),
    _Keyword("gelatin", _rx(r"\b(?:gelatins?|gelatine|marshmallows?|aspic|rennin|rennet)\b")),
    _Keyword("honey", _rx(r"\bhoney\b"), unless=_rx(r"\bhoney ?dew\b|\bhoney-combed\b")),
    _Keyword(
        "tree_nuts",
        _rx(rf"\b(?:{_NUT_WORDS})\b"),
        unless=_rx(r"\bwater ?chestnuts?\b|\bchestnuts?, chinese water\b|\bwithout nuts\b"),
    ),
    _Keyword(
        "peanuts",
        _rx(r"\b(?:peanuts?|groundnuts?)\b"),
        # Highly refined peanut oil is exempt from allergen labelling.
        unless=_rx(r"^oils?\b.*|\bpeanut oil\b|\bwithout peanuts\b"),
    ),
    # Wheat: the word itself (not buckwheat) and the foods made from it. Rice noodles, corn
    # tortillas and other flours are not wheat.
    _Keyword(
        "wheat",
        _rx(
            r"(?<!buck)wheat|\b(?:breads?|breaded|breading|breadcrumbs?|croutons?|stuffing"
            r"|pasta|spaghetti|macaroni|noodles?|lasagna|lasagne|ravioli|tortellini|gnocchi|dumplings?"
            r"|wontons?|couscous|bulgur|semolina|farina|durum|spelt|kamut|khorasan|einkorn|farro"
            r"|triticale|seitan|gluten|flours?|crackers?|bagels?|muffins?|pancakes?|waffles?"
            r"|french toast|crepes?|tortillas?|pretzels?|biscuits?|rolls?|buns?|pita|naan"
            r"|chapati|roti|focaccia|matzo|matzoh|croissants?|brioche|challah|doughnuts?|donuts?"
            r"|danish|pastry|pastries|eclairs?|cream puffs?|strudel|turnovers?|phyllo|cakes?"
            r"|cupcakes?|cheesecakes?|cookies?|brownies?|pies?|cobbler|graham|pizzas?|bran"
            r"|batter|battered|dough|wafers?|shoyu|hamburgers?|cheeseburgers?|sandwich\w*"
            r"|burritos?|enchiladas?|quesadillas?|cereal bars?|breakfast bars?|granola bars?"
            r"|toaster pastr\w*|egg rolls?|tempura)\b"
        ),
        unless=_rx(
            rf"\b(?:{_NON_WHEAT_FLOUR})\w*,?(?: [\w-]+,?){{0,2}} flours?\b"
            rf"|\bflours?,? (?:{_NON_WHEAT_FLOUR})\b|\bwheat[- ]free\b"
            r"|\bbreadfruit\b|\brice (?:noodles?|crackers?|cakes?|paper|vermicelli)\b"
            r"|\bnoodles?, (?:rice|cellophane|chinese, cellophane)\b|\bcellophane\b|\blong rice\b"
            r"|\bcorn (?:tortillas?|tostadas?)\b|\b(?:tortillas?|tostadas?)\b[^()]*\bcorn\b"
            r"|\btortilla chips\b"
            r"|\b(?:oat|rice|corn|sorghum) bran\b|\bbran,? (?:oat|rice|corn|sorghum)\b"
            r"|\b(?:fruit|cabbage|spring|sushi) rolls?\b|\brolls?,? (?:fruit|cabbage)\b"
            rf"|{_SAVOURY_CAKES}|\bpie fillings?\b|\bpumpkin pie spice\b"
            r"|\bsquash\b[^()]*\bspaghetti\b|\bspaghetti squash\b|\bfruit leather, rolls?\b"
            r"|\b(?:pasta|spaghetti)(?:/\w+)? sauce\b|\bsauce, (?:pasta|spaghetti)\b"
            r"|\bspaghetti/marinara\b"
        ),
        veto=_GLUTEN_FREE,
    ),
    # Gluten grains other than wheat, and foods that usually carry a gluten filler.
    _Keyword(
        "gluten",
        _rx(
            r"\b(?:barley|rye|oats?|oatmeal|oat bran|malt|malted|beer|lager|brewer'?s|granola"
            r"|muesli|pumpernickel|sausages?|frankfurters?|franks?|hot ?dogs?|bologna|meatballs?"
            r"|meatloaf|bratwurst|kielbasa|knackwurst|knockwurst|gravy|imitation crab|surimi)\b"
        ),
        unless=_rx(r"\broot beer\b"),
        veto=_GLUTEN_FREE,
    ),
    _Keyword(
        "soy",
        _rx(
            r"\b(?:soy\w*|soya|tofu|tempeh|edamame|miso|natto|okara|yuba|shoyu|tamari"
            r"|meat extender|textured vegetable protein)\b"
        ),
        # Highly refined soybean oil is exempt from allergen labelling.
        unless=_rx(r"^oils?\b.*|\bsoybean oil\b|\bnon-?soy\b"),
    ),
    _Keyword("sesame", _rx(r"\b(?:sesame|tahini|hummus|halvah|halavah|halva|benne)\b")),
)


@dataclass(frozen=True)
class _Presumption:
    """A trait the category makes likely even when the description does not name it."""

    categories: frozenset[str]
    trait: str
    #: Only when the description matches this.
    when: re.Pattern[str] | None = None
    #: Not when the description matches this.
    unless: re.Pattern[str] | None = None
    #: Not when any of these traits was already found.
    unless_traits: frozenset[str] = frozenset()


_READY_TO_EAT = _rx(r"\bready-to-eat\b")

_PRESUMPTIONS: tuple[_Presumption, ...] = (
    _Presumption(_MEAT_CATEGORIES, "meat", unless=_PLANT_ANALOGUE),
    _Presumption(
        frozenset({_FISH_CATEGORY}),
        "fish",
        unless_traits=frozenset({"fish", "crustacean", "mollusc", "meat"}),
    ),
    _Presumption(
        frozenset({"Dairy and Egg Products"}),
        "milk",
        unless=_rx(r"\bnon-?dairy\b|\bsubstitute\b|\bimitation\b"),
        unless_traits=frozenset({"milk", "egg"}),
    ),
    # Baked goods are made with wheat flour unless the description says otherwise.
    _Presumption(
        frozenset({"Baked Products"}),
        "wheat",
        unless=_rx(
            r"\b(?:corn (?:tortillas?|tostadas?)|taco shells?)\b"
            r"|\b(?:tortillas?|tostadas?)\b[^()]*\bcorn\b|\bgluten-?\s?free\b|\brice cakes?\b"
        ),
    ),
    # Ready-to-eat cereals: most are wheat-based or carry wheat; all may carry malt flavouring.
    _Presumption(
        frozenset({"Breakfast Cereals"}),
        "wheat",
        when=_READY_TO_EAT,
        unless=_rx(r"\b(?:corn|rice|millet|gluten-?\s?free)\b"),
    ),
    _Presumption(frozenset({"Breakfast Cereals"}), "gluten", when=_READY_TO_EAT),
    # Infant formulas are based on cow's milk unless the description says soy or amino acids.
    _Presumption(
        frozenset({"Baby Foods"}),
        "milk",
        when=_rx(r"\bformula\b"),
        unless=_rx(r"\bsoy\b|amino"),
    ),
    # Chocolate confectionery is nearly always made with milk (milk chocolate, milk fat).
    _Presumption(
        frozenset({"Sweets", "Snacks"}),
        "milk",
        when=_rx(r"\bchocolate\b|^candies, .*\b(?:bars?|bites|cups)\b"),
        unless=_rx(r"\b(?:carob|syrups?|cocoa, dry|baking chocolate|chocolate, baking)\b"),
    ),
    # Shelled nuts are tree nuts unless named as coconut, peanut or a wheat-based imitation.
    _Presumption(
        frozenset({"Nut and Seed Products"}),
        "tree_nuts",
        when=_rx(r"^\s*nuts\b"),
        unless=_rx(r"\bcoconut|\bformulated\b|\bginkgo\b|^\s*nuts, peanuts?\b"),
    ),
)

#: "(includes onion, poppy, sesame)" lists sibling products the entry also covers, not
#: ingredients of the plain food.
_INCLUDES_NOTE = _rx(r"\((?:includes?|include)\b[^)]*\)")


def _mask(text: str, pattern: re.Pattern[str] | None) -> str:
    """Blank out the look-alike phrases so the keyword search cannot see them."""
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _traits(category: str | None, text: str, fortified: bool) -> frozenset[str]:
    """Ingredient traits named in the description or presumed from the category."""
    found: set[str] = set()
    for keyword in _KEYWORDS:
        if keyword.veto is not None and keyword.veto.search(text):
            continue
        if keyword.pattern.search(_mask(text, keyword.unless)):
            found.add(keyword.trait)
    for presumption in _PRESUMPTIONS:
        if category not in presumption.categories:
            continue
        if presumption.when is not None and not presumption.when.search(text):
            continue
        if presumption.unless is not None and presumption.unless.search(text):
            continue
        if found & presumption.unless_traits:
            continue
        found.add(presumption.trait)
    # Vitamin D added to ready-to-eat cereals is usually D3 from lanolin: not vegan.
    if category == "Breakfast Cereals" and fortified and _READY_TO_EAT.search(text):
        found.add("animal_vitamin_d")
    return frozenset(found)


# --------------------------------------------------------------------------------------------
# Fortification
# --------------------------------------------------------------------------------------------

#: Nutrients whose addition makes a food "fortified" here: the ones the planner targets.
_TARGET_NUTRIENT = _rx(r"\b(?:calcium|vitamins?\s+d[23]?|d[23]?|b-?12|vitamin b-?12)\b")
_NEGATED_ADDITION = _rx(r"\b(?:without|no|not)\s+(?:added\s+)?[^,(]*")
_FORTIFIED_WORD = _rx(r"(?<!protein-)(?<!protein )\bfortified\b(?P<rest>[^(]*)")
_ADDED = _rx(r"\badded\b(?P<rest>.*)")
_WITH_CALCIUM = _rx(
    r"\bwith (?:[\w-]+ )?calcium\b(?!\s+(?:sulfate|propionate|chloride|carbonate|lactate))"
)
_PLANT_MILK = _rx(
    r"\b(?:soymilk|soy milk|almond milk|rice milk|oat milk|coconut milk|cashew milk|hemp milk"
    r"|pea milk|soy yogurt)\b"
)
_PLANT_MILK_CATEGORIES = frozenset({"Beverages", "Legumes and Legume Products"})
#: Ready-to-eat cereals that are sold without added vitamins.
_UNFORTIFIED_CEREAL = _rx(
    r"\b(?:shredded wheat|wheat germ|granola|muesli|organic|homemade|puffed)\b"
)
_UNFORTIFIED = _rx(r"\bunfortified\b|\bnot fortified\b")


def _fortified(category: str | None, text: str, subject: str) -> bool:
    """Added vitamin D, vitamin B12 or calcium, stated or usual for the kind of food.

    "Enriched" is not enough: US enrichment adds B vitamins and iron, none of the target
    nutrients, which matches how the curated table uses the flag.
    """
    if _UNFORTIFIED.search(text):
        return False
    plain = _mask(text, _NEGATED_ADDITION)
    for match in _FORTIFIED_WORD.finditer(plain):
        rest = match.group("rest")
        # "fortified with vitamin C" or "fortified only with iron" names other nutrients.
        if not re.match(r"\s*(?:only\s+)?with\b", rest) or _TARGET_NUTRIENT.search(rest):
            return True
    added = _ADDED.search(plain)
    if added and _TARGET_NUTRIENT.search(added.group("rest")):
        return True
    if _WITH_CALCIUM.search(plain):
        return True
    if category in _PLANT_MILK_CATEGORIES and _PLANT_MILK.search(subject):
        return True
    return (
        category == "Breakfast Cereals"
        and _READY_TO_EAT.search(text) is not None
        and not _UNFORTIFIED_CEREAL.search(text)
    )


# --------------------------------------------------------------------------------------------
# Role and meals
# --------------------------------------------------------------------------------------------

#: Leading segments that name a group rather than the food ("Beverages, coffee, brewed").
_GENERIC_HEAD = _rx(
    r"beverages?|snacks?|cereals?(?: ready-to-eat)?|ready-to-eat|babyfood|baby food|fast foods?"
    r"|restaurant|nuts|seeds|candies|alcoholic beverages?|formulated bar|chinese|italian"
    r"|mexican|latino|family style|japanese"
)


def _is_brand(segment: str) -> bool:
    """An all-capitals segment ("POST", "MORI-NU") is a brand, not the kind of food."""
    return segment.isupper()


def _subject(text: str) -> str:
    """The first two specific comma segments of the description, lower-cased."""
    segments = [segment.strip() for segment in text.split(",") if segment.strip()]
    while len(segments) > 1 and (_GENERIC_HEAD.fullmatch(segments[0]) or _is_brand(segments[0])):
        segments = segments[1:]
    return ", ".join(segments[:2]).lower()


@dataclass(frozen=True)
class _RoleRule:
    """A role for foods whose subject matches, optionally limited by category."""

    pattern: re.Pattern[str]
    role: str
    #: Only in these categories (``None``: any).
    only: frozenset[str] | None = None
    #: Never in these categories (jellybeans are not beans).
    skip: frozenset[str] = frozenset()


_NOT_FOOD_GROUPS = frozenset({"Sweets", "Spices and Herbs"})

# Ordered: the first rule that matches the subject wins.
_ROLE_RULES: tuple[_RoleRule, ...] = (
    _RoleRule(
        _rx(
            r"\b(?:beans?, (?:snap|green|yellow|italian)|snap beans?|green beans?|wax beans?"
            r"|string beans?|immature seeds?|sprouted|sprouts|leaves|leafs|shoots|greens|tips"
            r"|stems?|flowers?|pods?)\b"
        ),
        "vegetable",
        only=frozenset({"Vegetables and Vegetable Products"}),
    ),
    _RoleRule(_rx(r"\bcoconut (?:milk|cream)\b"), "fat", only=frozenset({"Nut and Seed Products"})),
    _RoleRule(_rx(r"\bwater ?chestnuts?\b|^(?:sauces?|salsa|ketchup|catsup)\b"), "vegetable"),
    _RoleRule(
        _rx(
            r"\b(?:juices?|coffee|tea|teas|water|nectars?|drinks?|lemonade|limeade|sodas?|cola"
            r"|carbonated|smoothies?|beverages?|beer|wine|liqueur|alcoholic|distilled|punch"
            r"|espresso|cappuccino|latte|kombucha)\b"
        ),
        "drink",
        skip=_NOT_FOOD_GROUPS,
    ),
    _RoleRule(
        _rx(
            r"\b(?:milks?|soymilk|buttermilk|yogurts?|yoghurt|kefir|cheese|cheeses|cottage"
            r"|ricotta|ice creams?|frozen yogurts?|formula|whey|custards?|puddings?|eggnog)\b"
        ),
        "dairy",
    ),
    _RoleRule(_rx(r"^eggs?(?:,|$)|^egg (?:whites?|yolks?|substitute)"), "protein"),
    _RoleRule(
        _rx(
            r"\b(?:beans?|\w+beans|lentils?|chickpeas?|garbanzo|tofu|tempeh|edamame|hummus"
            r"|falafel|seitan|split peas?|peas, split|cowpeas|pigeon peas|natto|lupins?"
            r"|meat extender|meatless|veggie)\b"
        ),
        "protein",
        skip=_NOT_FOOD_GROUPS | {"Beverages"},
    ),
    _RoleRule(
        _rx(
            r"\b(?:butter|margarine\w*|oils?|shortening|lard|tallow|suet|ghee|cream|creams"
            r"|mayonnaise|dressing|fat|nuts?|seeds?|peanuts?|almonds?|cashews?|walnuts?|pecans?"
            r"|pistachios?|hazelnuts?|filberts?|macadamias?|brazilnuts?|pine nuts|tahini"
            r"|trail mix)\b"
        ),
        "fat",
        skip=_NOT_FOOD_GROUPS,
    ),
    _RoleRule(
        _rx(
            r"\b(?:potato(?:es)?|sweet potato(?:es)?|yams?|plantains?|cassava|taro|breadfruit"
            r"|hominy|rice|pasta|noodles|bread|bagels?|tortillas?|crackers?|cereals?|oats"
            r"|oatmeal|granola|popcorn|pretzels?|couscous|quinoa|barley|bulgur|millet|grits"
            r"|polenta|muffins?|waffles?|pancakes?|biscuits?|pita|naan|french fries|fries"
            r"|chips|flour)\b"
        ),
        "grain",
    ),
    _RoleRule(_rx(r"\b(?:avocados?|fruits?|berries|apples?|bananas?|raisins?)\b"), "fruit"),
    _RoleRule(_rx(r"\bvegetables?\b"), "vegetable"),
    _RoleRule(
        _rx(r"\b(?:jerky|meat sticks?|sausages?|bacon|ham|chicken|beef|pork|turkey)\b"),
        "protein",
        only=frozenset({"Snacks"}),
    ),
)


def _role(cat: _Category, category: str | None, subject: str, traits: frozenset[str]) -> str:
    """Role from the category, unless the subject names something more specific."""
    if cat.role_fixed:
        return cat.role
    if cat.mixed and traits & ({"meat"} | _SEAFOOD):
        return "protein"
    for rule in _ROLE_RULES:
        if rule.only is not None and category not in rule.only:
            continue
        if category in rule.skip:
            continue
        if rule.pattern.search(subject):
            return rule.role
    return cat.role


_ROLE_MEALS = MappingProxyType(
    {
        "protein": ("lunch", "dinner"),
        "vegetable": ("lunch", "dinner"),
        "grain": ("lunch", "dinner"),
        "fruit": ("breakfast", "lunch", "snack"),
        "dairy": ("breakfast", "lunch", "snack"),
        "drink": ("breakfast", "lunch", "dinner", "snack"),
        "fat": ("lunch", "dinner"),
    }
)

_ANY_ROLE = frozenset(ROLES)


@dataclass(frozen=True)
class _MealRule:
    """Meals for foods of the given roles whose subject matches."""

    pattern: re.Pattern[str]
    meals: tuple[str, ...]
    roles: frozenset[str] = _ANY_ROLE


# Ordered: the first rule that matches wins (after the category's own meals).
_MEAL_RULES: tuple[_MealRule, ...] = (
    _MealRule(_rx(r"^eggs?(?:,|$)|\b(?:omelets?|scrambled)\b"), ("breakfast", "lunch")),
    _MealRule(
        _rx(r"\b(?:bacon|sausages?|waffles?|pancakes?|bagels?|french toast)\b"), ("breakfast",)
    ),
    _MealRule(_rx(r"\b(?:deli|luncheon|sliced|bologna|salami)\b"), ("lunch",)),
    _MealRule(_rx(r"^(?:milk|soymilk|\w+ milk)\b"), ("breakfast", "lunch", "dinner", "snack")),
    _MealRule(_rx(r"\bchees(?:e|es)\b"), ("lunch", "dinner", "snack")),
    _MealRule(_rx(r"\b(?:yogurts?|kefir)\b"), ("breakfast", "lunch", "snack")),
    _MealRule(_rx(r"\b(?:coffee|tea|juices?|nectars?)\b"), ("breakfast", "lunch", "snack")),
    _MealRule(
        _rx(r"\b(?:bread|rolls?|tortillas?|muffins?|toast)\b"), ("breakfast", "lunch", "dinner")
    ),
    _MealRule(
        _rx(r"\b(?:crackers?|pretzels?|popcorn|chips|rice cakes?|trail mix|jerky)\b"), ("snack",)
    ),
    _MealRule(_rx(r"^butter\b"), ("breakfast", "dinner")),
    _MealRule(
        _rx(r"\b(?:nuts?|seeds?|peanuts?|\w+ butter)\b(?!.*\boil\b)"),
        ("breakfast", "lunch", "snack"),
        frozenset({"fat"}),
    ),
    _MealRule(_rx(r"\b(?:soups?|stews?|chili)\b"), ("lunch", "dinner")),
)


def _meals(cat: _Category, role: str, subject: str) -> tuple[str, ...]:
    """Meals where the food makes sense: the category's, a keyword's, or the role's."""
    if cat.meals:
        return cat.meals
    for rule in _MEAL_RULES:
        if role in rule.roles and rule.pattern.search(subject):
            return rule.meals
    return _ROLE_MEALS[role]


# --------------------------------------------------------------------------------------------
# Menu items and the zero B12 / vitamin D fact
# --------------------------------------------------------------------------------------------

#: Foods no menu should offer as such, wherever the words appear.
_NOT_A_MENU_ITEM = _rx(
    r"\b(?:infant formula|toddler formula|formulas?|supplements?|protein powder"
    r"|meal replacement|fluid replacement|electrolyte solution|leavening|baking powder"
    r"|baking soda|cream of tartar|baking chocolate|gelatins?|gelatine|malt liquor|liqueur"
    r"|distilled|dried egg|nutritional drink|nutrition shake)\b"
    r"|^eggs?\b.*\b(?:dried|powder)\b"
    rf"|{_GAME_ANIMAL}"
    r"|(?<!non-)(?<!non)\balcoholic\b|(?<!root )(?<!alcoholic )\bbeer\b|\bwine\b(?!, non)"
)
#: ... or when the food itself (the subject) is one of these.
_NOT_A_MENU_SUBJECT = _rx(
    r"^(?:sugars?|syrups?|sweeteners?|molasses|honey|corn syrup|dextrose|fructose"
    r"|maltodextrin|salt|vinegar|yeast|cocoa)(?:,|$)"
    r"|^(?:[\w-]+ ){0,2}(?:flours?|cornmeal|cornstarch|starch)\b"
)
#: Sold in a form that still needs preparing: powders, mixes, concentrates.
_UNPREPARED_FORM = _rx(
    r"\b(?:dry mix|powder|powdered|(?<!from )concentrate|concentrated|undiluted|not reconstituted"
    r"|unprepared)\b"
)
#: Stated to be uncooked (dried fruit sold "uncooked" is eaten as it is, so fruit is exempt).
_NEEDS_BAKING_OR_COOKING = _rx(r"\b(?:uncooked|unbaked|unprepared|dough)\b")
_PREPARED = _rx(r"(?<!not )\b(?:prepared|diluted|reconstituted|made with|cooked)\b")
#: Herbs sold fresh by weight: garnish, not a serving.
_HERB = _rx(
    r"^(?:basil|parsley|coriander|cilantro|dill|rosemary|thyme|sage|spearmint|peppermint"
    r"|tarragon|marjoram|oregano|lemon grass|chives|epazote|lavender)\b"
)
_RAW_MEAT = _rx(r"\b(?:raw|uncooked|unprepared)\b")
_RAW_GRAIN = _rx(r"\b(?:raw|uncooked|unprepared|dry|dried)\b")
_COOKED = _rx(
    r"\b(?:cooked|prepared|boiled|steamed|baked|roasted|fried|puffed|canned|ready-to-eat"
    r"|ready-to-serve|restaurant|chow mein|crunchy|microwaved|heated|stewed|toasted)\b"
)
#: Pulses and starchy roots that are cooked before eating.
_NEEDS_COOKING = _rx(
    r"^(?:[\w-]+ )?(?:beans?|lentils?|chickpeas?|peas|cowpeas|lupins?|broadbeans|soybeans"
    r"|blackeye peas?|adzuki|potato(?:es)?|sweet potato(?:es)?|yams?|taro|cassava)\b"
    r"(?!,? (?:leaves|shoots|greens|tips|sprouts|sprouted|immature))"
)
_NEEDS_COOKING_CATEGORIES = frozenset(
    {"Legumes and Legume Products", "Vegetables and Vegetable Products"}
)
_MUSHROOM = _rx(r"\b(?:mushrooms?|fungi|morels?|chanterelles?|truffles?|shiitake|portabella)\b")
_PLANT_OIL = _rx(r"^oils?\b")
#: Plant foods that may carry B12 or vitamin D anyway: analogues and other processed foods
#: (often fortified), yeasts, algae and fermented foods (bacterial B12 or analogues).
_NO_ZERO_FACT = _rx(
    r"\b(?:meat extender|meatless|vegetarian (?:fillets|meatloaf|patties|burgers?|stew|chili)"
    r"|veggie|imitation|substitute|bacon bits|nutritional|formulated|yeast|seaweed|spirulina"
    r"|laver|nori|kelp|algae|wakame|agar|tempeh|natto|miso|fermented)\b"
)


def _menu_item(cat: _Category, category: str | None, text: str, subject: str) -> bool:
    """Whether a planner may offer the food as it is described."""
    if not cat.menu_item:
        return False
    if _NOT_A_MENU_ITEM.search(text) or _NOT_A_MENU_SUBJECT.search(subject):
        return False
    if _UNPREPARED_FORM.search(text) and not _PREPARED.search(text):
        return False
    if category == "Vegetables and Vegetable Products" and _HERB.search(subject):
        return False
    if category != "Fruits and Fruit Juices" and _NEEDS_BAKING_OR_COOKING.search(text):
        return False
    if category in _MEAT_CATEGORIES or category == _FISH_CATEGORY:
        # Cured, smoked or canned meats and fish are eaten as sold; raw ones are not.
        return _RAW_MEAT.search(text) is None
    if category == "Cereal Grains and Pasta":
        return _COOKED.search(text) is not None
    if category == "Breakfast Cereals":
        return _READY_TO_EAT.search(text) is not None or _RAW_GRAIN.search(text) is None
    if category in _NEEDS_COOKING_CATEGORIES and _NEEDS_COOKING.search(subject):
        return _RAW_GRAIN.search(text) is None or _COOKED.search(text) is not None
    return True


def _zero_is_fact(category: str | None, cat: _Category, text: str, subject: str) -> bool:
    """Whether the category and wording make this a plain plant food (traits checked apart)."""
    plant = cat.plant or (category == "Fats and Oils" and _PLANT_OIL.search(subject) is not None)
    return plant and _MUSHROOM.search(text) is None and _NO_ZERO_FACT.search(text) is None


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


def _ordered(items: Iterable[str], vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    """The items in the vocabulary's order, as the curated CSV lists them."""
    present = set(items)
    return tuple(word for word in vocabulary if word in present)


def _diets(traits: frozenset[str]) -> tuple[str, ...]:
    """Eating patterns the food fits, from the strictest animal trait down."""
    if traits & _FLESH:
        diets = ["omnivore"]
    elif traits & _SEAFOOD:
        diets = ["pescatarian", "omnivore"]
    elif traits & _NOT_VEGAN:
        diets = ["vegetarian", "pescatarian", "omnivore"]
    else:
        diets = ["vegan", "vegetarian", "pescatarian", "omnivore"]
    if "milk" not in traits:
        diets.append("dairy_free")
    if not traits & {"wheat", "gluten"}:
        diets.append("gluten_free")
    return _ordered(diets, DIETS)


def auto_tags(category: str | None, description: str) -> AutoTags:
    """Guess the planner's tags for an FDC food from its category name and description.

    ``category`` is the FDC food category name (``None`` or an unknown name reads the
    description alone). The result is deterministic and never raises for any text.
    """
    cat = _CATEGORIES.get(category or "", _UNKNOWN_CATEGORY)
    text = _mask(" ".join(description.split()), _INCLUDES_NOTE)
    subject = _subject(text)
    fortified = _fortified(category, text, subject)
    traits = _traits(category, text, fortified)
    role = _role(cat, category, subject, traits)
    return AutoTags(
        meals=_ordered(_meals(cat, role, subject), MEALS),
        role=role,
        diets=_diets(traits),
        allergens=_ordered((_TRAIT_ALLERGEN[t] for t in traits if t in _TRAIT_ALLERGEN), ALLERGENS),
        fortified=fortified,
        menu_item=_menu_item(cat, category, text, subject),
        zero_b12_and_vitamin_d_is_fact=not fortified
        and not traits & _ANIMAL
        and _zero_is_fact(category, cat, text, subject),
    )


_TAG_FILE_COLUMNS = (
    "fdc_id",
    "meals",
    "role",
    "diets",
    "allergens",
    "fortified",
    "menu_item",
    "zero_b12_and_vitamin_d_is_fact",
)


def tags_to_csv(tags: Iterable[tuple[int, AutoTags]]) -> str:
    """Automatic tags as CSV text (one row per FDC id, ``;``-joined lists, 0/1 flags)."""
    lines = [",".join(_TAG_FILE_COLUMNS)]
    for fdc_id, tag in sorted(tags, key=lambda pair: pair[0]):
        lines.append(
            ",".join(
                [
                    str(fdc_id),
                    ";".join(tag.meals),
                    tag.role,
                    ";".join(tag.diets),
                    ";".join(tag.allergens),
                    str(int(tag.fortified)),
                    str(int(tag.menu_item)),
                    str(int(tag.zero_b12_and_vitamin_d_is_fact)),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def tags_from_csv(text: str) -> dict[int, AutoTags]:
    """Read what :func:`tags_to_csv` wrote."""
    rows = text.splitlines()
    if not rows or rows[0] != ",".join(_TAG_FILE_COLUMNS):
        raise ValueError("not an automatic-tag table (unexpected header)")

    def split(field: str) -> tuple[str, ...]:
        return tuple(field.split(";")) if field else ()

    tags: dict[int, AutoTags] = {}
    for row in rows[1:]:
        fdc_id, meals, role, diets, allergens, fortified, menu_item, zero = row.split(",")
        tags[int(fdc_id)] = AutoTags(
            meals=split(meals),
            role=role,
            diets=split(diets),
            allergens=split(allergens),
            fortified=fortified == "1",
            menu_item=menu_item == "1",
            zero_b12_and_vitamin_d_is_fact=zero == "1",
        )
    return tags
