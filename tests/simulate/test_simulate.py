"""Simulated sittings: cohort model, mark kinds, capture profiles, scanner files and truth."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pytest
from paper_builders import bundled_layout, make_candidates, make_manifest, make_paper
from bundled_exam import build_bundled_exam

from omr.read import read_sheet
from omr.scan_io import iter_pages
from omr.synth import KIND_TRUTH, Scan, SheetMarks, binarise, capture, draw_mark, draw_sheet
from papergen.errors import SimulationError
from papergen.exam.manifest import ExamManifest
from papergen.simulate import SimExtras, load_truth, load_truth_dir, simulate_cohort, simulate_scans
from papergen.simulate.capture import PROFILES, PageCapture, capture_profile, sample_capture
from papergen.simulate.cohort import CohortParams, item_models, item_p_values
from papergen.simulate.marks import ODD_KINDS, MarkMix, mark_mix, mark_sheet
from papergen.simulate.truth import questions_truth
from papergen.simulate.writers import blank_back, scan_file_name, write_scan_file

LAYOUT = bundled_layout()


@pytest.fixture(scope="module")
def manifest() -> ExamManifest:
    return make_manifest([make_paper(seed=3, variant="A"), make_paper(seed=3, variant="B")])


@pytest.fixture(scope="module")
def exam_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("exam")
    build_bundled_exam(folder, variants=2, seed=5)
    return folder


# -- cohort ----------------------------------------------------------------------------------------


def test_a_seed_gives_the_same_cohort_and_another_seed_another(manifest):
    first = simulate_cohort(manifest, 5, seed=1)
    assert simulate_cohort(manifest, 5, seed=1) == first
    assert simulate_cohort(manifest, 5, seed=2) != first


def test_candidates_get_distinct_numbers_of_the_grid_width_and_alternate_variants(manifest):
    cohort = simulate_cohort(manifest, 6, seed=1, digits=10)
    assert len({c.number for c in cohort}) == 6
    assert all(len(c.number) == 10 and c.number.isdigit() and c.number.startswith("2026") for c in cohort)
    assert [c.variant for c in cohort] == ["A", "B"] * 3


def test_a_roster_gives_numbers_names_and_variants(manifest):
    roster = make_candidates(4, ("A", "B"))
    cohort = simulate_cohort(manifest.model_copy(update={"candidates": roster}), 3, seed=1)
    assert [(c.number, c.name, c.variant) for c in cohort] == [(r.number, r.name, r.variant) for r in roster[:3]]


def test_more_candidates_than_the_roster_is_an_error(manifest):
    roster = make_candidates(2)
    with pytest.raises(SimulationError, match="3 candidates asked for, the roster has 2"):
        simulate_cohort(manifest.model_copy(update={"candidates": roster}), 3, seed=1)


def test_answers_use_the_printed_labels_of_each_question(manifest):
    key = {q.number: q for q in manifest.variant("A").questions}
    for candidate in simulate_cohort(manifest, 20, seed=4):
        for number, chosen in candidate.answers.items():
            allowed = ("T", "F") if key[number].type == "judge" else "ABCDE"[: len(key[number].permutation)]
            assert set(chosen) <= set(allowed)
            assert list(chosen) == sorted(chosen, key=allowed.index)


def test_share_of_correct_answers_follows_each_items_target_p_value(manifest):
    p_values = {q.item_id: (0.85 if q.number % 2 else 0.35) for q in manifest.variant("A").questions}
    p_values |= {q.item_id: 0.6 for q in manifest.variant("B").questions}
    cohort = [c for c in simulate_cohort(manifest, 600, seed=9, p_values=p_values) if c.variant == "A"]
    key = manifest.variant("A").questions
    shares = {n: np.mean([c.answers[q.number] == tuple(q.answer) for c in cohort]) for n, q in
              ((q.number, q) for q in key)}
    easy = np.mean([s for n, s in shares.items() if n % 2])
    hard = np.mean([s for n, s in shares.items() if not n % 2])
    assert abs(easy - 0.85) < 0.04 and abs(hard - 0.35) < 0.04


def test_stronger_candidates_score_higher(manifest):
    cohort = simulate_cohort(manifest, 200, seed=2)
    key = {q.number: tuple(q.answer) for q in manifest.variant("A").questions}
    cohort = [c for c in cohort if c.variant == "A"]
    scores = [sum(c.answers[n] == answer for n, answer in key.items()) for c in cohort]
    assert np.corrcoef([c.ability for c in cohort], scores)[0, 1] > 0.8


def test_item_p_values_come_from_stats_then_labels_then_medium(manifest, make_bank, make_item):
    single = manifest.variant("A").questions[0]
    judge = next(q for q in manifest.variant("A").questions if q.type == "judge")
    stats = {"p_value": 0.3, "discrimination": 0.4, "candidates": 50, "exam_id": "old"}
    bank = make_bank([make_item(single.item_id, stats=stats), make_item(judge.item_id, "judge", difficulty="hard")])
    params = CohortParams()
    p = item_p_values(manifest, bank, params)
    assert p[single.item_id] == 0.3
    assert p[judge.item_id] == params.p_hard
    other = manifest.variant("A").questions[1].item_id
    assert p[other] == params.p_medium


def test_items_without_a_p_value_are_reported(manifest):
    with pytest.raises(SimulationError, match="has no p-value; pass the bank"):
        item_models(manifest, {}, seed=1)


# -- marks -----------------------------------------------------------------------------------------


def _marks(mix: MarkMix, seed: int = 1, count: int = 4, manifest: ExamManifest | None = None) -> list[SheetMarks]:
    exam = manifest or make_manifest([make_paper(seed=3)])
    return [mark_sheet(c, LAYOUT, mix, random.Random(seed + i))
            for i, c in enumerate(simulate_cohort(exam, count, seed=seed))]


def _kinds(marks: list[SheetMarks]) -> set[str]:
    return {kind for sheet in marks for q in sheet.answers.values() for kind in q.values()}


def test_careful_candidates_leave_only_clean_fills():
    assert _kinds(_marks(mark_mix("careful"))) <= {"pen", "pencil"}


def test_a_messy_cohort_leaves_every_kind_of_mark():
    assert _kinds(_marks(mark_mix("messy"), count=12)) == {"pen", "pencil", "erasure", "dot", *ODD_KINDS}


def test_intended_answers_are_exactly_the_bubbles_whose_marks_mean_a_choice():
    exam = make_manifest([make_paper(seed=3)])
    cohort = simulate_cohort(exam, 6, seed=8)
    for i, candidate in enumerate(cohort):
        marks = mark_sheet(candidate, LAYOUT, mark_mix("messy"), random.Random(i))
        for q in questions_truth(LAYOUT, marks):
            assert q.chosen() == candidate.answers.get(q.number, ())


def test_the_candidate_number_is_filled_digit_by_digit():
    exam = make_manifest([make_paper(seed=3)])
    candidate = simulate_cohort(exam, 1, seed=8)[0]
    marks = mark_sheet(candidate, LAYOUT, mark_mix("typical"), random.Random(3))
    assert "".join(str(next(iter(marks.digits[c]))) for c in range(10)) == candidate.number


def test_a_mix_for_bitonal_scans_leaves_no_light_fills():
    mix = MarkMix(name="light", odd_rate=1.0, odd_weights=(1.0, 0.0, 0.0, 0.0)).for_bitonal()
    assert "light" not in _kinds(_marks(mix))


def test_mark_mixes_reject_rates_outside_0_1():
    with pytest.raises(SimulationError, match="rates must lie in"):
        MarkMix(name="bad", odd_rate=1.5)


def test_an_unknown_mix_is_named_with_the_choices():
    with pytest.raises(SimulationError, match="unknown mark mix .*'sloppy'.*careful, typical, messy"):
        mark_mix("sloppy")


def test_every_drawn_kind_darkens_its_bubble_and_stray_dots_stay_small():
    scale = 100 / 25.4
    spot = LAYOUT.bubbles()[0]
    darkness = {}
    for kind in KIND_TRUTH:
        page = np.full((1200, 900), 255, np.uint8)
        draw_mark(page, scale, (spot.x_mm, spot.y_mm), LAYOUT, kind, np.random.default_rng(1))
        darkness[kind] = float((255 - page.astype(np.float32)).sum())
    assert all(value > 0 for value in darkness.values())
    assert darkness["dot"] < darkness["tick"] < darkness["pen"]


# -- captures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PROFILES))
def test_captures_stay_within_their_profiles_ranges(name):
    profile = capture_profile(name)
    rng = random.Random(5)
    for _ in range(30):
        capture_ = sample_capture(profile, rng)
        scan = capture_.scan
        assert abs(scan.skew_deg) <= profile.skew_deg
        assert profile.jpeg_quality[0] <= capture_.jpeg_quality <= profile.jpeg_quality[1]
        assert profile.paper[0] <= scan.paper + 1 and scan.paper <= profile.paper[1]
        assert (scan.quarter_turns == 0) or scan.quarter_turns in profile.turns
        assert (capture_.bitonal_threshold is None) == (not profile.bitonal)


def test_an_unknown_profile_is_named_with_the_choices():
    with pytest.raises(SimulationError, match="unknown capture profile .*'fax'.*feeder-200.*mixed"):
        capture_profile("fax")


def test_a_bitonal_capture_delivers_black_and_white_with_the_fill_kept():
    page = draw_sheet(LAYOUT, dpi=100, qr_text=None)
    image = binarise(capture(page, 100, Scan(blur_sigma_px=0.5, noise_sigma=3), seed=1), 128)
    assert set(np.unique(image)) <= {0, 255}
    fiducial = LAYOUT.pixel_geometry(100).fiducial_xy[0].astype(int)
    assert image[fiducial[1], fiducial[0]] == 0


def test_folds_and_dog_ears_change_the_page_and_keep_its_size():
    page = draw_sheet(LAYOUT, dpi=60, qr_text=None)
    flat = capture(page, 60, Scan(), seed=2)
    bent = capture(page, 60, Scan(bend_mm=2.0), seed=2)
    eared = capture(page, 60, Scan(dog_ear_mm=25.0), seed=2)
    assert bent.shape == eared.shape == flat.shape
    assert np.abs(bent.astype(int) - flat).mean() > 1.0
    assert (eared != flat).sum() > 0.5 * (25 * 60 / 25.4) ** 2 / 2


def test_tags_name_the_degradations_of_a_page():
    capture_ = PageCapture("phone", 150, Scan(quarter_turns=2, skew_deg=3, perspective_mm=4, lighting=0.3,
                                              blur_sigma_px=1.1, noise_sigma=7), 45, None)
    assert capture_.tags("jpeg") == ("150 dpi", "skew >1 deg", "turned 180 deg", "perspective", "blur", "noise",
                                     "uneven light", "jpeg q<60")


# -- files -----------------------------------------------------------------------------------------


def _page_capture(dpi: float = 100.0, quality: int = 80) -> PageCapture:
    return PageCapture("test", dpi, Scan(), quality, None)


@pytest.mark.parametrize("file_format", ["pdf-jpeg", "pdf-g4", "tiff-g4", "jpeg", "png"])
def test_scan_files_decode_upright_with_black_ink_and_their_resolution(tmp_path, file_format):
    page = draw_sheet(LAYOUT, dpi=100, qr_text=None)
    image = binarise(page, 128) if "g4" in file_format else page
    path = write_scan_file(tmp_path / scan_file_name("scan", 1, file_format), [image], [_page_capture()], file_format)
    (decoded,) = list(iter_pages([path]))
    assert decoded.image.shape == page.shape and abs(decoded.dpi - 100) < 0.5
    assert np.abs(decoded.image.astype(int) - image).mean() < (0.01 if "g4" in file_format else 3)


def test_single_image_formats_refuse_several_pages(tmp_path):
    page = np.full((50, 40), 255, np.uint8)
    with pytest.raises(SimulationError, match="a jpeg file holds one page"):
        write_scan_file(tmp_path / "x.jpg", [page, page], [_page_capture()] * 2, "jpeg")


def test_a_blank_back_shows_the_front_mirrored_and_faint():
    front = np.full((20, 30), 255, np.uint8)
    front[5:10, 2:6] = 0
    back = blank_back(front, bleed=0.1)
    assert back[7, 30 - 4] < 255 and back[7, 4] == 255
    assert back.min() >= 255 - 26


# -- simulate_scans --------------------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_simulated_batch_holds_sheets_backs_and_a_foreign_sheet_with_their_truth(exam_dir, tmp_path):
    result = simulate_scans(exam_dir, tmp_path / "sim", candidates=3, seed=2, profile="feeder-200",
                            extras=SimExtras(foreign_sheets=1))
    truth = load_truth_dir(result.truth_dir)
    assert [p.name for p in result.files] == list(truth) == ["feeder-200-0001.pdf"]
    pages = truth["feeder-200-0001.pdf"].pages
    kinds = [p.kind for p in pages]
    assert kinds.count("sheet") == 3 and kinds.count("foreign") == 1
    assert kinds[1::2] == ["blank"] * 4 and "blank" not in kinds[::2]
    sheets = [p for p in pages if p.kind == "sheet"]
    assert [p.candidate for p in sheets] == [c.number for c in result.candidates]
    assert all(p.qr_text.startswith(f"PG1|{result.exam_id}|{p.variant}|") for p in sheets)
    assert json.loads((result.out_dir / "simulation.json").read_text("utf-8"))["seed"] == 2


def test_the_reader_reads_a_simulated_sheet_as_its_truth_says(exam_dir, tmp_path):
    result = simulate_scans(exam_dir, tmp_path / "sim", candidates=1, seed=4, profile="flatbed-300", mix="careful")
    (page,) = list(iter_pages(result.files))
    truth = load_truth(result.truth_dir / f"{result.files[0].name}.json").pages[0]
    read = read_sheet(page.image, LAYOUT, dpi=page.dpi)
    assert read.qr_text == truth.qr_text and read.candidate.digits == truth.candidate
    differing = [r for r, t in zip(read.questions, truth.questions) if r.marked != t.chosen()]
    # a careful flatbed sheet reads as meant; the rare mark the reader doubts goes to review, never silently
    assert all(r.needs_review for r in differing), [(r.number, r.marked, r.fills) for r in differing]
    assert len([r for r in read.questions if r.needs_review]) <= 2


def test_the_same_seed_writes_the_same_files_with_one_or_two_workers(exam_dir, tmp_path):
    one = simulate_scans(exam_dir, tmp_path / "one", candidates=2, seed=6, profile="feeder-150")
    two = simulate_scans(exam_dir, tmp_path / "two", candidates=2, seed=6, profile="feeder-150", workers=2)
    assert _digest(one.scans_dir) == _digest(two.scans_dir)
    assert _digest(one.truth_dir) == _digest(two.truth_dir)


def test_a_manifest_alone_is_simulated_on_sheets_rendered_from_it(tmp_path):
    manifest = make_manifest([make_paper(seed=3)], make_candidates(2))
    result = simulate_scans(manifest, tmp_path / "sim", candidates=2, seed=1, profile="feeder-150")
    assert sorted(p.name for p in (tmp_path / "sim" / "sheets").iterdir()) == ["sheet-A.pdf", "sheets-A.pdf"]
    truths = [load_truth(p).pages[0] for p in sorted(result.truth_dir.iterdir())]
    assert [t.qr_text.rsplit("|", 1)[1] for t in truths] == [c.number for c in manifest.candidates]


def test_simulating_into_a_folder_with_scans_is_refused(exam_dir, tmp_path):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "old.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(SimulationError, match="already holds 1 files .*old.pdf.*new or empty folder"):
        simulate_scans(exam_dir, tmp_path, candidates=1, seed=1)


def test_a_folder_without_a_key_is_refused(tmp_path):
    with pytest.raises(SimulationError, match="no key.json found"):
        simulate_scans(tmp_path, tmp_path / "out", candidates=1, seed=1)


def test_more_folded_sheets_than_candidates_is_refused(exam_dir, tmp_path):
    with pytest.raises(SimulationError, match="folded sheets and blank backs at most the 1 candidates"):
        simulate_scans(exam_dir, tmp_path / "sim", candidates=1, seed=1, extras=SimExtras(folded_sheets=2))


def test_progress_counts_every_page_job_up_to_the_total(exam_dir, tmp_path):
    calls = []
    result = simulate_scans(exam_dir, tmp_path / "sim", candidates=3, seed=2, profile="feeder-150",
                            extras=SimExtras(foreign_sheets=1), progress=lambda done, total: calls.append((done, total)))
    total = calls[0][1]
    assert calls == [(done, total) for done in range(total + 1)]
    assert total == result.sheets + 1  # each candidate's sheet and the foreign sheet, a job each
