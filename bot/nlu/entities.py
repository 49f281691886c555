"""Rule/grammar-based entity extraction for runners' free-text messages.

Two stages:

* :func:`normalise` lower-cases the text, fixes common typos/abbreviations, turns number words
  into digits and replaces emoji (a few become feature tokens such as ``emoji_ill``).
* :func:`scan` finds every fact it can without knowing the intent (numbers with units,
  durations, paces, date expressions, scales, body parts, sports...). Numeric spans are
  *consumed* as they are recognised so a number is never used twice.
* :func:`resolve` turns the scan into the public entity dict (SI units) for a given intent:
  e.g. a distance is a ``race_distance_m`` for ``set_goal`` but a ``distance_m`` for ``log_run``,
  a weekday is the most recent past one for logs and the next one for questions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

MILE_M = 1609.344
MARATHON_M = 42195.0
HALF_M = 21097.5

# Intent groups that change how entities are read.
LOG_INTENTS = frozenset(
    {"log_run", "log_other_activity", "log_rest", "report_rpe", "report_wellness", "report_metrics"}
)
RACE_INTENTS = frozenset({"set_goal", "ask_prediction"})
RACE_NAME_INTENTS = frozenset({"ask_plan", "ask_progress", "ask_risk"})
RPE_WORD_INTENTS = frozenset({"log_run", "log_other_activity", "report_rpe"})
NO_SPORT_INTENTS = frozenset({"log_run", "report_wellness", "report_metrics", "report_rpe"})
STANDARD_RACES = (1609.344, 5000.0, 10000.0, 15000.0, 16093.44, HALF_M, MARATHON_M, 50000.0, 100000.0)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
_WD_RE = "(" + "|".join(WEEKDAYS) + r")(s)?\b"

# --------------------------------------------------------------------------- normalisation

_EMOJI_TOKENS = {
    "🤒": " emoji_ill ", "🤧": " emoji_ill ", "😷": " emoji_ill ", "🤮": " emoji_ill ",
    "🤕": " emoji_hurt ", "😖": " emoji_hurt ", "😩": " emoji_tired ", "😫": " emoji_tired ",
    "😴": " emoji_sleep ", "💤": " emoji_sleep ", "🏃": " emoji_run ", "👟": " emoji_run ",
    "🚴": " emoji_bike ", "🚲": " emoji_bike ", "🏊": " emoji_swim ", "🧘": " emoji_yoga ",
    "🏋": " emoji_gym ", "💪": " emoji_strong ", "📈": " emoji_chart ", "📊": " emoji_chart ",
    "📅": " emoji_calendar ", "🗓": " emoji_calendar ", "👍": " emoji_thanks ", "🙏": " emoji_thanks ",
    "❤": " emoji_love ", "😊": " emoji_happy ", "🙂": " emoji_happy ", "😀": " emoji_happy ",
    "🎉": " emoji_party ", "✅": " emoji_done ", "👋": " emoji_hello ", "🛋": " emoji_rest ",
}  # fmt: skip

# Word-level typo / abbreviation / synonym map (applied after lower-casing).
_WORD_MAP = {
    "2day": "today", "tdy": "today", "todya": "today", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow", "2moro": "tomorrow",
    "yday": "yesterday", "yesterdy": "yesterday", "yesteday": "yesterday", "yestarday": "yesterday",
    "ranned": "ran", "runned": "ran", "hlep": "help", "halp": "help", "dya": "day", "restday": "rest day",
    "klm": "km", "klms": "km", "kms": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km",
    "kilometer": "km", "kilómetros": "km", "kilometros": "km", "minuts": "min", "minutos": "min",
    "mins": "min", "minutes": "min", "minute": "min", "mns": "min", "milez": "miles", "mils": "miles",
    "metres": "m", "meters": "m", "metre": "m", "meter": "m", "wat": "what", "wht": "what",
    "whats": "what's", "wht's": "what's", "shud": "should", "pls": "please", "plz": "please",
    "u": "you", "r": "are", "ur": "your", "thx": "thanks", "tue": "tuesday", "tues": "tuesday",
    "wed": "wednesday", "weds": "wednesday", "thu": "thursday", "thur": "thursday",
    "thurs": "thursday", "fri": "friday", "mon": "monday", "tonite": "tonight", "excercise": "exercise",
    "marthon": "marathon", "marahton": "marathon", "maraton": "marathon", "hafl": "half",
    "tempo's": "tempos", "slep": "slept", "sleept": "slept", "realy": "really", "rlly": "really",
    "tierd": "tired", "tird": "tired", "soar": "sore", "streesed": "stressed", "stresed": "stressed",
    "achillies": "achilles", "achilels": "achilles", "hamstrig": "hamstring", "hammy": "hamstring",
    "hammies": "hamstrings", "cant": "can't", "dont": "don't", "didnt": "didn't", "couldnt": "couldn't",
    "wont": "won't", "im": "i'm", "ive": "i've", "recovry": "recovery", "workot": "workout",
    "excersise": "exercise", "wkout": "workout", "wrkout": "workout", "hrs": "hours", "hr's": "hours",
}  # fmt: skip
_PHRASE_MAP = (
    (re.compile(r"\bthis am\b"), "this morning"),
    (re.compile(r"\bthis pm\b"), "this afternoon"),
    (re.compile(r"\bk's\b"), "k"),
    (re.compile(r"\bday before yesterday\b"), "2 days ago"),
)
_NUM_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_RE = re.compile(r"[\w'’&]+", re.UNICODE)


def _map_char(ch: str) -> str:
    tok = _EMOJI_TOKENS.get(ch)
    if tok is not None:
        return tok
    cat = unicodedata.category(ch)
    if (cat in ("So", "Sk", "Cs", "Co", "Cn", "Mn", "Cf", "Cc") and ch not in "\n\t") or "\u2190" <= ch <= "\u21ff":
        return " "
    return ch


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower-case, NFKC, emoji → tokens, typos → canonical words, number words → digits."""
    s = unicodedata.normalize("NFKC", text[:5000]).lower().replace("’", "'").replace("‘", "'")
    s = "".join(_map_char(c) for c in s)
    s = s.replace("–", "-").replace("—", " - ")

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        w2 = _WORD_MAP.get(w, w)
        n = _NUM_WORDS.get(w2)
        return str(n) if n is not None else w2

    s = _WORD_RE.sub(word, s)
    for rx, rep in _PHRASE_MAP:
        s = rx.sub(rep, s)
    s = re.sub(r"\brn(?=\s+\d)", "ran", s)
    return re.sub(r"\s+", " ", s).strip()


