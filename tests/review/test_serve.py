"""``papergen review RESULTS`` as a proctor starts it: a local server, its URL with a token, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from fake_grading import small_layout
from review_sitting import scanned_sitting

from papergen.review.serve import review_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_serves_on_localhost_with_a_token_and_writes_the_exports_on_stop(tmp_path):
    results = scanned_sitting(tmp_path)
    layout = tmp_path / "layout.json"
    layout.write_text(small_layout().model_dump_json(), encoding="utf-8")
    (results / "scores.csv").unlink()
    command = [sys.executable, "-c", "from papergen.cli import main; main()", "review", str(results),
               "--no-browser", "--layout", str(layout), "--who", "监考丙"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        while not any("token=" in line for line in lines):
            line = server.stdout.readline()
            assert line, f"the server stopped: {''.join(lines)}"
            lines.append(line)
        url = next(line for line in lines if "token=" in line).split(": ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and "absent, to confirm: 2024000002 李华" in "".join(lines)
        base, token = url.split("/?token=")
        try:
            urllib.request.urlopen(base + "/api/summary", timeout=10)
            refused = None
        except urllib.error.HTTPError as exc:
            refused = exc.code
        assert refused == 403
        with urllib.request.urlopen(f"{base}/api/summary?token={token}", timeout=10) as answer:
            summary = json.load(answer)
        assert summary["who"] == "监考丙" and summary["counts"]["set_aside"] == 1
        assert url == review_url("127.0.0.1", int(base.rsplit(":", 1)[1]), token)
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0 and "Stopped; exports written" in output, output
    assert (results / "scores.csv").is_file()  # written once more on the way out
