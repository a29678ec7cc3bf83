"""The release path: the sdist and wheel build and pass `twine check`, and the wheel, installed
alone (--no-deps) into a venv outside the clone, runs `drillctl --version` and `drillctl list`
(built-in scenarios are package data: a wheel without them would list nothing)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["bullmq-backpressure", "redis-cache-flush", "signin-failure-spike", "ws-handshake-storm"]


def run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--quiet", "--outdir", str(out), str(ROOT)], ROOT)
    return out


def installed(dist: Path, where: Path) -> Path:
    """A venv with the wheel alone. Its dependencies come from this test's environment, added as a
    site directory by a .pth line (nothing is downloaded; its own .pth files run too, so the
    example fault plugin registered there imports). The venv's own site-packages comes first, so
    what runs is the wheel's drillctl, not the editable one (asserted below)."""
    venv.create(where, with_pip=True, system_site_packages=True)
    python = where / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], where)
    deps = sysconfig.get_path("purelib")
    (Path(site.strip()) / "dev-deps.pth").write_text(f"import site; site.addsitedir({deps!r})\n")
    wheel = next(dist.glob("drillctl-*.whl"))
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], where)
    return where / "bin"


def test_the_sdist_and_wheel_pass_twine_check(dist: Path) -> None:
    files = sorted(p.name for p in dist.iterdir())
    assert [f.split("-")[0] for f in files] == ["drillctl", "drillctl"]
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    out = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())], ROOT)
    assert out.count("PASSED") == 2


def test_the_wheel_alone_runs_version_and_list_outside_the_clone(
    dist: Path, tmp_path: Path
) -> None:
    bin_dir = installed(dist, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    origin = run(
        [str(bin_dir / "python"), "-c", "import drillctl; print(drillctl.__file__)"], elsewhere
    )
    assert Path(origin.strip()).is_relative_to(tmp_path / "venv")
    assert run([str(bin_dir / "drillctl"), "--version"], elsewhere).strip() == "drillctl 0.1.0"
    listing = run([str(bin_dir / "drillctl"), "list"], elsewhere)
    assert all(name in listing for name in NAMES)