# Small hand-written domain lexicons; each hit adds one interpretable token for the classifier.
_LEXICONS: dict[str, str] = {
    "why": r"\bwhy\b|how come|explain|reason|reasoning|logic|justify|based on|\by tho\b|behind (?:this|that)",
    "goal": r"\bgoals?\b|\btarget\b|\baim(?:ing)?\b|want to|wanna|signed up|entered|register|training for|"
    r"booked|qualify|i'd (?:like|love) to|\ba-race\b|next race",
    "predict": r"predict\w*|project\w*|estimat\w*|realistic|possible|doable|potential|how (?:fast|quick)|"
    r"what time|finish(?:ing)? time|\bbreak\b|vdot|expect|could i|can i (?:do|run|break|finish)",
    "risk": r"\brisk\w*|injur\w*|get(?:ting)? hurt|overtrain\w*|overreach\w*|too much|\bload\b|acwr|acute|"
    r"danger\w*|\bsafe\b|overdo\w*|overuse|ramp\w*|spik\w*|strain|deload|burnout|too (?:hard|quickly|fast)",
    "progress": r"progress|trend\w*|chart|graph|plot|fitter|fitness|improv\w*|history|stats|summary|compar\w*|"
    r"\btotal\b|longest|consistent|vo2max|\bctl\b|\bform\b|so far|monthly|getting faster|emoji_chart",
    "plan": r"\bplan\w*|schedul\w*|\bweek\b|weekly|upcoming|coming up|\bblock\b|taper|next (?:week|long|rest)|"
    r"emoji_calendar",
    "help": r"\bhelp\b|how do i|how to|commands?|\bmenu\b|/start|instructions|features|what can (?:you|i|this)|"
    r"guide|\bfaq\b|settings|connect|delete|what (?:should|do) i type|how does this",
    "greet": r"^(?:hi|hello|hey|hiya|yo|morning|evening|good (?:morning|evening|night|day))\b|thanks?\b|thank you|"
    r"\bty\b|cheers|\bbye\b|\blol\b|\bhaha\b|\bcool\b|\bawesome\b|sounds good|you're|are you|"
    r"your name|joke|emoji_thanks|emoji_love|emoji_hello|okey|\bnice\b",
    "rest": r"\brest(?:ed|ing)?\b|day off|\boff\b|skip\w*|missed|didn't (?:run|train|go)|no (?:run|running|"
    r"workout|training)|recovery day|lazy|\bzero\b|emoji_rest|emoji_sleep",
    "avail": r"\bonly\b|available|unavailable|busy|away|travel\w*|\btrip\b|holiday|\bfree\b|\bmax\b|"
    r"limit\w*|can't|cannot|no time|per (?:day|session|run)|a day|weekdays|weekends|no-go|squeeze",
    "run": r"\bran\b|\bjog\w*|\brun\b|parkrun|tempo|intervals|long run|\brace\b|\bpb\b|\bpr\b|miler|"
    r"track|treadmill|fartlek|strides|emoji_run",
    "rpe": r"\brpe\b|effort|felt like|\brate\b|perceived|exertion|out of 10|/10",
    "wellness": r"tired|\bsore\b|pain|hurts?|slept|sleep|stress\w*|mood|sick|\bill\b|flu|fatigue|ache\w*|"
    r"niggle|tight|exhausted|knackered|feeling|emoji_ill|emoji_hurt|emoji_tired",
    "metric": r"\bhrv\b|\brhr\b|resting|weigh\w*|\bkg\b|\blbs\b|bpm|rmssd|pulse",
    "today": r"\btoday\b|\bnow\b|this (?:morning|afternoon|evening)|tonight|\bsession\b|\bworkout\b",
    "foreign": r"\b(?:que|qué|est|ist|wie|ciao|el|la|das|der|die|bonjour|hola|ça|va|come|stai|j'ai|heute|"
    r"dónde|está|ce|matin|en)\b|[\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]",
}
_RX_LEX = [(name, re.compile(p)) for name, p in _LEXICONS.items()]
_RX_BY_NAME = dict(_RX_LEX)


def mentions(norm: str, lexicon: str) -> bool:
    """Whether normalised text hits one of the lexicons above ("progress", "predict", ...)."""
    return _RX_BY_NAME[lexicon].search(norm) is not None


_RX_QUESTION = re.compile(
    r"\?|^(?:how|what|what's|why|when|where|who|which|should|can|could|is|am|do|does|will|would|"
    r"any)\b"
)


def classifier_text(norm: str) -> str:
    """Text handed to the intent classifier.

    Numbers are collapsed to ``0`` (so 5k ~ 10k) and interpretable feature tokens are appended:
    ``ent_<type>`` for each entity type the rules found, ``lex_<name>`` for domain-lexicon hits,
    ``tok_question`` / ``tok_negative`` markers.
    """
    sc = scan(norm)
    feats: list[str] = []
    if sc.distances:
        feats.append("ent_distance")
        if any(d[3] for d in sc.distances):
            feats.append("ent_racename")
    if sc.durations or sc.clock or sc.bare_minutes:
        feats.append("ent_duration")
    if sc.paces:
        feats.append("ent_pace")
    if sc.targets:
        feats.append("ent_target")
    for name, val in (("hrv", sc.hrv), ("rhr", sc.rhr), ("hr", sc.avg_hr), ("sleeph", sc.sleep_h)):
        if val is not None:
            feats.append(f"ent_{name}")
    if sc.rpe_num:
        feats.append("ent_rpe")
    if sc.rpe_word is not None:
        feats.append("ent_rpeword")
    feats.extend(f"ent_{k}" for k in sc.scales)
    if sc.illness:
        feats.append("ent_illness")
    if sc.pain_area:
        feats.append("ent_pain")
    if sc.sport:
        feats.append("ent_sport")
    for d in sc.dates:
        if d.kind in ("rel", "in_days"):
            feats.append("ent_date_past" if d.a < 0 else "ent_date_future" if d.a > 0 else "ent_date_today")
        else:
            feats.append(f"ent_date_{d.kind}")
    feats.extend(f"lex_{name}" for name, rx in _RX_LEX if rx.search(norm))
    if _RX_QUESTION.search(norm):
        feats.append("tok_question")
    if sc.negative:
        feats.append("tok_negative")
    if len(norm) <= 12:
        feats.append("tok_short")
    base = re.sub(r"\d+(?:[.,]\d+)?", "0", norm)
    return base + " | " + " ".join(feats) if feats else base


# --------------------------------------------------------------------------- scan


@dataclass
class DateMention:
    pos: int
    kind: str  # rel | wd | dm | dom | month | in_days | range | wd_range | weekend
    a: int = 0
    b: int = 0
    c: int = 0
    d: int = 0
    plural: bool = False
    qual: str = ""


@dataclass
class Scan:
    distances: list[tuple[int, float, bool, bool]] = field(default_factory=list)  # pos, m, total, named
    durations: list[tuple[int, float]] = field(default_factory=list)
    clock: list[tuple[int, int, int]] = field(default_factory=list)  # a:b without seconds
    bare_minutes: list[tuple[int, int]] = field(default_factory=list)  # "10k in 52"
    targets: list[tuple[int, float]] = field(default_factory=list)  # "sub 4" (bare number)
    paces: list[float] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    rpe_num: list[tuple[int, float]] = field(default_factory=list)
    rpe_word: float | None = None
    bare_numbers: list[tuple[int, float]] = field(default_factory=list)
    avg_hr: float | None = None
    hrv: float | None = None
    rhr: float | None = None
    sleep_h: float | None = None
    scales: dict[str, int] = field(default_factory=dict)
    illness: bool = False
    illness_kind: str | None = None  # fever / below_neck / above_neck when the words say
    illness_resolved: bool = False  # "my cold is gone"
    pain_area: str | None = None
    pain_hold: bool = False  # "no running until my knee is better"
    pain_resolved: bool = False  # "my knee is fine now"
    sport: str | None = None
    negative: bool = False
    miles_context: bool = False
    swim_context: bool = False


