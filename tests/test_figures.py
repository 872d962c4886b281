"""figures/ is up to date with `dynweights.write_figures` (= `python -m dynweights figures`)."""

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import dynweights as dw

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"
COMMITTED = sorted(p.name for p in FIGURES.glob("*.png"))
TOLERANCE = 1.0  # RMS over 0-255 pixel values; redrawing a curve differently is far above


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    written = dw.write_figures(str(out))
    return out, [Path(p) for p in written]


def png_chunks(data):
    """(type, payload) of every chunk of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        chunks.append((data[i + 4:i + 8].decode("ascii"), data[i + 8:i + 8 + length]))
        i += 12 + length
    assert chunks[-1][0] == "IEND"
    return chunks


def test_every_figure_is_committed_and_none_is_stale(regenerated):
    out, written = regenerated
    assert "dynamic_weights.png" in COMMITTED
    assert sorted(p.name for p in written) == sorted(p.name for p in out.iterdir())
    assert sorted(p.name for p in written) == COMMITTED


@pytest.mark.parametrize("name", COMMITTED)
def test_figure_is_up_to_date(regenerated, name):
    from matplotlib.testing.compare import compare_images

    out, _ = regenerated
    result = compare_images(str(FIGURES / name), str(out / name), tol=TOLERANCE)
    assert result is None, f"figures/{name} is stale; run `make figures`:\n{result}"


@pytest.mark.parametrize("name", COMMITTED)
def test_figure_has_no_timestamp_or_software_metadata(regenerated, name):
    out, _ = regenerated
    for path in (FIGURES / name, out / name):
        chunks = png_chunks(path.read_bytes())
        kinds = [kind for kind, _ in chunks]
        assert "tIME" not in kinds
        texts = [payload.split(b"\0", 1)[0] for kind, payload in chunks
                 if kind in ("tEXt", "zTXt", "iTXt")]
        assert texts == [], f"{path}: text metadata {texts}"


def test_source_post_figure_size(regenerated):
    out, _ = regenerated
    ihdr = dict(png_chunks((FIGURES / "dynamic_weights.png").read_bytes()))["IHDR"]
    width, height = struct.unpack(">II", ihdr[:8])
    assert width * 6 == height * 10  # 10 x 6 inches


def test_cli_writes_the_same_figures(regenerated, tmp_path):
    """`python -m dynweights figures --out DIR` writes every figure, byte for byte the same
    as `write_figures` in this process (no timestamps: the PNGs are reproducible)."""
    out, written = regenerated
    cli = tmp_path / "cli"
    result = subprocess.run([sys.executable, "-m", "dynweights", "figures", "--out", str(cli)],
                            cwd=ROOT, env=dict(os.environ, MPLBACKEND="Agg"),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in cli.iterdir()) == COMMITTED
    for path in written:
        assert f"wrote {cli / path.name}" in result.stdout
        assert (cli / path.name).read_bytes() == path.read_bytes(), path.name


def test_write_figures_leaves_the_backend_and_open_figures_alone(tmp_path):
    """In a fresh process whose backend is svg and which has a figure open, write_figures
    changes neither (it once switched every caller to Agg: in a notebook, inline plots
    stopped showing)."""
    code = ("import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt; "
            f"import dynweights as dw; plt.figure(); dw.write_figures({str(tmp_path)!r}); "
            "print(matplotlib.get_backend(), plt.get_fignums())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["svg", "[1]"]
    assert sorted(p.name for p in tmp_path.iterdir()) == COMMITTED
