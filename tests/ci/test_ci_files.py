"""What can be checked of ci/ without a network: the workflow files parse,
name only fuzz targets kmapsim knows, keep the documented ClusterFuzzLite
shapes, are documented at their top, and are what the README points at;
.ci/run goes through ci/run-tests.sh, which runs the README's test command.

The known targets are what `scripts/kmapsim fuzz --list` prints: the
target table of the fuzz build (KMAPSIM_TARGETS_TSV, first column).
"""
import os
import re
import shlex

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CI = os.path.join(ROOT, "ci")
CFL_MODES = {"code-change", "batch", "prune", "coverage"}


def workflow_files():
    out = []
    for dirpath, _, names in os.walk(CI):
        out += [os.path.join(dirpath, n) for n in names if n.endswith((".yml", ".yaml"))]
    return sorted(out)


def known_targets():
    tsv = os.environ.get("KMAPSIM_TARGETS_TSV")
    if not tsv or not os.path.exists(tsv):
        pytest.skip("KMAPSIM_TARGETS_TSV (the fuzz build's target table) is not set")
    with open(tsv) as f:
        return {line.split("\t")[0] for line in f if line.strip()}


def walk(node):
    """Every (key, value) pair of a parsed YAML document, depth first."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def commands(doc):
    """The shell commands of a workflow: GitHub `run:` and GitLab `script:`."""
    for k, v in walk(doc):
        if k == "run" and isinstance(v, str):
            yield v
        elif k == "script":
            yield from (v if isinstance(v, list) else [v])


def named_targets(doc):
    """Fuzz targets a workflow names: matrix `target` lists and the literal
    operands of `scripts/kmapsim fuzz` (flags, their values and ${{ }} or $VAR
    references left out)."""
    names = set()
    for k, v in walk(doc):
        if k == "target" and isinstance(v, list):
            names.update(v)
    for cmd in commands(doc):
        for line in cmd.splitlines():
            m = re.search(r"scripts/kmapsim\s+fuzz\b(.*)", line)
            if not m:
                continue
            words = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "$X", m.group(1)))
            skip = False
            for w in words:
                if skip:
                    skip = False
                elif w in ("--seconds",):
                    skip = True
                elif not w.startswith(("-", "$")):
                    names.add(w)
    return names


@pytest.fixture(scope="module")
def docs():
    files = workflow_files()
    assert files, "ci/ holds no workflow file"
    return {f: yaml.safe_load(open(f)) for f in files}


def test_every_workflow_parses(docs):
    for f, doc in docs.items():
        assert isinstance(doc, dict) and doc, f"{f}: not a YAML mapping"


def test_github_and_gitlab_are_both_there(docs):
    rel = [os.path.relpath(f, CI) for f in docs]
    for want in ("github/cflite_pr.yml", "github/cflite_batch.yml", "github/cflite_cron.yml",
                 "github/kmapsim.yml"):
        assert want in rel
    assert any(r.startswith("gitlab/") for r in rel)


def test_github_workflows_have_the_documented_shape(docs):
    for f, doc in docs.items():
        if "/github/" not in f:
            continue
        # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
        assert ("on" in doc or True in doc) and "jobs" in doc, f"{f}: no on:/jobs:"
        for job in doc["jobs"].values():
            for step in job.get("steps", []):
                uses = step.get("uses", "")
                if "clusterfuzzlite/actions/run_fuzzers" in uses:
                    assert step["with"]["mode"] in CFL_MODES, f"{f}: mode {step['with']['mode']}"
                    assert int(step["with"]["fuzz-seconds"]) > 0
                if "clusterfuzzlite/actions/build_fuzzers" in uses:
                    assert step["with"]["language"] == "c++"


def test_gitlab_clusterfuzzlite_jobs_cover_every_mode(docs):
    modes = set()
    for f, doc in docs.items():
        if "/gitlab/" not in f:
            continue
        for name, job in doc.items():
            if isinstance(job, dict) and isinstance(job.get("variables"), dict) and "MODE" in job["variables"]:
                assert job.get("extends") == ".clusterfuzzlite", f"{f}: {name}"
                modes.add(job["variables"]["MODE"])
        template = doc[".clusterfuzzlite"]
        assert any("cifuzz_combined_entrypoint.py" in s for s in template["script"])
    assert modes == CFL_MODES


def test_workflows_name_only_known_targets(docs):
    known = known_targets()
    named = set()
    for f, doc in docs.items():
        unknown = named_targets(doc) - known
        assert not unknown, f"{f} names targets `scripts/kmapsim fuzz --list` does not know: {sorted(unknown)}"
        named |= named_targets(doc)
    assert named, "no workflow runs `scripts/kmapsim fuzz` on a named target"


def test_target_extraction_sees_an_unknown_name():
    doc = yaml.safe_load("""
jobs:
  a:
    strategy: {matrix: {target: [fuzz_api_sequence, zoo_no_such_entry_buggy]}}
    steps:
      - run: scripts/kmapsim fuzz --seconds 60 ${{ matrix.target }} fuzz_not_a_target
""")
    assert named_targets(doc) == {"fuzz_api_sequence", "zoo_no_such_entry_buggy", "fuzz_not_a_target"}


def test_every_ci_file_is_documented_at_its_top():
    for dirpath, _, names in os.walk(CI):
        for n in names:
            path = os.path.join(dirpath, n)
            if n.endswith(".md"):
                continue
            with open(path) as f:
                lines = [l for l in f.read().splitlines() if not l.startswith("#!")]
            head = [l for l in lines[:3] if l.startswith("#")]
            assert head, f"{path}: no comment at its top saying what it is"


def test_subjects_list_names_existing_files():
    with open(os.path.join(CI, "subjects.list")) as f:
        for line in f:
            path = line.split("#", 1)[0].strip()
            if path:
                assert os.path.isfile(os.path.join(ROOT, path)), path


def readme_test_command():
    with open(os.path.join(ROOT, "README.md")) as f:
        lines = [l.strip() for l in f.read().splitlines()[:6] if l.startswith("    ")]
    assert len(lines) >= 2, "README.md does not open with its two commands"
    return lines[1].split("#")[0].strip()


def test_ci_entry_runs_the_readme_test_command():
    with open(os.path.join(ROOT, ".ci", "run")) as f:
        assert "ci/run-tests.sh" in f.read()
    with open(os.path.join(CI, "run-tests.sh")) as f:
        script = f.read()
    assert readme_test_command() in script


def test_readme_points_at_the_ci_files(docs):
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    with open(os.path.join(CI, "README.md")) as f:
        ci_readme = f.read()
    assert "ci/README.md" in readme
    for path in docs:
        rel = os.path.relpath(path, ROOT)
        assert rel in readme or os.path.relpath(path, CI) in ci_readme, f"{rel} is not documented"