_NUM = r"(\d+(?:[.,]\d+)?)"


def _f(x: str) -> float:
    return float(x.replace(",", "."))


class _Work:
    """A mutable copy of the text where consumed spans are blanked out (positions preserved)."""

    def __init__(self, s: str) -> None:
        self.s = s

    def take(self, rx: re.Pattern[str]) -> list[re.Match[str]]:
        out = list(rx.finditer(self.s))
        if out:
            chars = list(self.s)
            for m in out:
                for i in range(m.start(), m.end()):
                    chars[i] = " "
            self.s = "".join(chars)
        return out


# Dates ---------------------------------------------------------------------------------------
_RX_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RX_DM_RANGE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|to|until|till)\s*(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE
)
_RX_DM_DM_RANGE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r"\s*(?:-|to|until|till)\s*(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE
)
_RX_DOM_RANGE = re.compile(
    r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\s*(?:-|to|until|till)\s*(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b"
)
_RX_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s*(\d{4})\b)?")
_RX_MD = re.compile(r"\b" + _MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:k|km|mi|min|h)\b)(?:,?\s*(\d{4})\b)?")
_RX_DOM = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b")
_RX_MONTH = re.compile(r"\b(?:in|by|during|until|for|this|next|early|late|mid|end of)\s+" + _MONTH_RE)
_RX_DAYS_AGO = re.compile(r"\b(\d{1,2})\s+days?\s+ago\b")
_RX_IN_N = re.compile(r"\bin\s+(\d{1,3})\s+(day|week|month)s?\b")
_RX_REL = re.compile(
    r"\b(today(?:'?s)?|tonight(?:'s)?|this (?:morning|afternoon|evening)(?:'s)?|yesterday(?:'s)?|"
    r"last night(?:'s)?|tomorrow(?:'s)?)"
)
_RX_WD_RANGE = re.compile(r"\b" + _WD_RE.replace("(s)?", "s?") + r"\s*(?:-|to|through|until|till)\s*"
                          + _WD_RE.replace("(s)?", "s?"))  # fmt: skip
_RX_WD = re.compile(r"\b(?:(last|next|this|on)\s+)?" + _WD_RE)
_RX_WEEKEND = re.compile(r"\b(?:this\s+|the\s+)?weekends?\b")

# Paces ---------------------------------------------------------------------------------------
_UNIT_PER = r"(km|k|kilometer|mi|mile)\b"
_RX_PACE_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*(?:min(?:s)?\s*)?(?:/|per|a)\s*" + _UNIT_PER)
_RX_PACE_MIN = re.compile(r"\b(\d{1,2})\s*min\s*(?:/|per)\s*" + _UNIT_PER)
_RX_PACE_AT = re.compile(r"(?:@|\bat)\s*(\d{1,2}):(\d{2})\b(?!\s*(?:am|pm|:))(?:\s*(?:min\s*)?pace)?")
_RX_PACE_SUFFIX = re.compile(r"\b(\d{1,2}):(\d{2})\s*(?:min\s*)?pace\b")
_RX_PACE_PREFIX = re.compile(r"\b(?:avg|average)?\s*pace\s*(?:of|was|is|:)?\s*(\d{1,2}):(\d{2})\b")

# Metrics -------------------------------------------------------------------------------------
_FILL = r"(?:\s*(?:is|was|of|at|now|today|this morning|status|reading|score|has been|dropped to|down to|" \
        r"up to|back up to|fell to|rose to|around|about|avg|average)\b|\s*[:=~])*\s*"  # fmt: skip
_RX_HRV = re.compile(r"\b(?:hrv|rmssd)\b" + _FILL + r"(\d{1,4}(?:\.\d+)?)\s*(?:ms\b)?")
_RX_HRV_REV = re.compile(r"\b(\d{1,4})\s*(?:ms\s*)?(?:hrv|rmssd)\b")
_RX_RHR = re.compile(
    r"\b(?:rhr|resting\s+(?:hr|heart\s*rate|pulse)|rest\s+hr|morning\s+hr|waking\s+(?:hr|heart\s*rate|pulse))\b"
    + _FILL
    + r"(\d{1,3})\s*(?:bpm\b)?"
)
_RX_RHR_REV = re.compile(r"\b(\d{1,3})\s*(?:bpm\s*)?rhr\b")
_RX_HR = re.compile(
    r"\b(?:avg|average|mean)?\s*(?:hr|heart\s*rate|heartrate|pulse)\s*(?:avg|average)?"
    + _FILL
    + r"(\d{2,3})\b\s*(?:bpm\b)?"
)
_RX_BPM = re.compile(r"\b(\d{2,3})\s*bpm\b")
_RX_SLEEP_FWD = re.compile(
    r"\b(?:slept|sleep|asleep|sleeping)\b(?:\W+[a-z']+){0,2}?\W+"
    + _NUM
    + r"\s*(?:(h)(\d{2})\b|(?:and a half\s+)?(?:h|hours?|hrs?)\b)"
)
_RX_SLEEP_REV = re.compile(r"\b" + _NUM + r"\s*(?:h|hours?|hrs?)\s*(?:of\s+)?(?:sleep|kip|shut-?eye|in bed)\b")
_RX_RPE_OUT10 = re.compile(r"\b(\d{1,2}(?:\.\d)?)\s*(?:/|out of)\s*10\b")
_RX_RPE_KW = re.compile(
    r"\b(?:session\s+)?(?:rpe|perceived\s+(?:effort|exertion)|effort(?:\s+level)?|exertion)\b"
    r"(?:\s+for\s+(?:the\s+|my\s+|this\s+|that\s+)?[a-z']+)?"
    r"(?:\s*(?:was|is|of|at|about|around|maybe|like|an?|roughly)\b|\s*[:=~])*\s*(\d{1,3}(?:\.\d+)?)"
)
_RX_RPE_REV = re.compile(r"\b(\d{1,2}(?:\.\d)?)\s*(?:rpe|effort)\b")
_RX_SCALE = re.compile(
    r"\b(sleep quality|soreness|sore|fatigue|tiredness|stress(?: level)?|mood|sleep)\b(?:\s*(?:is|was|level|at)\b|"
    r"\s*[:=])*\s*(\d{1,2})(\s*/\s*(?:5|10))?"
)

