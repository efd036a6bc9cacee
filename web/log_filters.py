"""Keep link tokens out of the logs: an open-day token opens a pupil's application and a feedback
token answers for a teacher or a company, so a log line such as "Not Found: /open-days/me/<token>/"
would hand it to anyone who reads the logs."""

import logging
import re

# A feedback link is /feedback/<token>/; /feedback/asked/ (the signed-in list) holds no token.
LINK_TOKEN = re.compile(r"(/open-days/(?:me|guardian|offer|survey)/|/feedback/(?!asked/))[^/\s\"'?]+")


def redact(text: str) -> str:
    """`text` with every open-day and feedback link token replaced by "…"."""
    return LINK_TOKEN.sub(r"\1…", text)


class RedactLinkTokens(logging.Filter):
    """A handler filter: formats the record's message once, redacted, so no handler writes a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if LINK_TOKEN.search(message):
            record.msg, record.args = redact(message), ()
        return True
