"""Reading a customer's answers from a text reply (an e-mail answer, a WeChat text).

The revisit asks its questions numbered ("1. ... 2. ..."); customers answer either numbered
("1.5 2.是 3.送货很快") or in order, one answer per line or separated by commas or semicolons
("5，是，送货很快"). A single question takes the whole text.
"""

import re

# where the quoted original of an e-mail reply starts
QUOTE_START = re.compile(
    r"^\s*(>|-{2,}|_{5,}|On .+ wrote:|在.+写道|.*-----\s*Original|From:|发件人[:：]|\*?From\*?:)",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"(?:^|(?<=\s)|(?<=[，,；;。]))(\d{1,2})\s*[.、．:：)）]\s*")
SEPARATORS = re.compile(r"\s*(?:\n|[,，;；]|\s{2,})\s*")
SCORE_WORDS = [
    ("非常不满意", "1"),
    ("很不满意", "1"),
    ("不满意", "2"),
    ("一般", "3"),
    ("非常满意", "5"),
    ("很满意", "5"),
    ("满意", "4"),
]
CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}
YES_WORDS = ("是", "对", "有", "好", "yes", "y", "ok")
NO_WORDS = ("不是", "否", "不", "没有", "无", "no", "n")


def reply_text(text):
    """``text`` without the quoted original of an e-mail reply."""
    kept = []
    for line in (text or "").splitlines():
        if QUOTE_START.match(line):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def split_answers(text, count):
    """The answers of ``text`` for ``count`` questions, in question order (None where the reply
    gives none), or None when the reply cannot be split that way."""
    text = reply_text(text)
    if not text or not count:
        return None
    if NUMBERED.match(text):  # numbered by the customer: by their numbers or not at all
        return _numbered_answers(text, count)
    if count == 1:
        return [text]
    splits = [
        [part for part in SEPARATORS.split(text) if part],
        text.split(),
    ]
    for parts in splits:
        if len(parts) == count:
            return parts
    # fewer answers than questions: the last ones left out (whether they may be is the caller's)
    parts = max((parts for parts in splits if len(parts) < count), key=len, default=None)
    return parts + [None] * (count - len(parts)) if parts else None


def _numbered_answers(text, count):
    marks = list(NUMBERED.finditer(text))
    numbers = [int(mark.group(1)) for mark in marks]
    if not marks or numbers != sorted(set(numbers)) or not all(1 <= n <= count for n in numbers):
        return None
    if text[: marks[0].start()].strip():
        return None
    answers = [None] * count
    for mark, following in zip(marks, marks[1:] + [None], strict=True):
        end = following.start() if following else len(text)
        answers[int(mark.group(1)) - 1] = text[mark.end() : end].strip(" \n,，;；。") or None
    return answers


def read_score(value):
    """'1'..'5' from a digit, a Chinese digit or a satisfaction word; None otherwise."""
    value = (value or "").strip()
    match = re.match(r"^([1-5])(?:\s*分)?(?:\D|$)", value)
    if match:
        return match.group(1)
    if value[:1] in CHINESE_DIGITS and (len(value) == 1 or value[1:2] in "分 "):
        return CHINESE_DIGITS[value[:1]]
    for word, score in SCORE_WORDS:
        if value.startswith(word):
            return score
    return None


def read_yes_no(value):
    """'yes' / 'no' from the usual words in Chinese and English; None otherwise."""
    value = (value or "").strip().lower().rstrip("。.!！")
    for words, answer in ((NO_WORDS, "no"), (YES_WORDS, "yes")):
        if any(value == word or (not word.isascii() and value.startswith(word)) for word in words):
            return answer
    return None


def looks_like_answers(text):
    """Whether a text that could not be read was meant as answers (it starts with a number or
    with a satisfaction or yes/no word), rather than a message about something else."""
    text = reply_text(text)
    return bool(text) and (
        text[0].isdigit() or bool(read_score(text.split()[0])) or bool(read_yes_no(text.split()[0]))
    )
