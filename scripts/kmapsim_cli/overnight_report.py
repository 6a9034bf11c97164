"""overnight's report: OUT/report.md (findings by class, each finding with
its replay command, the targets with execs and coverage) and the plot
OUT/overnight.png (overnight_plot.py). The functions take the Campaign."""
import os

from kmapsim_cli import findings as fnd
from kmapsim_cli.overnight_plot import plot_campaign

TORTURE = "torture"


def hms(secs):
    secs = int(secs)
    return "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


def human(secs):
    secs = int(secs)
    if secs < 60:
        return "%ds" % secs
    if secs < 3600:
        return "%dm%02ds" % (secs // 60, secs % 60)
    return "%dh%02dm" % (secs // 3600, secs // 60 % 60)


def count(n):
    if n >= 10000000:
        return "%.0fM" % (n / 1e6)
    if n >= 1000000:
        return "%.1fM" % (n / 1e6)
    if n >= 10000:
        return "%.0fk" % (n / 1e3)
    return str(n)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")



def write_report(self, status):
    """OUT/report.md and OUT/overnight.png of the campaign SELF (a Campaign)."""
    st = self.st
    names = st.get("targets_wanted", [])
    fs = sorted(st["findings"].values(), key=lambda e: e["n"])
    ft, execs = self.totals()
    edges = sum(t["cov"] for t in st["targets"].values())
    out = ["# kmapsim overnight report", ""]
    state = {"finished": "finished", "interrupted": "**interrupted** — rerun `scripts/kmapsim overnight --out %s` "
             "to continue (nothing is lost)" % fnd.rel(self.out), "failed": "**failed** (no target could run)"}[status]
    out += ["- campaign: `%s`, %s; fuzzing time %s of %s in %d run%s (first started %s)" % (
        fnd.rel(self.out), state, human(st["elapsed"]), human(st["budget"]), len(st["sessions"]),
        "" if len(st["sessions"]) == 1 else "s", st["sessions"][0]["start"] if st["sessions"] else "-")]
    out += ["- %d target%s, libFuzzer `-fork=%d -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1`; %s execs in all; "
            "coverage %d features summed over targets%s" % (
                len(names), "" if len(names) == 1 else "s", st.get("jobs", 1), count(execs), ft,
                " (%d edges counted by the final merge)" % edges if edges else "")]
    if st.get("torture"):
        out += ["- torture job: %s" % st["torture"]]
    elif st.get("torture_wanted"):
        out += ["- torture job: in the turns, not reached yet"]
    out += ["- **%d distinct finding%s** (class and site: the report's first line with numbers normalised, plus "
            "the subject)" % (len(fs), "" if len(fs) == 1 else "s"), ""]
    out += ["![coverage and findings over time](overnight.png)", ""]
    out += ["## Findings by class", ""]
    if fs:
        out += ["| class | findings | inputs | targets |", "|---|---:|---:|---|"]
        by = {}
        for e in fs:
            by.setdefault(e["class"], []).append(e)
        for cls in sorted(by):
            es = by[cls]
            out.append("| %s | %d | %d | %s |" % (cls, len(es), sum(max(e["n_crash_files"], e["n_raw"]) for e in es),
                                               ", ".join(sorted({e["target"] for e in es}))))
    else:
        out.append("Nothing found.")
    out += ["", "## Findings", ""]
    for e in fs:
        expect = self.targets.get(e["target"], {}).get("expect")
        tag = "expected (zoo bug)" if expect == e["class"] else "**new**"
        out += ["### %d. %s in %s — %s" % (e["n"], e["class"], e["target"], tag), ""]
        out += ["- first line: `%s`" % e["first_line"].replace("`", "'")]
        out += ["- site: `%s`" % e["site"].replace("`", "'")]
        out += ["- found after %s of fuzzing; %d crash file%s, %d raw input%s" % (
            human(e["first_seen"]), e["n_crash_files"], "" if e["n_crash_files"] == 1 else "s", e["n_raw"],
            "" if e["n_raw"] == 1 else "s")]
        out += ["- replay: `%s`" % e["replay"]]
        rep = (e["crash_files"] or e["raw"] or [None])[0]
        if rep and e["target"] != TORTURE:
            out += ["- minimise: `scripts/kmapsim minimize %s`" % rep]
        if e["crash_files"] and e["raw"]:
            out += ["- raw input: `%s`" % e["raw"][0]]
        out.append("")
    out += ["## Targets", "", "Features: libFuzzer's coverage features (edges and their hit counts); edges: counted by "
            "the merge at the end of the campaign.", "",
            "| target | expected | found | execs | exec/s | features | edges | corpus | time | notes |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    rows = names + ([TORTURE] if TORTURE in st["targets"] else [])
    for name in rows:
        t = st["targets"].get(name, self.tstate(name))
        found = sorted({e["class"] for e in fs if e["target"] == name}) or ["clean"]
        expect = self.targets.get(name, {}).get("expect", "-")
        rate = t["execs"] / t["seconds"] if t["seconds"] else 0
        notes = []
        if not t["seconds"]:
            notes.append("not fuzzed yet")
        elif expect not in ("clean", "-") and expect not in found:
            notes.append("expected bug not re-found")
        if t.get("timeouts"):
            notes.append("%d timeouts" % t["timeouts"])
        if t.get("ooms"):
            notes.append("%d OOMs" % t["ooms"])
        if st["merge_results"].get(name):
            notes.append("merged: " + st["merge_results"][name])
        if t.get("error"):
            notes.append(t["error"])
        out.append("| %s | %s | %s | %s | %d | %d | %s | %d | %s | %s |" % (
            name, expect, ", ".join(found), count(t["execs"]), rate, t["ft"], t["cov"] or "-", t["corpus"],
            human(t["seconds"]), "; ".join(notes)))
    out += ["", "Working corpora: `%s/corpus/<target>`; crash files: `%s/crashes`; libFuzzer artifacts: "
            "`%s/artifacts/<target>`; logs: `%s/logs`. Group any folder of crash files with "
            "`scripts/kmapsim triage DIR`." % ((fnd.rel(self.out),) * 4), ""]
    p = self.path("report.md")
    with open(p + ".tmp", "w") as f:
        f.write("\n".join(out))
    os.replace(p + ".tmp", p)
    plot(self)

def plot(self):
    """OUT/overnight.png from OUT/progress.log."""
    cov, fcount, sessions = [(0.0, 0)], [(0.0, 0)], []
    last_session = 1
    try:
        lines = open(self.path("progress.log")).read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 7:
            continue
        t, session = float(parts[0]), int(parts[1])
        cov.append((t, int(parts[4])))
        fcount.append((t, int(parts[5])))
        if session != last_session:
            sessions.append(t)
            last_session = session
    nf = len(self.st["findings"])
    title = "kmapsim overnight: %s, %d finding%s" % (human(self.st["elapsed"]), nf, "" if nf == 1 else "s")
    plot_campaign(self.path("overnight.png"), cov, fcount, sessions, title)
