"""Topics for an import given no topics file: the bundled keyword table's, or one 未分类 topic."""

from __future__ import annotations

from papergen.bank.model import Bank, Topic
from papergen.errors import ImportTextError
from papergen.importers.classify import TopicKeywords, topic_matches
from papergen.files import read_json
from papergen.resources import bundled_bank_path
from papergen.i18n import N_, _

__all__ = ["UNSORTED_TOPIC", "KEYWORD_BANK", "keyword_topics", "settle_topics"]

UNSORTED_TOPIC = Topic(code="00", name="未分类", weight=1.0)
"""The one topic of a bank whose questions match no keyword of the table."""
KEYWORD_BANK = "customer-service"
"""The bundled bank whose topics the bundled keyword table sorts questions into."""


def keyword_topics() -> tuple[Topic, ...]:
    """The topics of the bundled keyword table (those of the bundled customer-service bank).

    Raises
    ------
    ImportTextError
        If the bundled bank cannot be read.
    """
    path = bundled_bank_path(KEYWORD_BANK)
    data = read_json(path, ImportTextError, N_("bank"))
    return tuple(Topic.model_validate(t) for t in data["topics"])


def settle_topics(bank: Bank, keywords: TopicKeywords) -> tuple[Bank, str]:
    """Keep the keyword topics when some item matches a keyword, else put every item under 未分类.

    Returns
    -------
    (Bank, str)
        The bank, and what the user is told about its topics.
    """
    matched = sum(topic_matches(i.stem, [o.text for o in i.options], keywords) for i in bank.items)
    total = len(bank.items)
    if matched:
        codes = sorted({i.topic for i in bank.items})
        note = (
            _(
                "no --topics: {matched} of {total} items matched the bundled keyword table and were sorted into "
                "the {table} topics ({codes}); the other {other} got its default topic {default}; give "
                "--topics to use your own").format(
                    matched=matched, total=total, table=KEYWORD_BANK, codes=', '.join(codes), other=total - matched,
                    default=keywords.default)
        )
        return bank, note
    items = [i.model_copy(update={"topic": UNSORTED_TOPIC.code}) for i in bank.items]
    note = (
        _(
            "no --topics: no item matched the bundled keyword table, so all {total} items got the one topic "
            "{code} {name}; give --topics to sort them").format(
                total=total, code=UNSORTED_TOPIC.code, name=UNSORTED_TOPIC.name)
    )
    return bank.model_copy(update={"topics": [UNSORTED_TOPIC], "items": items}), note
