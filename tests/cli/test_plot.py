"""overnight's plot is a PNG drawn by matplotlib."""
from kmapsim_cli.overnight_plot import plot_campaign


def test_plot_writes_a_png(tmp_path):
    p = str(tmp_path / "overnight.png")
    plot_campaign(p, [(0.0, 0), (10.0, 120), (20.0, 150)], [(0.0, 0), (12.0, 1)], [15.0], "a campaign")
    with open(p, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_plot_of_an_empty_campaign(tmp_path):
    p = str(tmp_path / "empty.png")
    plot_campaign(p, [(0.0, 0)], [(0.0, 0)], [], "nothing yet")
    assert open(p, "rb").read(4) == b"\x89PNG"
