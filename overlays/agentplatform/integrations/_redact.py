"""`redact_pii`: the built-in redactor for captured prompts and responses.

It replaces e-mail addresses with `[EMAIL]`, phone numbers with `[PHONE]`, API-key-like
strings (well-known key prefixes, bearer tokens, JWTs, `key=...` assignments and long
mixed-case tokens with digits) with `[API_KEY]`, and card numbers that pass the Luhn
check with `[CARD]`. Digit runs that fail the Luhn check are left alone unless they
look like a phone number.
"""

from __future__ import annotations

import re

_KEYS = re.compile(
    r"""
    \b(?:
        sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_\-]{16,}      # OpenAI, Anthropic
      | (?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9_]{10,}         # Stripe-style
      | AKIA[0-9A-Z]{16}                                     # AWS access key id
      | gh[pousr]_[A-Za-z0-9]{30,}                           # GitHub tokens
      | github_pat_[A-Za-z0-9_]{30,}
      | xox[abprs]-[A-Za-z0-9\-]{10,}                        # Slack
      | AIza[0-9A-Za-z_\-]{35}                               # Google API key
      | eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}   # JWT
    )
    | (?<=\bBearer\ )[A-Za-z0-9._~+/\-]{16,}=*
    | (?<![A-Za-z0-9])(?=[A-Za-z0-9_\-]*[a-z])(?=[A-Za-z0-9_\-]*[A-Z])(?=[A-Za-z0-9_\-]*\d)
      [A-Za-z0-9_\-]{32,}(?![A-Za-z0-9])
    """,
    re.VERBOSE,
)
_ASSIGNED_SECRET = re.compile(
    r"(?i)\b((?:api[_-]?key|secret|token|password|passwd)\s*[:=]\s*)([\"']?)[^\s\"',;]{6,}\2"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ \-]?\d){12,18}(?![\d-])")
_PHONE = re.compile(
    r"""
    (?<![\w+])(?:
        \+\d{1,3}[\s.\-]?(?:\(\d{1,4}\)[\s.\-]?)?\d{1,4}(?:[\s.\-]?\d{2,4}){1,4}
      | \(?\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}
    )(?![\w])
    """,
    re.VERBOSE,
)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum (as card numbers do)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[CARD]" if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return "[PHONE]" if 7 <= digits <= 15 else match.group()


def redact_pii(text: str) -> str:
    """`text` with e-mail addresses, phone numbers, API-key-like strings and (Luhn-valid)
    card numbers replaced by `[EMAIL]`, `[PHONE]`, `[API_KEY]` and `[CARD]`.

    ```python
    redact_pii("mail ann@example.com, card 4111 1111 1111 1111")
    # 'mail [EMAIL], card [CARD]'
    ```
    """
    text = _ASSIGNED_SECRET.sub(lambda m: f"{m.group(1)}[API_KEY]", text)
    text = _KEYS.sub("[API_KEY]", text)
    text = _EMAIL.sub("[EMAIL]", text)
    text = _CARD.sub(_card, text)
    return _PHONE.sub(_phone, text)