# Durations -----------------------------------------------------------------------------------
_RX_HMS = re.compile(r"\b(\d{1,2}):(\d{2}):(\d{2})\b")
_RX_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b(?!\s*(?:am|pm)\b)")
_RX_HALF_HOURS = re.compile(r"\b(\d{1,2})\s+and\s+a\s+half\s+(?:hours?|hr|h)\b")
_RX_H_M = re.compile(
    r"\b(\d{1,2})\s*(?:h|hr|hours?)\s*(?:and\s+)?(\d{1,2})\s*(?:m|min|mn)?\b(?!\s*(?:k|km|mi|miles?|x)\b)"
)
_RX_HOURS = re.compile(r"(?:\b(\d{1,2}(?:[.,]\d+)?)\s*|\b(half an?|an?|one)\s+)(?:h|hr|hours?)\b")
_RX_MINUTES = re.compile(r"\b(\d{1,3}(?:[.,]\d+)?)\s*(?:min|m|mn|')(?:\b|(?=\W))")
_RX_TIME_REPS = re.compile(r"\b\d{1,2}\s*x\s*\d{1,3}\s*(?:min|sec|secs|s|seconds)\b")
_RX_SECONDS_REST = re.compile(r"\b\d{1,3}\s*(?:s|sec|secs|seconds)\b(?:\s*(?:rest|recovery|jog|easy|off))?")

# Distances -----------------------------------------------------------------------------------
_RX_REPS = re.compile(
    r"\b\d{1,2}\s*x\s*\d+(?:[.,]\d+)?\s*(?:k|km|mi|miles?|m)\b"
    r"|\b\d+(?:[.,]\d+)?\s*(?:k|km|mi|miles?|m)\s*(?:x\s*\d{1,2}\b|(?:repeats|reps|intervals|efforts)\b)"
)
_RX_DIST = re.compile(r"\b" + _NUM + r"\s*(km|k|mi|miles?|miler|m)\b")
_RX_TOTAL = re.compile(r"^\s*(?:in\s+)?total\b")
_RX_TOTAL_BEFORE = re.compile(r"\btotal(?:\s+of)?\s*$")
_RX_NAMED = re.compile(
    r"\b(half[ -]?marathon|marathon|parkrun|(?:my|the)\s+mile\b(?!\s*(?:at|in|repeat))|"
    r"(?<!and a )(?<!first )(?<!second )(?<!last )\bhalf\b"
    r"(?![ -]?(?:an?\b|hours?|hrs?|h\b|miles?|way|time|day|term|of|the|price|asleep|dead|done|hearted)))"
)
_RX_IN_BARE = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?\s*(?:k|km|mi|miles?)|marathon|half)\s+in\s+(\d{1,3})\b"
    r"(?!\s*(?:[:.]\d|min|m\b|h\b|hours?|hr|sec|s\b|weeks?|days?|months?|k\b|km|mi))"
)
_RX_SUB = re.compile(r"\b(?:sub|under|break|below|beat)\s*(\d{1,2}(?:[.,]\d+)?)\b(?!\s*(?:[:.]\d|k\b|km|mi))")
_RX_BARE_NUM = re.compile(r"(?<![\w.:/])(\d{1,2}(?:\.\d)?)(?:ish)?\b(?!\s*(?:[:/.]\d|%|k\b|km|mi|m\b|min|h\b))")

# Word scales: (pattern, value), most specific first --------------------------------------------
_ADV_STRONG = r"(?:very|really|super|so|extremely|incredibly|properly)"
_ADV_WEAK = r"(?:a bit|bit|slightly|a little|little|kinda|somewhat|a touch)"
# "not tired", "legs not sore at all", "no stress": the word said with a "not" in front is its opposite
_NEG = (r"\b(?:not|never|no longer|isn'?t|aren'?t|wasn'?t|weren'?t|don'?t feel|do not feel|didn'?t feel)"
        r"\s+(?:\w+\s+){0,2}?")


def _negated(words: str) -> list[tuple[re.Pattern[str], int]]:
    """Rules for ``words`` said with a "not" in front: 1 with "at all", else 2 (on a 1-5 scale)."""
    return [(re.compile(_NEG + words + r"\b(?=\W*at all)"), 1), (re.compile(_NEG + words + r"\b"), 2)]


