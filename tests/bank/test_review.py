"""The review workflow: statuses backed by reviews, minimum status at build time, the notice on unapproved papers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from papergen.assembly.synthetic import SyntheticSpec, synthetic_bank
from papergen.bank.io import load_bank, save_bank
from papergen.bank.review import format_status_counts, is_drawable, live_bank, review_notice, status_counts
from papergen.bank.validate import validate_bank
from papergen.build import build_exam
from papergen.cli import main
from papergen.exam import load_manifest
from papergen.resources import bundled_bank_path, bundled_format_path

REVIEW = {"reviewer": "学科组 王老师", "date": "2026-12-01", "status": "reviewed", "key_reference": "003.txt #9"}
APPROVAL = {**REVIEW, "status": "approved"}


def _check(make_bank, items):
    return [(p.severity, p.path, p.message) for p in validate_bank(make_bank(items), source="b").problems]


def test_items_default_to_draft_and_a_draft_needs_no_review(make_bank, make_item):
    bank = make_bank([make_item("s1")])
    assert bank.items[0].status == "draft" and bank.items[0].reviews == []
    assert _check(make_bank, [make_item("s1")]) == []


@pytest.mark.parametrize("status, reviews", [("reviewed", []), ("approved", [REVIEW])])
def test_reviewed_or_approved_status_needs_a_review_with_that_status(make_bank, make_item, status, reviews):
    [(severity, path, message)] = _check(make_bank, [make_item("s1", status=status, reviews=reviews)])
    assert (severity, path) == ("error", "items[0].status")
    assert message.startswith(f'status "{status}" needs a review with that status')


def test_a_review_must_name_what_the_key_was_checked_against(make_bank, make_item):
    review = {k: v for k, v in REVIEW.items() if k != "key_reference"}
    [(severity, path, message)] = _check(make_bank, [make_item("s1", status="reviewed", reviews=[review])])
    assert (severity, path) == ("error", "items[0].reviews") and "key_reference" in message
    assert _check(make_bank, [make_item("s1", status="approved", reviews=[REVIEW, APPROVAL])]) == []


def test_retired_items_need_a_reason_and_only_they_have_one(make_bank, make_item):
    [(_, path, message)] = _check(make_bank, [make_item("s1", status="retired")])
    assert path == "items[0].retired_reason" and "needs" in message
    [(_, path, message)] = _check(make_bank, [make_item("s1", retired_reason="重复")])
    assert path == "items[0].retired_reason" and "only a retired item" in message


def test_review_dates_are_checked_by_the_schema(make_bank, make_item):
    with pytest.raises(ValueError, match="date"):
        make_bank([make_item("s1", reviews=[{**REVIEW, "date": "2026-13-01"}])])


def test_minimum_status_draws_upwards_and_never_retired(make_bank, make_item):
    items = [
        make_item("d"),
        make_item("r", status="reviewed", reviews=[REVIEW]),
        make_item("a", status="approved", reviews=[APPROVAL]),
        make_item("x", status="retired", retired_reason="超纲"),
    ]
    bank = make_bank(items)
    assert [i.id for i in live_bank(bank).items] == ["d", "r", "a"]
    assert [i.id for i in live_bank(bank, "reviewed").items] == ["r", "a"]
    assert [i.id for i in live_bank(bank, "approved").items] == ["a"]
    assert status_counts(bank.items) == {"draft": 1, "reviewed": 1, "approved": 1, "retired": 1}
    assert "retired 1" in format_status_counts(bank.items)
    with pytest.raises(ValueError, match="retired"):
        is_drawable(bank.items[0], "retired")  # type: ignore[arg-type]


def test_notice_counts_items_below_approved(make_bank, make_item):
    bank = make_bank([make_item("d"), make_item("a", status="approved", reviews=[APPROVAL])])
    notice = review_notice(bank.items)
    assert notice is not None and "1 道" in notice and "draft 1" in notice
    assert review_notice(bank.items[1:]) is None


def test_retired_items_leave_the_duplicate_checks(make_bank, make_item):
    original = make_item("s1")
    copy = make_item("s2", stem=original["stem"], options=original["options"])
    assert _check(make_bank, [original, copy])  # the same question twice
    assert _check(make_bank, [original, {**copy, "status": "retired", "retired_reason": "与 s1 重复"}]) == []


@pytest.fixture(scope="module")
def reviewed_bank(tmp_path_factory):
    """A synthetic bank whose items are approved, except some drafts and some retired ones."""
    bank = synthetic_bank(SyntheticSpec(items=1200, topics=20), seed=3, bank_id="cs-synthetic")
    items = []
    for k, item in enumerate(bank.items):
        if k % 10 == 0:
            items.append(item.model_copy(update={"status": "retired", "retired_reason": "测试"}))
        elif k % 10 == 1:
            items.append(item)
        else:
            review = {**APPROVAL, "date": "2026-12-01"}
            items.append(item.model_validate({**item.model_dump(), "status": "approved", "reviews": [review]}))
    path = tmp_path_factory.mktemp("bank") / "bank.json"
    save_bank(bank.model_copy(update={"items": items}), path)
    return path


def test_build_with_minimum_status_draws_only_those_items_and_says_so(reviewed_bank, tmp_path):
    statuses = {item.id: item.status for item in load_bank(reviewed_bank).items}
    approved = build_exam(reviewed_bank, bundled_format_path("cs-180"), out_dir=tmp_path / "a", variants=1, seed=1,
                          min_status="approved")
    drawn = {q.item_id for q in approved.manifest.variants[0].questions}
    assert {statuses[i] for i in drawn} == {"approved"}
    assert approved.manifest.min_status == "approved" and approved.manifest.review_notice is None
    default = build_exam(reviewed_bank, bundled_format_path("cs-180"), out_dir=tmp_path / "d", variants=1, seed=1)
    drawn = {q.item_id for q in default.manifest.variants[0].questions}
    assert "retired" not in {statuses[i] for i in drawn}
    drafts = sum(statuses[i] == "draft" for i in drawn)
    manifest = load_manifest(tmp_path / "d" / "key.json")
    assert drafts and manifest.min_status == "draft" and f"{drafts} 道" in manifest.review_notice


def test_build_command_prints_the_notice(reviewed_bank, tmp_path):
    args = ["build", str(reviewed_bank), "--format", "cs-180", "--seed", "2", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Notice: not approved: " in result.output and "本次组卷" not in result.output
    chinese = CliRunner().invoke(main, ["--lang", "zh", *args[:-1], str(tmp_path / "zh")])
    assert chinese.exit_code == 0, chinese.output
    assert "注意：本次组卷含" in chinese.output and "not approved" not in chinese.output
    result = CliRunner().invoke(main, [*args, "--min-status", "approved"])
    assert result.exit_code == 0 and "Notice" not in result.output


def test_shipped_bank_holds_no_approved_item():
    """Approval is for a centre's subject experts; a shipped item is at most reviewed."""
    bank = load_bank(bundled_bank_path("customer-service"))
    assert status_counts(bank.items)["approved"] == 0
    for item in bank.items:
        if item.status == "reviewed":
            assert any(r.status == "reviewed" and r.key_reference for r in item.reviews), item.id
