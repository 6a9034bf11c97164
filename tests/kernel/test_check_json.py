"""check --kernel --json on a small tree written here (no kernel text): the
document is plain check's (it validates against docs/report.schema.json and
its report renders to its text), the report names the function's line by
its path in the tree, and with --patch and --json - the after side's
document follows the verdict on standard output."""
import json
import os
import subprocess
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_cli import report_text  # noqa: E402

# A page-tail zeroing helper in kernel style; the bound check keeps the
# stores inside the one page kmap_local_page() maps. A byte loop, not
# memset(): its stores reach kmapsim through ASan's access callbacks, whose
# frames the report's trace walks through to this line.
ZAP = r'''
#include <linux/highmem.h>

void zap_page_tail(struct page *page, size_t off, size_t len)
{
	char *kaddr;
	size_t i;

	if (off >= PAGE_SIZE)
		return;
	if (len > PAGE_SIZE - off)
		len = PAGE_SIZE - off;
	kaddr = kmap_local_page(page);
	for (i = 0; i < len; i++)
		kaddr[off + i] = 0;
	kunmap_local(kaddr);
}
'''
# its line in the patched file (ZAP's first line is line 1; two removed above it)
STORE_LINE = ZAP.splitlines().index("\t\tkaddr[off + i] = 0;") + 1 - 2
PATCH = """--- a/lib/zap.c
+++ b/lib/zap.c
@@ -10,4 +10,2 @@
 		return;
-	if (len > PAGE_SIZE - off)
-		len = PAGE_SIZE - off;
 	kaddr = kmap_local_page(page);
"""


def make_tree(d):
    os.makedirs(os.path.join(d, "lib"))
    os.makedirs(os.path.join(d, "include", "linux"))
    open(os.path.join(d, "lib", "zap.c"), "w").write(ZAP)
    open(os.path.join(d, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 9\nSUBLEVEL = 1\n")
    return d


def kcheck(*args):
    return subprocess.run([os.path.join(ROOT, "scripts", "kmapsim"), "check", "--kernel"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def valid(doc):
    jsonschema.validate(doc["report"], json.load(open(os.path.join(ROOT, "docs", "report.schema.json"))))
    assert report_text.render(doc["report"]) == doc["text"]


def test_check_kernel_json(tmp_path):
    tree = make_tree(str(tmp_path / "tree"))
    (tmp_path / "fix.patch").write_text(PATCH)
    assert open(os.path.join(tree, "lib", "zap.c")).read().splitlines()[10].strip().startswith("if (len >")

    # the unchanged function: clean, and the document says so
    clean = tmp_path / "clean.json"
    p = kcheck(tree, "--profile", "strict", "--seconds", "3", "--json", str(clean), "lib/zap.c:zap_page_tail")
    assert p.returncode == 0, p.stderr
    doc = json.load(open(clean))
    assert doc["verdict"] == "clean" and doc["report"] is None

    # the bound check removed (--patch): introduced; --json - prints the
    # after side's document after the verdict
    p = kcheck(tree, "--profile", "strict", "--seconds", "3", "--json", "-", "--patch", str(tmp_path / "fix.patch"),
               "lib/zap.c:zap_page_tail")
    assert p.returncode == 1, p.stderr
    verdict, _, rest = p.stdout.partition("\n{")
    assert "verdict on strict: introduced" in verdict
    doc = json.loads("{" + rest)
    assert doc["verdict"] == "report" and doc["class"] == "kmap-overrun"
    valid(doc)
    top = doc["report"]["sites"][0]["trace"][0]
    assert (top["file"], top["line"], top["function"]) == ("lib/zap.c", STORE_LINE, "zap_page_tail")
    assert doc["text"] in p.stderr