_SCALE_WORDS: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "sleep_quality": [
        (re.compile(r"\b(?:didn't|did not|not|wasn't|was not|don't)\s+sleep(?:ing)?\s+(?:very\s+)?well\b"), 2),
        (
            re.compile(
                r"\b(?:terrible|awful|horrible|horrendous) (?:sleep|night)|barely slept|didn't sleep|"
                r"did not sleep|no sleep|couldn't sleep|could not sleep|insomnia|slept (?:terribly|awfully)"
            ),
            1,
        ),
        (
            re.compile(
                r"\bslept (?:badly|poorly|bad|rough)|(?:bad|poor|rubbish|crap|crappy|lousy|broken|restless)"
                r" (?:sleep|night)|sleep (?:was|is) (?:bad|poor|rubbish)"
            ),
            2,
        ),
        (
            re.compile(
                r"\b(?:ok|okay|average|alright|so-so) sleep|slept (?:ok|okay|alright)|sleep (?:was|is) "
                r"(?:ok|okay|alright|average)"
            ),
            3,
        ),
        (
            re.compile(
                r"\b(?:great|amazing|excellent|fantastic|brilliant|perfect) (?:sleep|night's sleep)|slept "
                r"(?:great|amazingly|brilliantly|perfectly|like a (?:log|baby|rock))"
            ),
            5,
        ),
        (
            re.compile(
                r"\bslept (?:well|fine|good|nicely)|(?:good|decent|solid) sleep|good night's sleep|"
                r"sleep (?:was|is) good"
            ),
            4,
        ),
    ],
    "fatigue": [
        *_negated(r"(?:tired|fatigued|drained|exhausted|knackered|shattered|wrecked|sleepy)"),
        (re.compile(_ADV_WEAK + r" (?:tired|fatigued|drained)"), 3),
        (
            re.compile(
                _ADV_STRONG + r" tired|dead tired|exhausted|knackered|shattered|wrecked|wiped(?: out)?|"
                r"\bcooked\b|zombie|running on empty|emoji_tired"
            ),
            5,
        ),
        (re.compile(r"\btired\b|\bfatigued\b|\bdrained\b|worn out"), 4),
        (
            re.compile(
                r"\b(?:felt|feel|feeling|feels|legs|legs felt) flat\b|sluggish|heavy legs|legs (?:are |feel |"
                r"felt |were )?heavy|low energy|lethargic|no energy"
            ),
            3,
        ),
        (re.compile(r"\bfresh\b|energetic|full of energy|bouncy"), 1),
    ],
    "soreness": [
        *_negated(r"(?:sore|stiff|achy|aching|tight)"),
        (re.compile(r"\bno (?:soreness|doms|aches)\b"), 1),
        (re.compile(r"can barely walk|can't walk|extremely sore|agony"), 5),
        (re.compile(_ADV_STRONG + r" (?:sore|stiff|achy)|sore as hell"), 4),
        (re.compile(_ADV_WEAK + r" (?:sore|stiff|tight|achy)|\bstiff\b|\btight(?:ness)?\b"), 2),
        (re.compile(r"\bsore\b|\bachy\b|\baching\b|\baches\b|\bdoms\b"), 3),
    ],
    "stress": [
        *_negated(r"(?:stressed|anxious|overwhelmed)"),
        (re.compile(r"\bno stress\b"), 1),
        (re.compile(_ADV_STRONG + r" stressed|overwhelmed|burnt out|burned out|stressed out"), 5),
        (re.compile(_ADV_WEAK + r" stressed"), 3),
        (re.compile(r"\bstressed\b|\bstressful\b|stress at work|work stress|\banxious\b"), 4),
        (re.compile(r"\brelaxed\b|\bcalm\b|\bchilled\b|stress-free|stress free"), 1),
    ],
    "mood": [
        (re.compile(r"\bdepressed\b|\bmiserable\b|awful mood|terrible mood"), 1),
        (
            re.compile(
                r"bad mood|\bgrumpy\b|\birritable\b|feeling (?:a bit |quite |pretty )?(?:low|down)\b|"
                r"mood (?:is |was )?low|low mood|\bmoody\b"
            ),
            2,
        ),
        (re.compile(r"\bmeh\b|so-so mood|mood (?:is |was )?(?:ok|okay)"), 3),
        (re.compile(r"great mood|\bbuzzing\b|\bhappy\b|\bstoked\b|\belated\b|fantastic mood|emoji_happy_mood"), 5),
        (re.compile(r"good mood|good spirits|mood (?:is |was )?good"), 4),
    ],
}
_RPE_WORDS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"all[ -]out|max(?:imal|imum)? effort|flat out|gave it everything|emptied the tank"), 10),
    (re.compile(_ADV_STRONG + r" hard|brutally hard"), 8),
    (re.compile(_ADV_STRONG + r" easy|easy peasy"), 2),
    (re.compile(r"\b(?:hard|tough)\b"), 7),
    (re.compile(r"\bmoderate\b|\bmedium effort\b"), 5),
    (re.compile(r"\beasy\b"), 3),
]
_RX_ILLNESS = re.compile(
    r"\b(?:sick|ill|unwell|flu|fever|feverish|covid|sore throat|chest infection|stomach bug|virus|"
    r"under the weather|chills|norovirus|(?:a|head|chest|the|got a|have a) cold|emoji_ill|"
    r"(?:runny|stuffy|blocked) nose|sniffles|sneezing|congested|"
    r"(?:feel|feeling|felt) poorly)\b"
)
# Getting over it: "my cold is gone", "no more fever", "not sick anymore", "over the flu now"
_ILLS = r"(?:cold|flu|fever|temperature|bug|virus|sickness|illness|covid|cough|sore throat|infection)"
_RX_ILLNESS_RESOLVED = re.compile(
    r"\b(?:no (?:more |longer (?:a |any )?)?" + _ILLS
    + r"|(?:not|no longer) (?:sick|ill|unwell|feverish)(?: any ?more)?"
    r"|(?:over|recovered from|got over|getting over|shaken off|shook off) (?:the |my |a |this |that )?" + _ILLS
    + r"|" + _ILLS + r" (?:is |has |'s |s )?(?:gone|over|better|cleared(?: up)?|passed|much better)"
    r"|(?:feeling|feel|felt) (?:much |a lot |loads )?better|all better|back to (?:normal|health))\b"
)
# The "neck check": symptoms above the neck (a head cold) allow easy running; below it (chest, stomach,
# body aches) or a fever do not. When both are named, the more serious one counts; plain "sick" or
# "unwell" names neither and is treated as below the neck by the coach.
_ILLNESS_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fever", re.compile(r"\b(?:fever\w*|temperature|chills|shivery|shivering)\b")),
    ("below_neck", re.compile(
        r"\b(?:flu|covid|chest (?:infection|cold)|chesty|cough\w*|stomach|tummy|gastro|norovirus|diarrh\w*|"
        r"vomit\w*|throwing up|been sick|nause\w*|body aches?|aching all over|achy all over)\b")),
    ("above_neck", re.compile(
        r"\b(?:(?:a|head|the|got a|have a|bit of a|slight) cold|runny nose|stuffy nose|blocked nose|"
        r"sniff\w*|sneez\w*|sore throat|sinus\w*|congest\w*|headache)\b")),
)
_PAIN_AREAS: list[tuple[str, str]] = [
    ("achilles", r"achilles"),
    ("foot", r"plantar|heel|arch|foot|feet|toes?|metatarsal"),
    ("knee", r"knees?|patella"),
    ("shin", r"shins?"),
    ("hamstring", r"hamstrings?"),
    ("calf", r"calf|calves"),
    ("hip", r"hips?|hip flexors?"),
    ("quad", r"quads?|thighs?"),
    ("glute", r"glutes?|butt|bum"),
    ("it_band", r"it[ -]band|itb|iliotibial"),
    ("groin", r"groin|adductors?"),
    ("ankle", r"ankles?"),
    ("shoulder", r"shoulders?"),
    ("neck", r"neck"),
    ("back", r"lower back|upper back|my back|bad back|back (?:pain|is|hurts|sore|tight|stiff|aches?|spasms?)"),
    ("chest", r"chest pain"),
]
_RX_PAIN = re.compile("|".join(rf"\b(?P<{k}>{p})\b" for k, p in _PAIN_AREAS))
_BETTER = (
    r"(?:better|fine|ok|okay|alright|all right|good|healed|heals?|recovered|recovers?|sorted|gone|goes away|"
    r"settles?(?: down)?|settled|clears? up|cleared up|pain[- ]free)"
)
# "no running until my knee is better": waiting for it to get better
_RX_PAIN_HOLD = re.compile(r"\b(?:until|till|til|untill|unless)\b[^.!?]{0,40}?\b" + _BETTER + r"\b")
# "my knee is fine now", "no more pain", "doesn't hurt anymore": it got better
_RX_PAIN_RESOLVED = re.compile(
    r"\b(?:(?:is|are|feels?|feeling|felt|'s|s|now|all|much|totally|fully|completely) " + _BETTER
    + r"|no (?:more |longer any )?pain|pain[- ]free"
    r"|(?:doesn'?t|does not|isn'?t|aren'?t|no longer|not) (?:hurt|hurting|sore|painful|ache|aching)(?: any ?more)?"
    r"|back to (?:normal|running))\b"
)
# pain still there: "hurts", "sore" — unless said with a "not" in front
_RX_PAIN_ACTIVE = re.compile(r"(?<!not )(?<!nt )(?<!n't )(?<!no longer )\b(?:hurts?|hurting|sore|aches?|aching|painful|"
                             r"twinges?|niggles?|swollen|throbbing|sharp|tight|stiff)\b")
