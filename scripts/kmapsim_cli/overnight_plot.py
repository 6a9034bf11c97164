"""overnight.png: coverage and findings of a campaign over fuzzing time,
drawn with matplotlib (Debian python3-matplotlib; `kmapsim setup` installs
it). Coverage (libFuzzer features, summed over targets) on the left axis,
distinct findings as a step line on the right, a dashed line where a resumed
run began."""
import os


def _time_axis(points):
    """The unit that keeps the time axis readable, and its divisor."""
    last = max((t for t, _ in points), default=0.0)
    if last >= 3 * 3600:
        return "hours", 3600.0
    if last >= 180:
        return "minutes", 60.0
    return "seconds", 1.0


def plot_campaign(path, cov, findings, sessions, title):
    """Writes the PNG at PATH. COV and FINDINGS are [(seconds, value)],
    SESSIONS the times at which a resumed run began."""
    import matplotlib
    matplotlib.use("Agg")  # no display: write files only
    import matplotlib.pyplot as plt

    unit, div = _time_axis(cov + findings)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.plot([t / div for t, _ in cov], [v for _, v in cov], color="tab:blue", label="coverage (features)")
    ax.set_xlabel("fuzzing time (%s)" % unit)
    ax.set_ylabel("coverage (features)", color="tab:blue")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax2 = ax.twinx()
    ax2.step([t / div for t, _ in findings], [v for _, v in findings], where="post", color="tab:red",
             label="distinct findings")
    ax2.set_ylabel("distinct findings", color="tab:red")
    ax2.set_ylim(bottom=0, top=max([v for _, v in findings] + [1]) + 1)
    ax2.yaxis.get_major_locator().set_params(integer=True)
    for t in sessions:
        ax.axvline(t / div, color="grey", linestyle="--", linewidth=0.8)
    ax.set_title(title)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower right", fontsize="small")
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, format="png")
    plt.close(fig)
    os.replace(tmp, path)
