"""A command imports only the code it runs, so ``papergen grade`` starts quickly."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from papergen.cli import main
try:
    main(["grade", "-h"])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def test_grade_does_not_import_the_build_report_and_rendering_code():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    assert "papergen.cli.grade_command" in loaded
    heavy = {"papergen.report", "papergen.build", "papergen.render", "papergen.cli.report_commands",
             "papergen.cli.validate_command", "papergen.simulate", "reportlab", "openpyxl"}
    assert heavy & loaded == set()


def test_help_lists_every_command_without_running_it():
    from click.testing import CliRunner

    from papergen.cli import COMMANDS, main

    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    assert all(name in result.output for name in COMMANDS)


GRADE_EMPTY = """
import sys
from papergen.cli import main
try:
    main(["grade", sys.argv[1], "--key", sys.argv[2], "--out", sys.argv[3], "--layout", sys.argv[4]])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def test_grading_an_empty_folder_loads_no_numpy_no_image_decoder_and_no_key_corrections(tmp_path):
    from fake_grading import make_manifest, small_layout
    from papergen.exam.manifest import save_manifest

    (tmp_path / "scans").mkdir()
    save_manifest(make_manifest(), tmp_path / "key.json")
    (tmp_path / "layout.json").write_text(small_layout().model_dump_json(), encoding="utf-8")
    args = [str(tmp_path / "scans"), str(tmp_path / "key.json"), str(tmp_path / "results"), str(tmp_path / "layout.json")]
    result = subprocess.run([sys.executable, "-c", GRADE_EMPTY, *args], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    loaded = set(result.stdout.split())
    assert {"papergen.grading.batch", "papergen.grading.store"} <= loaded  # it did grade
    assert (tmp_path / "results" / "scores.csv").is_file()
    unneeded = {"numpy", "cv2", "pypdfium2", "PIL", "papergen.grading.corrections", "papergen.grading.merge",
                "papergen.bank.model", "papergen.review"}
    assert unneeded & loaded == set()