_SPORTS: list[tuple[str, str]] = [
    ("aqua_jogging", r"aqua[ -]?jog\w*|deep water running|pool running"),
    (
        "cycling",
        r"bike|biked|biking|bikes|cycle|cycled|cycling|ride|rode|riding|spin|peloton|zwift|turbo|mtb|"
        r"mountain bik\w*|emoji_bike",
    ),
    ("swimming", r"swim|swam|swimming|lengths|emoji_swim"),
    (
        "strength",
        r"gym|weights|lifting|lifted|strength|s&c|crossfit|kettlebells?|core|squats|deadlifts|leg day|"
        r"upper body|emoji_gym",
    ),
    ("yoga", r"yoga|emoji_yoga"),
    ("pilates", r"pilates"),
    ("hiking", r"hike|hiked|hiking"),
    ("walking", r"walk|walked|walking"),
    ("rowing", r"rowed|rowing|erg|row(?:ing)? machine"),
    ("elliptical", r"elliptical|cross[ -]?trainer"),
    ("football", r"football|soccer|5-a-side|futsal"),
    ("tennis", r"tennis|padel|squash"),
    ("climbing", r"climbing|bouldering"),
    ("hiit", r"hiit"),
    ("skiing", r"ski|skiing|skied"),
    ("mobility", r"mobility|stretching"),
]
_RX_SPORT = re.compile("|".join(rf"\b(?P<{k}>{p})\b" for k, p in _SPORTS))
_RX_NEGATIVE = re.compile(
    r"\b(?:can't|cannot|can not|no|not|unavailable|busy|away|travel\w*|off|skip\w*|holiday|vacation|"
    r"out of town|no-go|won't|trip)\b"
)
_RX_MILES = re.compile(r"\b(?:mi|miles?|miler)\b|/mi\b")
_RX_SWIM = re.compile(r"\b(?:swim|swam|swimming|pool)\b")


def _clock_to_s(a: int, b: int) -> float:
    return a * 60.0 + b


@lru_cache(maxsize=4096)
def scan(norm: str) -> Scan:
    sc = Scan()
    w = _Work(norm)
    sc.miles_context = bool(_RX_MILES.search(norm))
    sc.swim_context = bool(_RX_SWIM.search(norm))
    sc.negative = bool(_RX_NEGATIVE.search(norm))
    has_digit = any(c.isdigit() for c in norm)
    if has_digit:
        _scan_numbers(sc, norm, w)
    else:
        _scan_relative_only(sc, norm, w)
    _scan_words(sc, norm)
    return sc


def _scan_relative_only(sc: Scan, norm: str, w: _Work) -> None:
    """The subset of the numeric passes that can fire without digits."""
    _scan_dates_words(sc, norm)
    for m in w.take(_RX_HOURS):
        sc.durations.append((m.start(), 1800.0 if (m[2] or "").startswith("half") else 3600.0))
    for m in _RX_NAMED.finditer(norm):
        _add_named(sc, norm, m)
    sc.distances.sort(key=lambda t: t[0])


def _add_named(sc: Scan, norm: str, m: re.Match[str]) -> None:
    word = m[1]
    after = norm[m.end() : m.end() + 8]
    if word == "marathon" and re.match(r"\s*(?:pace|effort|mp)\b", after):
        return
    if word.startswith("half") or word.endswith("half"):
        metres = HALF_M
    elif word == "marathon":
        metres = MARATHON_M
    elif word == "parkrun":
        metres = 5000.0
    else:
        metres = MILE_M
    sc.distances.append((m.start(), metres, False, True))


def _scan_dates_words(sc: Scan, norm: str) -> None:
    for m in _RX_REL.finditer(norm):
        word = m[1]
        off = -1 if word.startswith(("yesterday", "last night")) else 1 if word.startswith("tomorrow") else 0
        sc.dates.append(DateMention(m.start(), "rel", off))
    for m in _RX_WD_RANGE.finditer(norm):
        sc.dates.append(DateMention(m.start(), "wd_range", WEEKDAYS.index(m[1]), WEEKDAYS.index(m[2])))
    ranges = [d for d in sc.dates if d.kind == "wd_range"]
    for m in _RX_WD.finditer(norm):
        if any(d.pos <= m.start(2) and norm[d.pos : m.end()].count(" ") <= 3 for d in ranges):
            continue
        sc.dates.append(DateMention(m.start(2), "wd", WEEKDAYS.index(m[2]), plural=bool(m[3]), qual=m[1] or ""))
    for m in _RX_WEEKEND.finditer(norm):
        sc.dates.append(DateMention(m.start(), "weekend"))
    for m in _RX_MONTH.finditer(norm):
        sc.dates.append(DateMention(m.start(), "month", MONTHS[m[1]]))
    sc.dates.sort(key=lambda d: d.pos)


