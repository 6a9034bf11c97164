#!/usr/bin/env bash
# A report on imported kernel code names the line in the tree (CTest label
# `kernel`):
#   report_site.sh VERSION PROFILE FILE FUNCTION OLD NEW
# Writes, at run time, two scratch trees at unrelated paths (links into
# Debian's tree, FILE a copy with OLD replaced by NEW on the first line of
# FUNCTION's body holding it; no kernel text is kept in kmapsim) and runs
#   check --kernel TREE --json J FILE:FUNCTION
# on each, the second from another directory and with another cache
# (KMAPSIM_CACHE). Expects: the unchanged tree is clean; both patched runs
# report, and the report's first site is FILE:<the patched line>; the two
# reports' sites and text (but the replay line, which names the crash file
# as seen from the directory it ran in) are the same bytes; the --json
# document validates against docs/report.schema.json and renders
# (report_text.py) to the text printed; two replays of the crash file in
# separate processes print the same bytes.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
version=$1 profile=$2 file=$3 func=$4 old=$5 new=$6
. "$HERE/kernel_tree.sh"
seconds=$(kernel_seconds clean)
tree=$(kernel_tree "$version") || { echo "$tree"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# mirror DEST: DEST is the tree with every entry a link, but the directories
# on FILE's way (real directories of links) and FILE itself (the patched copy).
# (One ln per directory: include/linux has over a thousand entries.)
mirror() {
	local dest=$1 src=$tree dir part
	mkdir -p "$dest"
	dir=$dest
	IFS=/ read -ra parts <<<"$file"
	for part in "${parts[@]:0:${#parts[@]}-1}"; do
		ln -s -t "$dir" "$src"/*
		rm "$dir/$part"
		dir=$dir/$part src=$src/$part
		mkdir "$dir"
	done
	ln -s -t "$dir" "$src"/*
	rm "$dir/${parts[-1]}"
	cp "$tmp/patched" "$dir/${parts[-1]}"
}

patch_in_function "$tree/$file" "$func" "$old" "$new" >"$tmp/patched" 2>"$tmp/line"
line=$(cat "$tmp/line")
if [[ -z $line ]]; then
	echo "FAIL: '$old' is not in $func() of $version's $file"
	exit 1
fi
echo "patched $file:$line"
mirror "$tmp/one/linux"
mirror "$tmp/two/elsewhere/src"
mkdir -p "$tmp/cwd" "$tmp/cache"
fail=0

(cd "$ROOT" && scripts/kmapsim check --kernel "$tree" --profile "$profile" --seconds "$seconds" "$file:$func" \
	>"$tmp/clean.out" 2>&1)
rc=$?
if ((rc != 0)); then
	echo "FAIL: the unchanged $func() is not clean (exit $rc):"
	head -20 "$tmp/clean.out"
	fail=1
fi
(cd "$ROOT" && scripts/kmapsim check --kernel "$tmp/one/linux" --profile "$profile" --seconds "$seconds" \
	--json "$tmp/one.json" "$file:$func" >"$tmp/one.out" 2>"$tmp/one.err")
rc1=$?
(cd "$tmp/cwd" && KMAPSIM_CACHE=$tmp/cache "$ROOT/scripts/kmapsim" check --kernel "$tmp/two/elsewhere/src" \
	--profile "$profile" --seconds "$seconds" --json "$tmp/two.json" "$file:$func" >"$tmp/two.out" 2>"$tmp/two.err")
rc2=$?
if ((rc1 != 1 || rc2 != 1)); then
	echo "FAIL: expected a report from both patched trees (exit $rc1, $rc2)"
	cat "$tmp/one.err" "$tmp/two.err" | head -40
	exit 1
fi

ROOT=$ROOT FILE=$file LINE=$line /usr/bin/python3 -B - "$tmp" <<'EOF' || fail=1
import json, os, re, subprocess, sys
root, tmp = os.environ["ROOT"], sys.argv[1]
sys.path.insert(0, os.path.join(root, "scripts"))
from kmapsim_cli import report_text
import jsonschema
want = "%s:%s" % (os.environ["FILE"], os.environ["LINE"])
schema = json.load(open(os.path.join(root, "docs", "report.schema.json")))
fails, docs = [], []
for side in ("one", "two"):
    doc = json.load(open(os.path.join(tmp, side + ".json")))
    docs.append(doc)
    d = doc["report"]
    if doc["verdict"] != "report" or not d:
        fails.append("%s: --json has no report" % side)
        continue
    try:
        jsonschema.validate(d, schema)
    except jsonschema.ValidationError as e:
        fails.append("%s: schema: %s" % (side, e.message))
    if report_text.render(d) != doc["text"]:
        fails.append("%s: report_text.render(report) differs from the report's text" % side)
    if doc["text"] not in open(os.path.join(tmp, side + ".err")).read():
        fails.append("%s: the --json report is not the text printed" % side)
    first = d["sites"][0]["trace"] if d["sites"] else []
    got = "%s:%d" % (first[0]["file"], first[0]["line"]) if first else "(no site)"
    if got != want:
        fails.append("%s: the %s site is %s, the patched line is %s" % (side, d["sites"][0]["role"] if d["sites"] else "first", got, want))
    if re.search(r"(^|[\s(])/", doc["text"].split("  replay: ")[0], re.M):
        fails.append("%s: an absolute path in the report" % side)
one, two = docs
if one["report"] and two["report"]:
    if one["report"]["sites"] != two["report"]["sites"]:
        fails.append("the two trees' reports name different sites")
    strip = lambda t: re.sub(r"  replay: .*\n", "", t)
    if strip(one["text"]) != strip(two["text"]):
        fails.append("the two trees' reports differ")
    # Replay: two processes, the same bytes.
    outs = [subprocess.run([os.path.join(root, "scripts", "kmapsim"), "repro", one["crash_file"]], cwd=root,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    if outs[0].returncode != 1 or (outs[0].returncode, outs[0].stdout, outs[0].stderr) != \
            (outs[1].returncode, outs[1].stdout, outs[1].stderr):
        fails.append("two replays differ or do not report (exit %d, %d)" % (outs[0].returncode, outs[1].returncode))
    elif one["report"]["first_line"].encode() not in outs[0].stderr:
        fails.append("the replay does not print the same report")
for f in fails:
    print("FAIL: " + f)
if not fails:
    print("ok: the report names %s in both trees; --json validates and renders to the text; two replays agree" % want)
print(one["text"] or "")
sys.exit(1 if fails else 0)
EOF
((fail == 0)) && echo "PASS: $version $profile $file:$func" || echo "FAIL: $version $profile $file:$func"
exit $fail
