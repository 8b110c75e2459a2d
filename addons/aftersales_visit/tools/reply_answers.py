"""Reading a customer's answers from a text reply (an e-mail answer, a WeChat text).

The revisit asks its questions numbered ("1. ... 2. ..."); customers answer either numbered
("1.5 2.是 3.送货很快") or in order, one answer per line or separated by commas or semicolons
("5，是，送货很快"). A single question takes the whole text.
"""

import re

# where the quoted original of an e-mail reply starts (matched on the stripped line)
QUOTE_START = re.compile(
    r"(>|-{2,}|_{5,}|On .{0,300} wrote:|在.{0,300}写道|From:|发件人[:：]|\*From:?\*)",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"(?:^|(?<=\s)|(?<=[，,；;。]))(\d{1,2})\s*[.、．:：)）]\s*")
SEPARATORS = re.compile(r"\s*(?:\n|[,，;；]|\s{2,})\s*")
SCORE_WORDS = {
    "非常不满意": "1",
    "很不满意": "1",
    "不满意": "2",
    "一般": "3",
    "还行": "3",
    "满意": "4",
    "很满意": "5",
    "非常满意": "5",
}
CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}
YES_WORDS = {"是", "是的", "对", "对的", "有", "好", "好的", "yes", "y", "ok"}
NO_WORDS = {"否", "不是", "不", "不对", "没有", "无", "no", "n"}
# what may surround a single answer: spaces, punctuation, a unit (5分, 5星)
PADDING = " \t\n,，.。;；!！~～、"
SCORE = re.compile(r"([1-5]|[一二三四五])\s*(分|星)?")


def reply_text(text):
    """``text`` without the quoted original of an e-mail reply."""
    kept = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if QUOTE_START.match(stripped) or "-----original" in stripped.lower():
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


def _bare(value):
    return (value or "").strip(PADDING).lower()


def read_score(value):
    """'1'..'5' from an answer that is only a score: a digit or a Chinese digit (with 分 or 星)
    or a satisfaction word; None otherwise ("5月1日前休假" is no score)."""
    value = _bare(value)
    match = SCORE.fullmatch(value)
    if match:
        return CHINESE_DIGITS.get(match.group(1), match.group(1))
    return SCORE_WORDS.get(value)


def read_yes_no(value):
    """'yes' / 'no' from an answer that is only a yes or a no, in Chinese or English."""
    value = _bare(value)
    if value in NO_WORDS:
        return "no"
    if value in YES_WORDS:
        return "yes"
    return None


def looks_like_answers(text):
    """Whether a text that could not be read was meant as answers (it starts with a number or
    with a satisfaction or yes/no word), rather than a message about something else."""
    text = reply_text(text)
    return bool(text) and (
        text[0].isdigit() or bool(read_score(text.split()[0])) or bool(read_yes_no(text.split()[0]))
    )