def _scan_numbers(sc: Scan, norm: str, w: _Work) -> None:
    # ---- dates (consumed so that "12 may" is not a distance or a number)
    for m in w.take(_RX_ISO):
        sc.dates.append(DateMention(m.start(), "iso", int(m[1]), int(m[2]), int(m[3])))
    for m in w.take(_RX_DM_DM_RANGE):
        sc.dates.append(DateMention(m.start(), "range", int(m[1]), MONTHS[m[2]], int(m[3]), MONTHS[m[4]]))
    for m in w.take(_RX_DM_RANGE):
        mo = MONTHS[m[3]]
        sc.dates.append(DateMention(m.start(), "range", int(m[1]), mo, int(m[2]), mo))
    for m in w.take(_RX_DOM_RANGE):
        sc.dates.append(DateMention(m.start(), "range", int(m[1]), 0, int(m[2]), 0))
    for m in w.take(_RX_DM):
        sc.dates.append(DateMention(m.start(), "dm", int(m[1]), MONTHS[m[2]], int(m[3]) if m[3] else 0))
    for m in w.take(_RX_MD):
        sc.dates.append(DateMention(m.start(), "dm", int(m[2]), MONTHS[m[1]], int(m[3]) if m[3] else 0))
    for m in w.take(_RX_DOM):
        sc.dates.append(DateMention(m.start(), "dom", int(m[1])))
    w.take(_RX_MONTH)  # recorded by _scan_dates_words
    for m in w.take(_RX_DAYS_AGO):
        sc.dates.append(DateMention(m.start(), "rel", -int(m[1])))
    for m in w.take(_RX_IN_N):
        mult = {"day": 1, "week": 7, "month": 30}[m[2]]
        sc.dates.append(DateMention(m.start(), "in_days", int(m[1]) * mult))
    _scan_dates_words(sc, norm)

    # ---- paces
    for m in w.take(_RX_PACE_CLOCK):
        secs = _clock_to_s(int(m[1]), int(m[2]))
        sc.paces.append(secs / 1.609344 if m[3].startswith("mi") else secs)
    for m in w.take(_RX_PACE_MIN):
        secs = int(m[1]) * 60.0
        sc.paces.append(secs / 1.609344 if m[2].startswith("mi") else secs)
    for rx in (_RX_PACE_SUFFIX, _RX_PACE_PREFIX, _RX_PACE_AT):
        for m in w.take(rx):
            a, b = int(m[1]), int(m[2])
            if a > 20:
                continue
            secs = _clock_to_s(a, b)
            sc.paces.append(secs / 1.609344 if sc.miles_context else secs)

    # ---- sleep, hrv, rhr
    for m in w.take(_RX_SLEEP_FWD):
        if sc.sleep_h is None:
            h = _f(m[1])
            if m[3]:
                h += int(m[3]) / 60.0
            elif "and a half" in m[0]:
                h += 0.5
            sc.sleep_h = h
    for m in w.take(_RX_SLEEP_REV):
        if sc.sleep_h is None:
            sc.sleep_h = _f(m[1])
    for rx in (_RX_HRV, _RX_HRV_REV):
        for m in w.take(rx):
            if sc.hrv is None:
                sc.hrv = _f(m[1])
    for rx in (_RX_RHR, _RX_RHR_REV):
        for m in w.take(rx):
            if sc.rhr is None:
                sc.rhr = _f(m[1])

    # ---- rpe and numeric scales
    for rx in (_RX_RPE_OUT10, _RX_RPE_KW, _RX_RPE_REV):
        for m in w.take(rx):
            pre = norm[max(0, m.start() - 25) : m.start()]
            if rx is _RX_RPE_OUT10 and re.search(r"\b(?:sleep|mood|stress|sore\w*|fatigue)\W*$", pre):
                continue
            sc.rpe_num.append((m.start(), _f(m[1])))
    for m in w.take(_RX_SCALE):
        key = m[1]
        sval = int(m[2])
        denom = m[3]
        if key == "sleep" and not denom:
            continue
        if denom and "10" in denom:
            sval = max(1, round(sval / 2))
        name = {"sleep quality": "sleep_quality", "sleep": "sleep_quality", "soreness": "soreness",
                "sore": "soreness", "fatigue": "fatigue", "tiredness": "fatigue", "mood": "mood"}.get(
            key, "stress")  # fmt: skip
        sc.scales.setdefault(name, sval)

    # ---- durations
    w.take(_RX_TIME_REPS)
    for m in w.take(_RX_HMS):
        sc.durations.append((m.start(), int(m[1]) * 3600.0 + int(m[2]) * 60 + int(m[3])))
    for m in w.take(_RX_CLOCK):
        sc.clock.append((m.start(), int(m[1]), int(m[2])))
    for m in w.take(_RX_HALF_HOURS):
        sc.durations.append((m.start(), int(m[1]) * 3600.0 + 1800))
    for m in w.take(_RX_H_M):
        if int(m[2]) < 60:
            sc.durations.append((m.start(), int(m[1]) * 3600.0 + int(m[2]) * 60))
    for m in w.take(_RX_HOURS):
        if m[1]:
            sc.durations.append((m.start(), _f(m[1]) * 3600.0))
        else:
            sc.durations.append((m.start(), 1800.0 if m[2].startswith("half") else 3600.0))
    minute_spans: list[tuple[int, int]] = []
    for m in _RX_MINUTES.finditer(w.s):
        val = _f(m[1])
        unit = m[0].rstrip()
        if unit.endswith("m") and not unit.endswith("min") and (val >= 100 or sc.swim_context):
            continue  # metres: left for the distance pass
        sc.durations.append((m.start(), val * 60.0))
        minute_spans.append((m.start(), m.end()))
    if minute_spans:
        chars = list(w.s)
        for a, b in minute_spans:
            chars[a:b] = " " * (b - a)
        w.s = "".join(chars)
    w.take(_RX_SECONDS_REST)

    # ---- distances
    w.take(_RX_REPS)
    for m in w.take(_RX_DIST):
        unit = m[2]
        val = _f(m[1])
        if unit == "m":
            if val < 100 and not sc.swim_context:
                continue
            metres = val
        elif unit in ("km", "k"):
            metres = val * 1000.0
        else:
            metres = val * MILE_M
        sc.distances.append((m.start(), metres, _is_total(norm, m), False))
    for m in _RX_NAMED.finditer(norm):
        _add_named(sc, norm, m)
    sc.distances.sort(key=lambda t: t[0])
    for m in _RX_IN_BARE.finditer(norm):
        sc.bare_minutes.append((m.start(1), int(m[1])))
    for m in w.take(_RX_SUB):
        sc.targets.append((m.start(), _f(m[1])))
    for m in _RX_BARE_NUM.finditer(w.s):
        sc.bare_numbers.append((m.start(), _f(m[1])))
    hr_w = _Work(w.s)
    for rx in (_RX_HR, _RX_BPM):
        for m in hr_w.take(rx):
            if sc.avg_hr is None:
                sc.avg_hr = _f(m[1])
                sc.bare_numbers = [b for b in sc.bare_numbers if not (m.start() <= b[0] < m.end())]


def _scan_words(sc: Scan, norm: str) -> None:
    # ---- words
    for name, rules in _SCALE_WORDS.items():
        if name in sc.scales:
            continue
        text = norm.replace("sore throat", "") if name == "soreness" else norm
        for rx, val in rules:
            if rx.search(text):
                sc.scales[name] = val
                break
    for rx, rval in _RPE_WORDS:
        if rx.search(norm):
            sc.rpe_word = float(rval)
            break
    sc.illness = bool(_RX_ILLNESS.search(norm))
    sc.illness_resolved = bool(_RX_ILLNESS_RESOLVED.search(norm)) and not sc.pain_area
    if sc.illness_resolved:
        sc.illness = False
    if sc.illness:
        sc.illness_kind = next((kind for kind, rx in _ILLNESS_KINDS if rx.search(norm)), None)
    pm = _RX_PAIN.search(norm)
    if pm and pm.lastgroup:
        sc.pain_area = pm.lastgroup
        sc.pain_hold = bool(_RX_PAIN_HOLD.search(norm))
        sc.pain_resolved = (not sc.pain_hold and bool(_RX_PAIN_RESOLVED.search(norm))
                            and not _RX_PAIN_ACTIVE.search(norm))
    smatch = _RX_SPORT.search(norm)
    if smatch and smatch.lastgroup:
        sc.sport = smatch.lastgroup


def _is_total(norm: str, m: re.Match[str]) -> bool:
    return bool(_RX_TOTAL.match(norm[m.end() :]) or _RX_TOTAL_BEFORE.search(norm[: m.start()]))


# --------------------------------------------------------------------------- resolve


def _past_weekday(today: date, wd: int) -> date:
    delta = (today.weekday() - wd) % 7 or 7
    return today - timedelta(days=delta)


def _next_weekday(today: date, wd: int) -> date:
    delta = (wd - today.weekday()) % 7 or 7
    return today + timedelta(days=delta)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_month(today: date, day: int, month: int, year: int, future: bool) -> date | None:
    if year:
        return _safe_date(year, month, day)
    cand = _safe_date(today.year, month, day)
    if cand is None:
        return None
    if future and cand < today:
        return _safe_date(today.year + 1, month, day)
    if not future and cand > today:
        return _safe_date(today.year - 1, month, day)
    return cand


