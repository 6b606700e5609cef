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