def _day_of_month(today: date, day: int, future: bool) -> date | None:
    y, mo = today.year, today.month
    for _ in range(3):
        cand = _safe_date(y, mo, day)
        if cand is not None and (cand >= today if future else cand <= today):
            return cand
        if future:
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        else:
            y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
    return None


def _resolve_date(d: DateMention, today: date, future: bool) -> date | None:
    if d.kind == "rel":
        return today + timedelta(days=d.a)
    if d.kind == "in_days":
        return today + timedelta(days=d.a)
    if d.kind == "iso":
        return _safe_date(d.a, d.b, d.c)
    if d.kind == "dm":
        return _day_month(today, d.a, d.b, d.c, future)
    if d.kind == "dom":
        return _day_of_month(today, d.a, future)
    if d.kind == "month":
        if d.a == today.month:
            return today
        year = today.year if d.a > today.month else today.year + 1
        return date(year, d.a, 1)
    if d.kind == "wd":
        if d.plural:
            return None
        if d.qual == "next" or (future and d.qual != "last"):
            return _next_weekday(today, d.a)
        return _past_weekday(today, d.a)
    return None


def _expand_range(d: DateMention, today: date) -> list[str]:
    if d.b == 0:  # "the 20th to the 23rd"
        start = _day_of_month(today, d.a, True)
        end = _day_of_month(start or today, d.c, True)
    else:
        start = _day_month(today, d.a, d.b, 0, True)
        end = _day_month(start or today, d.c, d.d, 0, True)
    if start is None or end is None or end < start or (end - start).days > 60:
        return []
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _unavailable(sc: Scan, today: date) -> list[str]:
    days: set[int] = set()
    isos: set[str] = set()
    for d in sc.dates:
        if d.kind == "wd":
            days.add(d.a)
        elif d.kind == "wd_range":
            i = d.a
            while True:
                days.add(i)
                if i == d.b:
                    break
                i = (i + 1) % 7
        elif d.kind == "weekend":
            days.update((5, 6))
        elif d.kind == "range":
            isos.update(_expand_range(d, today))
        elif d.kind != "month":
            r = _resolve_date(d, today, True)
            if r is not None:
                isos.add(r.isoformat())
    return [WEEKDAYS[i] for i in sorted(days)] + sorted(isos)


def _snap_race(m: float) -> float:
    for std in STANDARD_RACES:
        if abs(m - std) <= 0.015 * std:
            return std
    return m


def _num(x: float, nd: int = 1) -> float | int:
    r = round(float(x), nd)
    return int(r) if r.is_integer() else r


def _resolve_clock(a: int, b: int, distance: float | None, race: bool) -> float:
    """``a:b`` without seconds: mm:ss unless that would be faster than any human → h:mm."""
    mmss = a * 60.0 + b
    hmm = a * 3600.0 + b * 60
    if distance and distance > 0 and mmss / (distance / 1000.0) < 150 and a <= 12:
        return hmm
    if race and distance is None and a <= 6:
        return hmm
    return mmss


def resolve(sc: Scan, intent: str, today: date) -> dict[str, Any]:
    """Build the entity dict (SI units) for ``intent`` from a scan. Values are not yet checked."""
    ent: dict[str, Any] = {}
    race_ctx = intent in RACE_INTENTS
    future = intent not in LOG_INTENTS

    # distance ------------------------------------------------------------------------------
    dist: float | None = None
    if sc.distances:
        totals = [d for d in sc.distances if d[2]]
        pos, dist, _, named = totals[0] if totals else sc.distances[0]
        if race_ctx:
            ent["race_distance_m"] = _num(_snap_race(dist))
        elif intent in RACE_NAME_INTENTS and (named or _snap_race(dist) in STANDARD_RACES):
            ent["race_distance_m"] = _num(_snap_race(dist))
        else:
            ent["distance_m"] = _num(dist)

    # durations -----------------------------------------------------------------------------
    cands: list[tuple[int, float]] = list(sc.durations)
    for pos, a, b in sc.clock:
        cands.append((pos, _resolve_clock(a, b, dist, race_ctx)))
    if dist is not None or race_ctx:
        cands.extend((pos, n * 60.0) for pos, n in sc.bare_minutes)
    cands.sort(key=lambda t: t[0])
    if race_ctx:
        if not cands and sc.targets:
            n = sc.targets[0][1]
            long_race = dist is not None and dist >= 20000
            hours = (n <= 9 and long_race) or (dist is None and n <= 6)
            cands = [(0, n * 3600.0 if hours else n * 60.0)]
        if cands:
            ent["target_time_s"] = _num(cands[0][1], 0)
    elif intent == "set_availability":
        if cands:
            ent["available_minutes"] = round(cands[0][1] / 60.0)
    elif cands:
        ent["duration_s"] = _num(cands[0][1], 0)

    if sc.paces:
        ent["pace_s_per_km"] = _num(sc.paces[0])

    # dates ---------------------------------------------------------------------------------
    if intent == "set_availability" and sc.negative:
        days = _unavailable(sc, today)
        if days:
            ent["unavailable_days"] = days
    else:
        for d in sc.dates:
            if d.kind == "month" and not race_ctx:
                continue  # "in april" is only read as a race date
            r = _resolve_date(d, today, future)
            if r is not None:
                ent["race_date" if race_ctx else "date"] = r.isoformat()
                break

    # effort / metrics / wellness -----------------------------------------------------------
    if sc.rpe_num:
        ent["rpe"] = _num(sc.rpe_num[0][1])
    elif intent == "report_rpe" and sc.bare_numbers:
        ent["rpe"] = _num(sc.bare_numbers[0][1])
    elif intent in RPE_WORD_INTENTS and sc.rpe_word is not None:
        ent["rpe"] = _num(sc.rpe_word)
    if sc.avg_hr is not None:
        ent["avg_hr"] = _num(sc.avg_hr)
    if sc.hrv is not None:
        ent["hrv_ms"] = _num(sc.hrv)
    if sc.rhr is not None:
        ent["rhr_bpm"] = _num(sc.rhr)
    if sc.sleep_h is not None:
        ent["sleep_h"] = _num(sc.sleep_h, 2)
    for k in ("sleep_quality", "soreness", "fatigue", "stress", "mood"):
        if k in sc.scales:
            ent[k] = sc.scales[k]
    if sc.illness_resolved:
        ent["illness"] = False  # stored as "none": today is not an ill day
    elif sc.illness:
        ent["illness"] = True
        if sc.illness_kind:
            ent["illness_kind"] = sc.illness_kind
    if sc.pain_resolved:
        ent["pain_resolved"] = sc.pain_area  # the area that got better: no pain to store
    elif sc.pain_area:
        ent["pain_area"] = sc.pain_area
        if sc.pain_hold:
            ent["pain_hold"] = True
    if sc.sport and intent not in NO_SPORT_INTENTS:
        ent["sport"] = sc.sport
    return ent


def has_run_facts(sc: Scan) -> bool:
    return bool(sc.distances or sc.durations or sc.clock or sc.paces)


def finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
