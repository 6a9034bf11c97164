"""The importer on a small fake tree (no kernel text needed): what it takes
from the file, from the tree's headers, from kmapsim, and what becomes a
trap; #if evaluated with the profile's config; the unit compiles."""

import os
import re
import subprocess

import pytest
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import ctokens, diagnose, errors, importer  # noqa: E402

FILE = r'''
#include <linux/widget.h>
#include <linux/highmem.h>
/* a comment with { braces } and "quotes" */
#define SCALE(x) ((x) * WIDGET_UNIT)
static int unused_helper(void) { return 1; }
static const char *names[] = { "a}", "b{" };
static size_t scaled(struct widget *w)
{
	return SCALE(w->len);
}
#ifdef CONFIG_HIGHMEM
static int mode(void) { return 32; }
#else
static int mode(void) { return 64; }
#endif
size_t widget_copy(struct widget *w, struct page *page)
{
	char *p = kmap_local_page(page);
	size_t n = scaled(w) + mode() + (names[0][0] == 'a');
	if (widget_remote(w))
		n += widget_far_away(w);
	kunmap_local(p);
	return n;
}
EXPORT_SYMBOL(widget_copy);
'''

HEADER = r'''
#ifndef _LINUX_WIDGET_H
#define _LINUX_WIDGET_H
#define WIDGET_UNIT 2
struct gadget;
struct widget {
	size_t len;
	struct gadget *g;
	void (*cb)(struct widget *w);
};
typedef int (widget_fn)(struct widget *);
static inline bool widget_remote(const struct widget *w) { return w->g != NULL; }
size_t widget_far_away(struct widget *w);
#endif
'''


def make_tree(tmp):
    os.makedirs(os.path.join(tmp, "lib"))
    os.makedirs(os.path.join(tmp, "include", "linux"))
    open(os.path.join(tmp, "lib", "widget.c"), "w").write(FILE)
    open(os.path.join(tmp, "include", "linux", "widget.h"), "w").write(HEADER)
    open(os.path.join(tmp, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 9\nSUBLEVEL = 1\n")
    return tmp


def test_split_items_handles_comments_strings_and_conditionals():
    items = ctokens.split_items(FILE, "widget.c", importer.config_macros("x86-64"))
    funcs = [it for it in items if it.kind == "func"]
    assert [f.names[0] for f in funcs] == ["unused_helper", "scaled", "mode", "widget_copy"]
    mode = [f for f in funcs if f.names[0] == "mode"][0]
    assert "64" in mode.text  # x86-64 has no CONFIG_HIGHMEM


def test_member_and_typedef_names():
    items = ctokens.split_items(HEADER, "widget.h", {})
    by = {n: it for it in items for n in it.names}
    assert "struct widget" in by and "widget_fn" in by
    assert "len" not in by["struct widget"].uses and "cb" not in by["struct widget"].uses
    assert by["widget_far_away"].is_proto


def test_a_typedef_with_an_attribute_after_its_name():
    """linux/efi.h's `typedef guid_t efi_guid_t __aligned(__alignof__(u32));`
    defines efi_guid_t, not __aligned; an attribute before the name
    (uapi's __aligned_u64) and __attribute__ after it too."""
    text = ("typedef guid_t efi_guid_t __aligned(__alignof__(u32));\n"
            "typedef int foo_t __attribute__((aligned(4)));\n"
            "typedef unsigned long long __attribute__((aligned(8))) al_u64;\n")
    assert [it.names for it in ctokens.split_items(text, "efi.h", {})] == [["efi_guid_t"], ["foo_t"], ["al_u64"]]


def test_a_typedef_of_a_macro_type_is_named_after_the_macro_call():
    """bcachefs's `typedef DARRAY(char) darray_char;`: (char) is the
    macro's argument, not a parenthesized declarator as in
    `typedef int (fn_t)(void);`."""
    text = ("typedef DARRAY(char) darray_char;\ntypedef DARRAY(u64) darray_u64;\n"
            "typedef int (fn_t)(void);\ntypedef char (name_t)[4];\n")
    assert [it.names for it in ctokens.split_items(text, "d.h", {})] == \
        [["darray_char"], ["darray_u64"], ["fn_t"], ["name_t"]]


def test_import_closure(tmp_path):
    tree = make_tree(str(tmp_path))
    unit = importer.import_functions(tree, "lib/widget.c", ["widget_copy"], "x86-32")
    assert set(unit.functions) == {"scaled", "mode", "widget_copy"}
    assert "unused_helper" not in unit.text
    assert "return 32" in unit.text and "return 64" not in unit.text
    assert unit.traps == ["widget_far_away"]
    assert "widget_remote" in unit.from_headers
    assert "LINUX_VERSION_CODE KERNEL_VERSION(6, 9, 1)" in unit.text
    src = tmp_path / "unit.c"
    src.write_text(unit.text + "\nKMAPSIM_SUBJECT(t) { }\n")
    r = subprocess.run(["clang", "-std=gnu11", "-fsyntax-only", "-Werror=implicit-function-declaration",
                        "-I", os.path.join(ROOT, "model", "include"), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_unknown_names_summary():
    log = ("a.c:1:2: error: use of undeclared identifier 'foo_bar'\n"
           "a.c:3:4: error: unknown type name 'baz_t'\n"
           "x.c:9: undefined reference to `qux'\n"
           "ld.lld: error: undefined symbol: quux\n")
    assert diagnose.unknown_names(log) == ["foo_bar", "baz_t", "qux", "quux"]


def test_before_rev_and_patch_trees(tmp_path, monkeypatch):
    """--before REV reads the tree's git history; --patch patches a scratch
    copy; the user's tree is left as it was."""
    from kmapsim_kernel import check
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = make_tree(str(tmp_path / "tree"))
    git = ["git", "-C", tree, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "old"], check=True)
    path = os.path.join(tree, "lib", "widget.c")
    old = open(path).read()
    open(path, "w").write(old.replace("return 32", "return 33"))
    before = check.git_rev_tree(tree, "HEAD", [("lib/widget.c", None)])
    assert "return 32" in open(os.path.join(before, "lib", "widget.c")).read()
    assert os.path.exists(os.path.join(before, "include", "linux", "widget.h"))
    patch = tmp_path / "p.patch"
    patch.write_text("--- a/lib/widget.c\n+++ b/lib/widget.c\n@@ -12,1 +12,2 @@\n"
                     " static int mode(void) { return 32; }\n+static int extra(void) { return 1; }\n")
    open(path, "w").write(old)
    after = check.patched_tree(tree, str(patch), [("lib/widget.c", None)])
    assert "extra(void)" in open(os.path.join(after, "lib", "widget.c")).read()
    assert open(path).read() == old


# An ops table names its functions only in a designated initializer; an enum
# takes its values, and a bit-field its width, from macros of a uapi header.
# All are uses, not member names, or the unit would not compile.
OPS_FILE = r'''
#include <linux/widget.h>
#include <linux/hint.h>
static void widget_release(struct widget *w)
{
	w->len = 0;
}
static bool widget_get(struct widget *w)
{
	return w->len != 0;
}
static void widget_unused(struct widget *w) { }
static const struct widget_ops widget_default_ops = {
	.release	= widget_release,
	.get		= widget_get,
};
static const struct widget_ops *const widget_table[] = {
	[WIDGET_HINT_SHORT] = &widget_default_ops,
};
void widget_attach(struct widget *w)
{
	struct widget_slot slot = { .hint = WIDGET_HINT_SHORT };

	w->ops = widget_table[slot.hint];
	w->ops->release(w);
}
'''

OPS_HEADER = r'''
#ifndef _LINUX_WIDGET_H
#define _LINUX_WIDGET_H
struct widget;
struct widget_ops {
	void (*release)(struct widget *w);
	bool (*get)(struct widget *w);
	void (*unused)(struct widget *w);
};
struct widget {
	size_t len;
	const struct widget_ops *ops;
};
#endif
'''

HINT_HEADER = r'''
#ifndef _LINUX_HINT_H
#define _LINUX_HINT_H
#include <uapi/linux/hint.h>
enum widget_hint {
	WIDGET_HINT_NONE	= HINT_LIFE_NONE,
	WIDGET_HINT_SHORT	= HINT_LIFE_SHORT,
} __packed;
struct widget_slot {
	unsigned int hint : HINT_BITS;
	unsigned int spare : 32 - HINT_BITS;
};
#endif
'''

UAPI_HINT_HEADER = r'''
#ifndef _UAPI_LINUX_HINT_H
#define _UAPI_LINUX_HINT_H
#define HINT_LIFE_NONE	0
#define HINT_LIFE_SHORT	1
#define HINT_BITS	4
#endif
'''


def make_ops_tree(tmp):
    for d in ("lib", "include/linux", "include/uapi/linux"):
        os.makedirs(os.path.join(tmp, d))
    for rel, text in (("lib/widget_ops.c", OPS_FILE), ("include/linux/widget.h", OPS_HEADER),
                      ("include/linux/hint.h", HINT_HEADER), ("include/uapi/linux/hint.h", UAPI_HINT_HEADER)):
        open(os.path.join(tmp, rel), "w").write(text)
    open(os.path.join(tmp, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 9\nSUBLEVEL = 1\n")
    return tmp


def compile_unit(tmp_path, text, flags=()):
    src = tmp_path / "unit.c"
    src.write_text(text + "\nKMAPSIM_SUBJECT(t) { }\n")
    return subprocess.run(["clang", "-std=gnu11", "-fsyntax-only", "-Werror=implicit-function-declaration", *flags,
                           "-I", os.path.join(ROOT, "model", "include"), str(src)], capture_output=True, text=True)


def test_initializer_names_functions_and_enum_values_use_macros(tmp_path):
    items = ctokens.split_items(OPS_FILE, "widget_ops.c", {})
    ops = [it for it in items if "widget_default_ops" in it.names][0]
    assert {"widget_release", "widget_get"} <= ops.uses
    hint = [it for it in ctokens.split_items(HINT_HEADER, "hint.h", {}) if "enum widget_hint" in it.names][0]
    assert {"HINT_LIFE_NONE", "HINT_LIFE_SHORT"} <= hint.uses
    assert {"WIDGET_HINT_NONE", "WIDGET_HINT_SHORT"} <= set(hint.names)
    slot = [it for it in ctokens.split_items(HINT_HEADER, "hint.h", {}) if "struct widget_slot" in it.names][0]
    assert "HINT_BITS" in slot.uses and not {"hint", "spare"} & slot.uses  # a bit-field's width is a use
    # a struct body's members are still not uses
    wops = [it for it in ctokens.split_items(OPS_HEADER, "widget.h", {}) if "struct widget_ops" in it.names][0]
    assert not {"release", "get", "unused"} & wops.uses

    tree = make_ops_tree(str(tmp_path / "tree"))
    unit = importer.import_functions(tree, "lib/widget_ops.c", ["widget_attach"], "strict")
    assert set(unit.functions) == {"widget_release", "widget_get", "widget_attach"}
    assert "widget_unused" not in unit.text
    assert "#define HINT_LIFE_SHORT" in unit.text and "#define HINT_LIFE_NONE" in unit.text
    assert "#define HINT_BITS" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def _debian_tree(version):
    """The unpacked Debian tree of the kernel label, if it is there (this
    test never installs one)."""
    from kmapsim_kernel import kernel_src
    if not os.path.exists(os.path.join(kernel_src.cache_dir(), "kernel", version, ".unpacked")):
        pytest.skip("linux-source-%s is not unpacked (scripts/kmapsim kernel-src %s)" % (version, version))
    return kernel_src.tree_path(version)


@pytest.mark.parametrize("version", ["6.1", "6.12"])
def test_real_splice_ops_tables_name_their_functions(version):
    """fs/splice.c's page_cache_pipe_buf_ops names its release function only
    in its initializer."""
    tree = _debian_tree(version)
    text = open(os.path.join(tree, "fs", "splice.c"), errors="replace").read()
    items = ctokens.split_items(text, "fs/splice.c", importer.config_macros("strict"))
    ops = [it for it in items if "page_cache_pipe_buf_ops" in it.names and it.kind == "decl"]
    assert ops and "page_cache_pipe_buf_release" in ops[0].uses


def test_real_rw_hint_values_come_from_uapi_fcntl(tmp_path):
    """6.12's enum rw_hint (linux/rw_hint.h) takes its values from
    uapi/linux/fcntl.h's RWH_WRITE_LIFE_* macros: the unit defines them."""
    tree = _debian_tree("6.12")
    unit = importer.import_files(tree, [("net/sunrpc/svcsock.c", ["svc_flush_bvec"])], "strict",
                                 extra=["WRITE_LIFE_SHORT"])
    assert "enum rw_hint {" in unit.text
    for v in ("NOT_SET", "NONE", "SHORT", "MEDIUM", "LONG", "EXTREME"):
        assert re.search(r"#define RWH_WRITE_LIFE_%s\b" % v, unit.text)
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_unit_text_does_not_depend_on_the_hash_seed(tmp_path):
    """Variables defined in another file (weak definitions in the unit) come
    out in one order whatever Python's string hashing: the unit's text, and
    so its cache key, is the same in every process."""
    tree = str(tmp_path / "tree")
    os.makedirs(os.path.join(tree, "lib"))
    os.makedirs(os.path.join(tree, "include", "linux"))
    names = ["gadget_%s" % c for c in "abcdefgh"]
    open(os.path.join(tree, "include", "linux", "gadget.h"), "w").write(
        "".join("extern int %s;\n" % n for n in names))
    open(os.path.join(tree, "lib", "gadget.c"), "w").write(
        "#include <linux/gadget.h>\nint gadget_sum(void)\n{\n\treturn %s;\n}\n" % " + ".join(names))
    code = ("import sys; sys.path.insert(0, %r); from kmapsim_kernel import importer; "
            "sys.stdout.write(importer.import_functions(%r, 'lib/gadget.c', ['gadget_sum'], 'strict').text)"
            % (os.path.join(ROOT, "scripts"), tree))
    texts = set()
    for seed in ("1", "2", "3", "4", "5"):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONHASHSEED=seed))
        assert r.returncode == 0, r.stderr
        texts.add(r.stdout)
    assert len(texts) == 1
    text = texts.pop()
    assert all(("%s __attribute__((weak));" % n) in text for n in names), text


# Top-level items the splitter once took for something else: a struct with
# an attribute before its tag, and a variable of an anonymous struct, are
# not function definitions (their braces hold members, not code), and a
# parenthesised group in a declaration (an attribute's argument, a use in
# EXPORT_SYMBOL() or static_assert(), a declarator "(*name)") is skipped
# as a whole: only the declarator names what the item defines.
SHAPES_FILE = r'''
#include <linux/widget.h>
struct __aligned(8) widget_stats {
	unsigned long hits;
};
static struct {
	int id;
	int weight;
} widget_table[] = {
	{ 1, 10 },
	{ 2, 20 },
};
static enum { WIDGET_IDLE, WIDGET_BUSY } widget_state = WIDGET_IDLE;
static int (*widget_hook)(int id);
static int widget_scale __aligned(8) = 3;
static_assert(sizeof(struct widget_stats) == WIDGET_STATS_SIZE);
int widget_weight(int id)
{
	struct widget_stats st = { .hits = 0 };

	st.hits += widget_scale;
	if (widget_hook)
		return widget_hook(id);
	return widget_table[id].weight + (widget_state == WIDGET_BUSY) + (int)st.hits;
}
EXPORT_SYMBOL(widget_weight);
'''

SHAPES_HEADER = r'''
#ifndef _LINUX_WIDGET_H
#define _LINUX_WIDGET_H
#define WIDGET_STATS_SIZE 8
#endif
'''


def test_struct_shapes_are_not_functions(tmp_path):
    items = ctokens.split_items(SHAPES_FILE, "widget_shapes.c", {})
    by_text = {it.text.split("\n", 1)[0]: it for it in items}
    stats = by_text["struct __aligned(8) widget_stats {"]
    assert (stats.kind, stats.names) == ("decl", ["struct widget_stats"])
    table = by_text["static struct {"]
    assert (table.kind, table.names) == ("decl", ["widget_table"])
    assert table.text.rstrip().endswith("};")  # the initializer is the same item
    state = by_text["static enum { WIDGET_IDLE, WIDGET_BUSY } widget_state = WIDGET_IDLE;"]
    assert (state.kind, set(state.names)) == ("decl", {"WIDGET_IDLE", "WIDGET_BUSY", "widget_state"})
    # an attribute between enum and its brace hides no enumerator
    packed = ctokens.split_items("enum __packed { WIDGET_ON, WIDGET_OFF };\n", "x.h", {})
    assert set(packed[0].names) == {"WIDGET_ON", "WIDGET_OFF"}
    # nor does an anonymous struct around an enum
    msg = ctokens.split_items("typedef struct {\n\tenum { WIDGET_MSG_A, WIDGET_MSG_B } kind;\n} widget_msg;\n", "x.h", {})
    assert set(msg[0].names) == {"WIDGET_MSG_A", "WIDGET_MSG_B", "widget_msg"}
    funcs = [it.names for it in items if it.kind == "func"]
    assert funcs == [["widget_weight"]]
    # a function whose return type has its body in place is one function
    # (its body_start the function's brace), and the next one is found too
    two = ctokens.split_items("static enum widget_ret { WIDGET_OK, WIDGET_ERR } widget_try(int id)\n{\n"
                              "\treturn id ? WIDGET_OK : WIDGET_ERR;\n}\nstatic int widget_next(void)\n{\n\treturn 1;\n}\n",
                              "x.c", {})
    assert [(it.kind, it.names) for it in two] == [("func", ["widget_try"]), ("func", ["widget_next"])]
    assert two[0].toks[two[0].body_start].line == 2
    # a function whose name starts with "__" and returns a struct is a function
    ret = ctokens.split_items("struct widget_stats __widget_zero(int id)\n{\n\treturn (struct widget_stats){ 0 };\n}\n",
                              "x.c", {})
    assert [(it.kind, it.names) for it in ret] == [("func", ["__widget_zero"])]


def test_declaration_groups_are_skipped():
    items = ctokens.split_items(SHAPES_FILE, "widget_shapes.c", {})
    by_text = {it.text.split("\n", 1)[0]: it for it in items}
    hook = by_text["static int (*widget_hook)(int id);"]
    assert (hook.names, hook.is_proto) == (["widget_hook"], False)  # a variable, not a prototype
    assert (by_text["static int widget_scale __aligned(8) = 3;"].names) == ["widget_scale"]
    # uses, not definitions: the importer must not take these for widget_weight's or the macro's
    assert by_text["EXPORT_SYMBOL(widget_weight);"].names == []
    assert by_text["static_assert(sizeof(struct widget_stats) == WIDGET_STATS_SIZE);"].names == []
    packed = ctokens.split_items("struct widget_raw {\n\tint a;\n} __attribute__((packed));\n", "x.h", {})
    assert packed[0].names == ["struct widget_raw"]
    # an attribute's argument names nothing; a tag may start with "__"
    stats = ctokens.split_items("struct __widget_pcpu {\n\tu64 n;\n} __aligned(2 * sizeof(u64));\n", "x.h", {})
    assert stats[0].names == ["struct __widget_pcpu"]
    fmt = ctokens.split_items("extern __attribute__((format(printf, 2, 3))) void widget_log(int l, const char *f, ...);\n",
                              "x.h", {})
    assert (fmt[0].names, fmt[0].is_proto) == (["widget_log"], True)


def test_struct_shapes_import_and_compile(tmp_path):
    tree = str(tmp_path / "tree")
    for d in ("lib", "include/linux"):
        os.makedirs(os.path.join(tree, d))
    open(os.path.join(tree, "lib", "widget_shapes.c"), "w").write(SHAPES_FILE)
    open(os.path.join(tree, "include", "linux", "widget.h"), "w").write(SHAPES_HEADER)
    open(os.path.join(tree, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 9\nSUBLEVEL = 1\n")
    unit = importer.import_functions(tree, "lib/widget_shapes.c", ["widget_weight"], "strict")
    assert unit.functions == ["widget_weight"]
    for needed in ("struct __aligned(8) widget_stats {", "} widget_table[] = {", "widget_state = WIDGET_IDLE;",
                   "static int (*widget_hook)(int id);", "widget_scale __aligned(8) = 3;"):
        assert needed in unit.text, needed
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


# Kernel code uses the annotations kbuild's -include of compiler_types.h
# brings, without including anything: kmapsim's <linux/compiler_types.h>.
ANNOTATED_FILE = r'''
#include <linux/highmem.h>
struct widget_log {
	int n;
	char lines[] __counted_by(n);
};
static int widget_seen __read_mostly;
static int widget_boot_mode __initdata = 1;
static DEFINE_SPINLOCK(widget_lock);
static __cold __printf(1, 2) void widget_warn(const char *fmt, ...) { widget_seen += fmt[0]; }
static noinline_for_stack int widget_step(int mode, int __always_unused spare)
	__must_hold(&widget_lock)
{
	switch (mode) {
	case 0:
		mode++;
		fallthrough;
	case 1:
		return mode;
	}
	widget_warn("%d", mode);
	return -1;
}
int __weak widget_sum(struct page *page) __acquires(&widget_lock) __releases(&widget_lock)
{
	char *p = kmap_local_page(page);
	int n;

	spin_lock(&widget_lock);
	n = widget_step(p[0], 0);
	spin_unlock(&widget_lock);
	kunmap_local(p);
	return n;
}
'''


def test_kernel_annotations_compile(tmp_path):
    tree = str(tmp_path / "tree")
    os.makedirs(os.path.join(tree, "lib"))
    open(os.path.join(tree, "lib", "widget_annotated.c"), "w").write(ANNOTATED_FILE)
    open(os.path.join(tree, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 1\n")
    unit = importer.import_functions(tree, "lib/widget_annotated.c", ["widget_sum"], "strict")
    assert "int __weak widget_sum" in unit.text and "fallthrough;" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr
    # With every warning on: the annotations are clang's own attributes
    # (fallthrough marks the case, __printf checks the format).
    src = tmp_path / "unit.c"
    r = subprocess.run(["clang", "-std=gnu11", "-fsyntax-only", "-Wall", "-Wextra", "-Wimplicit-fallthrough",
                        "-Werror", "-Wno-unused-function", "-Wno-unused-parameter",
                        "-I", os.path.join(ROOT, "model", "include"), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_unknown_names_after_a_declarator_error():
    """An undefined annotation in front of a function: the annotation is the
    unknown name, not the function it hid nor kmapsim's own harness names."""
    log = ("mm/util.c:1137:11: error: expected ';' after top level declarator\n"
           "int __weak memcmp_pages(struct page *page1, struct page *page2)\n"
           "          ^\n"
           "          ;\n"
           "<kmapsim harness for memcmp_pages>:3:1: error: use of undeclared identifier "
           "'kmapsim_subject_memcmp_pages'; did you mean 'kmapsim_reg_memcmp_pages'?\n"
           "<kmapsim harness for memcmp_pages>:10:8: error: implicit declaration of function 'memcmp_pages' is "
           "invalid in C99 [-Werror,-Wimplicit-function-declaration]\n"
           "a.c:1:2: error: use of undeclared identifier 'widget_far_away'\n")
    assert diagnose.unknown_names(log) == ["__weak", "widget_far_away"]


def test_a_header_inline_calling_a_companion_files_function(tmp_path):
    """crypto/scatterwalk.h's inlines call sg_next() from lib/scatterlist.c,
    a companion file of the unit: its prototype comes before the header
    item that calls it (else: an implicit declaration, then a conflict)."""
    tree = str(tmp_path / "tree")
    for d in ("lib", "include/linux"):
        os.makedirs(os.path.join(tree, d))
    open(os.path.join(tree, "include", "linux", "walk.h"), "w").write(
        "#ifndef _LINUX_WALK_H\n#define _LINUX_WALK_H\nstruct step { int n; };\n"
        "static inline struct step *walk_twice(struct step *s) { return step_next(step_next(s)); }\n#endif\n")
    open(os.path.join(tree, "lib", "step.c"), "w").write(
        "#include <linux/walk.h>\nstruct step *step_next(struct step *s) { return s + 1; }\n")
    open(os.path.join(tree, "lib", "walk.c"), "w").write(
        "#include <linux/walk.h>\nint walk_start(struct step *s) { return walk_twice(s)->n; }\n")
    open(os.path.join(tree, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 1\n")
    unit = importer.import_files(tree, [("lib/walk.c", ["walk_start"]), ("lib/step.c", [])], "strict")
    text = unit.text
    assert text.index("struct step *step_next(struct step *s);") < text.index("static inline struct step *walk_twice")
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def _small_tree(tree, files):
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
        open(os.path.join(tree, rel), "w").write(text)
    open(os.path.join(tree, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 1\n")


def test_a_subsystems_quoted_header_is_read_next_to_the_file(tmp_path):
    """fs/ext2/dir.c's `#include "ext2.h"`: the subsystem's own types,
    macros and inline helpers come from the header beside it, and what it
    only declares is a trap; a quoted path leaving the tree is not read."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/fsx/fsx.h": "struct fsx_entry { unsigned short rec_len; char name[4]; };\n"
                        "#define FSX_MIN_LEN 8\n"
                        "static inline unsigned fsx_len(struct fsx_entry *e) { return e->rec_len; }\n"
                        "extern void fsx_error(const char *what);\n",
        "fs/fsx/dir.c": '#include "fsx.h"\n#include "../../../outside.h"\n'
                        "int fsx_check(struct fsx_entry *e)\n{\n\tif (fsx_len(e) < FSX_MIN_LEN)\n"
                        "\t\tfsx_error(\"short\");\n\treturn e->name[0];\n}\n",
    })
    (tmp_path / "outside.h").write_text("#error not part of the tree\n")
    unit = importer.import_files(tree, [("fs/fsx/dir.c", ["fsx_check"])], "strict")
    assert '#line 1 "fs/fsx/fsx.h"' in unit.text
    assert "fsx_error" in unit.traps or "fsx_error" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_type_follows_what_it_holds_not_what_it_points_to(tmp_path):
    """linux/fs.h's struct super_block holds a struct quota_info that a
    forward declaration names first, and the types point at each other in
    a cycle: the definition is taken, and emitted before the holder."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/sb.h": "#include <linux/quota.h>\nstruct quota_info;\n"
                              "enum { FREEZE_A, FREEZE_B, FREEZE_COMPLETE };\n"
                              "#define FREEZE_LEVELS (FREEZE_COMPLETE - 1)\n"
                              "struct super_block { int levels[FREEZE_LEVELS]; struct quota_info dquot; };\n",
        "include/linux/quota.h": "struct super_block;\nstruct quota_info { struct super_block *sb; int flags; };\n",
        "fs/sb.c": "#include <linux/sb.h>\nint sb_flags(struct super_block *sb) { return sb->dquot.flags; }\n",
    })
    unit = importer.import_files(tree, [("fs/sb.c", ["sb_flags"])], "strict")
    text = unit.text
    assert text.index("struct quota_info {") < text.index("struct super_block {")
    assert text.index("FREEZE_COMPLETE }") < text.index("struct super_block {")
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def test_an_annotated_pointer_is_no_value_held(tmp_path):
    """include/target/target_core_base.h: struct se_device holds a struct
    se_lun, which points back at it with `struct se_device __rcu *`. The
    annotation before the star does not make the pointer a value, so the
    held struct comes first. The header is under include/target/, which is
    followed as include/linux/ is (and include/scsi/, ...)."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/target/core.h": "struct se_device;\n"
                                 "struct se_lun { int index; struct se_device __rcu *dev; const struct se_device *c; };\n"
                                 "struct se_device { int id; struct se_lun xcopy_lun; };\n",
        "drivers/target/core.c": "#include <target/core.h>\n"
                                 "int lun_index(struct se_device *d) { return d->xcopy_lun.index; }\n",
    })
    unit = importer.import_files(tree, [("drivers/target/core.c", ["lun_index"])], "strict")
    text = unit.text
    assert text.index("struct se_lun {") < text.index("struct se_device {")
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def test_a_header_kmapsim_owns_still_brings_what_the_trees_brings(tmp_path):
    """fs/jffs2 calls ktime_get_real_seconds() with only linux/timer.h
    between it and linux/ktime.h: kmapsim owns linux/timer.h, and the
    tree's ktime.h it brings is read all the same (OWNED_BRINGS) for what
    kmapsim's headers do not give (here ktime_get_resolution_ns(); the
    clocks themselves are kmapsim's now); what they give is not read
    again."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/timer.h": "#include <linux/ktime.h>\nstruct timer_list { int tree_version; };\n",
        "include/linux/ktime.h": "typedef long long time64_t;\nunsigned int ktime_get_resolution_ns(void);\n",
        "fs/jf/file.c": "#include <linux/timer.h>\n"
                        "long long jf_stamp(void) { return ktime_get_resolution_ns(); }\n",
    })
    unit = importer.import_files(tree, [("fs/jf/file.c", ["jf_stamp"])], "strict")
    assert "unsigned int ktime_get_resolution_ns(void);" in unit.text and "tree_version" not in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_check_completes_types_used_through_pointers(tmp_path, monkeypatch):
    """`d->sb->blocksize` names no struct super_block: the first compile
    says which type is incomplete, the next round takes it from the tree,
    and the unit compiles. A type the tree does not define stays an error,
    named."""
    from kmapsim_kernel import check, errors
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/dirs.h": "struct super_block { unsigned long blocksize; };\n"
                                "struct dir { struct super_block *sb; struct nowhere *gone; };\n",
        "fs/d.c": "#include <linux/dirs.h>\nunsigned long d_chunk(struct dir *d) { return d->sb->blocksize; }\n"
                  "int d_gone(struct dir *d) { return sizeof(*d->gone); }\n",
    })
    h = tmp_path / "h.c"
    h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/d.c", d_chunk);\nKMAPSIM_SUBJECT(s) { }\n')
    path = check.build_checked(tree, str(h), "strict")
    assert "struct super_block {" in open(path).read()
    h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/d.c", d_gone);\nKMAPSIM_SUBJECT(s) { }\n')
    with pytest.raises(errors.BadInput, match="does not compile"):
        check.build_checked(tree, str(h), "strict")


def test_errno_is_a_name_like_any_other(tmp_path):
    """fs/reiserfs's `void reiserfs_abort(struct super_block *sb, int errno,
    const char *fmt, ...)`: the kernel has no errno, the host's <errno.h>
    (kmapsim's headers include it for the E* codes) makes it a macro, and
    the parameter became a function pointer ("incompatible integer to
    pointer conversion" at every call). The prelude takes the macro back."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/rf/rf.h": "void rf_abort(int errno, const char *fmt, ...);\nstruct rf_err { int errno; };\n",
        "fs/rf/rf.c": '#include "rf.h"\nint rf_end(struct rf_err *e)\n{\n\tif (e->errno)\n'
                      '\t\trf_abort(e->errno, "end %d", -EIO);\n\treturn e->errno;\n}\n',
    })
    unit = importer.import_files(tree, [("fs/rf/rf.c", ["rf_end"])], "strict")
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_an_option_used_as_a_value_takes_the_trees_kconfig_default(tmp_path, monkeypatch, capsys):
    """mm/zsmalloc.c's `UL(CONFIG_ZSMALLOC_CHAIN_SIZE)`: an int option no
    profile sets. The compile names it (pasted with UL), the next round
    defines it at the tree's Kconfig default, the first whose condition
    holds on the profile's machine, and check says so; --config's value
    wins; an option whose default is undecided here, or a bool, stays the
    error it was."""
    from kmapsim_kernel import check, errors, kconfig
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "mm/Kconfig": "config ZZ_CHAIN\n\tint \"chain\"\n\tdefault 16 if 64BIT && !HIGHMEM\n\tdefault 8\n"
                      "\trange 4 16\n\thelp\n\t  default 2 if not read (help text)\n\n"
                      "config ZZ_BASE\n\thex\n\tdefault ZZ_OTHER\n\n"
                      "config ZZ_OTHER\n\thex\n\tdefault 0x1000\n\n"
                      "config ZZ_NAME\n\tstring\n\tdefault \"zz if\"\n\n"
                      "config ZZ_GUESS\n\tint\n\tdefault 3 if ZZ_CHAIN > 4\n\tdefault 1\n\n"
                      "config ZZ_ON\n\tbool\n\tdefault y\n",
        "include/linux/ul.h": "#define __UL(x) (x##UL)\n#define UL(x) __UL(x)\n",
        "mm/zz.c": "#include <linux/ul.h>\n"
                   "unsigned long zz_span(void)\n{\n\treturn UL(CONFIG_ZZ_CHAIN) << 12 | CONFIG_ZZ_BASE;\n}\n"
                   "const char *zz_name(void)\n{\n\treturn CONFIG_ZZ_NAME;\n}\n"
                   "int zz_guess(void)\n{\n\treturn CONFIG_ZZ_GUESS;\n}\n"
                   "int zz_on(void)\n{\n\treturn CONFIG_ZZ_ON;\n}\n",
    })
    h = tmp_path / "h.c"
    h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("mm/zz.c", zz_span, zz_name);\nKMAPSIM_SUBJECT(s) { }\n')
    importer.set_user_config([])
    text = open(check.build_checked(tree, str(h), "strict")).read()
    assert "#define CONFIG_ZZ_CHAIN 8\n" in text          # strict is 32-bit: the second default
    assert "#define CONFIG_ZZ_BASE 0x1000\n" in text      # a default naming another option
    assert '#define CONFIG_ZZ_NAME "zz if"\n' in text
    err = capsys.readouterr().err
    assert "kmapsim: config: CONFIG_ZZ_CHAIN=8, the tree's Kconfig default" in err
    importer.set_user_config([])
    assert "#define CONFIG_ZZ_CHAIN 16\n" in open(check.build_checked(tree, str(h), "x86-64")).read()
    importer.set_user_config(["CONFIG_ZZ_CHAIN=4"])
    text = open(check.build_checked(tree, str(h), "strict")).read()
    assert "#define CONFIG_ZZ_CHAIN 4\n" in text and "#define CONFIG_ZZ_CHAIN 8" not in text
    for fn in ("zz_guess", "zz_on"):
        importer.set_user_config([])
        h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("mm/zz.c", %s);\nKMAPSIM_SUBJECT(s) { }\n' % fn)
        with pytest.raises(errors.BadInput, match="does not compile"):
            check.build_checked(tree, str(h), "strict")
    assert kconfig.default(tree, "ZZ_GUESS", set()) is None and kconfig.default(tree, "ZZ_ON", set()) is None
    importer.set_user_config([])


GEN_HEADER = r'''
#define FLAG_FNS(bit, name) \
static inline void set_thing_##name(unsigned long *s) { *s |= 1UL << THING_##bit; } \
static inline int thing_##name(const unsigned long *s) { return !!(*s & (1UL << THING_##bit)); }
#define NAMED(name, ...) static inline const char *name##_label(void) { return #name; } \
static inline int name##_sum(void) { return __VA_ARGS__; }
enum { THING_Dirty, THING_Uptodate };
FLAG_FNS(Dirty, dirty)
FLAG_FNS(Uptodate, uptodate)
NAMED(widget, 1, 2) ;
'''


def test_functions_a_macro_defines_at_file_scope_are_found(tmp_path):
    """buffer_head.h's BUFFER_FNS(Dirty, dirty) lines (no semicolon), and a
    BITMASK(...); with one: the functions their bodies define are items of
    their own, by name, with # and ## and __VA_ARGS__ applied; a trace_*()
    of an event the unit does not see is a no-op."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/thing.h": GEN_HEADER,
        "fs/thing.c": "#include <linux/thing.h>\n"
                      "int thing_check(unsigned long *s)\n{\n\tset_thing_dirty(s);\n\ttrace_thing_checked(s, 1);\n"
                      "\tif (trace_thing_checked_enabled())\n\t\treturn -1;\n"
                      "\treturn thing_dirty(s) + thing_uptodate(s) + widget_sum() + (widget_label()[0] == 'w');\n}\n",
    })
    items = ctokens.split_items(GEN_HEADER, "include/linux/thing.h", {})
    names = [n for it in items for n in it.names]
    for n in ("set_thing_dirty", "thing_dirty", "set_thing_uptodate", "thing_uptodate", "widget_label", "widget_sum"):
        assert n in names
    assert "FLAG_FNS" not in [n for it in items if it.kind != "macro" for n in it.names]
    unit = importer.import_files(tree, [("fs/thing.c", ["thing_check"])], "strict")
    assert "thing_uptodate" in unit.text and "#define trace_thing_checked(...) do { } while (0)" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_real_buffer_head_flag_functions():
    """6.12's linux/buffer_head.h: BUFFER_FNS(Dirty, dirty) defines
    set_buffer_dirty() and buffer_dirty()."""
    tree = _debian_tree("6.12")
    text = open(os.path.join(tree, "include", "linux", "buffer_head.h"), errors="replace").read()
    items = ctokens.split_items(text, "include/linux/buffer_head.h", importer.config_macros("strict"))
    names = {n for it in items if it.kind == "func" for n in it.names}
    assert {"set_buffer_dirty", "buffer_dirty", "test_clear_buffer_dirty", "buffer_uptodate"} <= names


def test_a_macro_that_expands_to_members_is_a_use():
    """dcache.h's struct qstr holds `HASH_LEN_DECLARE;`, a macro that
    expands to two members: the struct uses it (so the importer takes the
    macro), while a real member's name is not a use."""
    text = ("#define LEN_DECLARE unsigned int hash; unsigned int len\n"
            "struct qstr { union { struct { LEN_DECLARE; }; unsigned long hash_len; }; const char *name; };\n")
    qstr = [it for it in ctokens.split_items(text, "dcache.h", {}) if "struct qstr" in it.names][0]
    assert "LEN_DECLARE" in qstr.uses
    assert "hash_len" not in qstr.uses and "name" not in qstr.uses


PAGECACHE_H = """struct folio;
struct cache { int (*read)(struct folio *); unsigned long nr; };
typedef int reader_t(struct folio *);
static inline int cache_nr(struct cache *c) { return (int)c->nr; }
int cache_read(struct cache *c, reader_t *r);
int cache_size(struct cache *c);
int cache_flags(struct cache *c);
int cache_missing(struct cache *c);
static inline int cache_inline(struct cache *c) { return 7; }
"""

TREE_C = """/* kmapsim's bodies over the tree's types (a test's) */
static int kmapsim_cache_count(struct cache *c)
{
	return cache_nr(c) + 1;
}

int cache_read(struct cache *c, reader_t *r)
{
	return r ? r(NULL) : kmapsim_cache_count(c);
}

#if LINUX_VERSION_CODE >= 0x060c00
int cache_size(struct cache *c) { return 612; }
#else
int cache_size(struct cache *c) { return 61; }
#endif

int cache_inline(struct cache *c) { return 0; }

long cache_flags(struct cache *c) { return 0; }
"""


def _tree_c_case(tmp_path, monkeypatch, funcs_called, version=(6, 12)):
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/pagecache.h": PAGECACHE_H,
        "fs/fsx/file.c": "#include <linux/pagecache.h>\nint fsx_read(struct cache *c)\n{\n\treturn %s;\n}\n"
                         % " + ".join("%s(c%s)" % (f, ", NULL" if f == "cache_read" else "") for f in funcs_called),
    })
    if version != (6, 12):
        open(os.path.join(tree, "Makefile"), "w").write("VERSION = %d\nPATCHLEVEL = %d\nSUBLEVEL = 0\n" % version)
    d = tmp_path / "tree_c"
    d.mkdir()
    (d / "cache.c").write_text(TREE_C)
    monkeypatch.setattr(importer, "MODEL_TREE_C", str(d))
    return importer.import_files(tree, [("fs/fsx/file.c", ["fsx_read"])], "strict")


def test_declared_only_functions_kmapsim_writes_over_tree_types(tmp_path, monkeypatch):
    """model/tree_c: a function the tree only declares and kmapsim defines
    in C is kmapsim's (not a trap), after the tree's types and its own
    prototype, with the file's helpers it calls (kmapsim_ names too); the
    tree's version picks its #if branch; a name the tree defines inline
    stays the tree's; and what neither defines is still a trap."""
    unit = _tree_c_case(tmp_path, monkeypatch, ["cache_read", "cache_size", "cache_inline", "cache_missing"])
    text = unit.text
    assert sorted(unit.modelled) == ["cache_read", "cache_size", "kmapsim_cache_count"]
    assert unit.traps == ["cache_missing"]
    assert text.index("struct cache {") < text.index("int cache_read(struct cache *c, reader_t *r);") \
        < text.index("static int kmapsim_cache_count") < text.index("int cache_read(struct cache *c, reader_t *r)\n{")
    assert "return 612;" in text and "return 61;" not in text
    assert "static inline int cache_inline(struct cache *c) { return 7; }" in text
    assert "int cache_inline(struct cache *c) { return 0; }" not in text
    assert '#line 3 "' in text and 'tree_c/cache.c"' in text
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr
    old = _tree_c_case(tmp_path / "old", monkeypatch, ["cache_size"], version=(6, 1))
    assert "return 61;" in old.text and "return 612;" not in old.text


def test_a_body_whose_signature_is_not_the_trees_does_not_compile(tmp_path, monkeypatch):
    """The tree's prototype comes first, so kmapsim's body must match this
    tree's signature (a version that changed it fails loudly)."""
    unit = _tree_c_case(tmp_path, monkeypatch, ["cache_flags"])
    assert unit.modelled == ["cache_flags"]
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode != 0 and "conflicting types for 'cache_flags'" in r.stderr


def test_kbuild_defines_kernel_and_the_block_layer_is_configured(tmp_path):
    """kbuild compiles with -D__KERNEL__ (jbd2.h includes buffer_head.h
    only under it) and every highmem product has CONFIG_BLOCK (6.1's
    buffer_head.h defines everything under it): both branches are the
    kernel's, at import time and at compile time."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/bh.h": "#ifdef CONFIG_BLOCK\nstruct bh { int count; };\n"
                              "static inline int bh_count(struct bh *b) { return b->count; }\n#endif\n",
        "include/linux/jb.h": "#ifndef __KERNEL__\n#include \"compat.h\"\n#else\n#include <linux/bh.h>\n#endif\n",
        "fs/jb/commit.c": "#include <linux/jb.h>\nint jb_sum(struct bh *b)\n{\n"
                          "#ifdef __KERNEL__\n\treturn bh_count(b);\n#else\n\treturn not_the_kernel;\n#endif\n}\n",
    })
    unit = importer.import_files(tree, [("fs/jb/commit.c", ["jb_sum"])], "strict")
    assert "struct bh { int count; };" in unit.text
    # the function body's #ifdef is clang's: the unit's config header says __KERNEL__


def test_a_macro_that_declares_members_is_a_use(tmp_path):
    """dcache.h's struct qstr holds `HASH_LEN_DECLARE;`, a macro standing
    for its members, and crypto.h's `void *__crt_ctx[]
    CRYPTO_MINALIGN_ATTR;` has an attribute macro after its member's name:
    neither word is a member, both macros come with the struct."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/qs.h": "#ifdef __LITTLE_ENDIAN\n #define PAIR_DECLARE u32 lo; u32 hi\n#else\n"
                              " #define PAIR_DECLARE u32 hi; u32 lo\n#endif\n"
                              "#define QS_ALIGN_ATTR __attribute__((__aligned__(8)))\n"
                              "struct qs { union { struct { PAIR_DECLARE; }; u64 both; };\n"
                              "\tunsigned int w : 3, v : 2; void *ctx[] QS_ALIGN_ATTR; };\n",
        "fs/qs.c": "#include <linux/qs.h>\nu32 qs_lo(struct qs *q) { return q->lo + q->w; }\n",
    })
    qs = [it for it in ctokens.split_items(open(os.path.join(tree, "include/linux/qs.h")).read(), "qs.h",
                                           importer.config_macros("strict"))
          if "struct qs" in it.names][0]
    assert {"PAIR_DECLARE", "QS_ALIGN_ATTR"} <= qs.uses
    assert not {"ctx", "w", "v", "both"} & qs.uses
    unit = importer.import_files(tree, [("fs/qs.c", ["qs_lo"])], "strict")
    assert "u32 lo; u32 hi" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_if_sees_the_kernel_build_and_the_word_size(tmp_path):
    """kbuild's -D__KERNEL__ (linux/rculist.h is all under #ifdef
    __KERNEL__) and kmapsim's BITS_PER_LONG (linux/fs.h's
    MAX_LFS_FILESIZE is defined for 32 and 64 only) decide the tree's #ifs."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/walk.h": "#ifdef __KERNEL__\n#define walk_next(p) ((p) + 1)\n#endif\n"
                                "#if BITS_PER_LONG == 32\n#define WALK_MAX 32L\n"
                                "#elif BITS_PER_LONG == 64\n#define WALK_MAX 64L\n#endif\n",
        "fs/walk.c": "#include <linux/walk.h>\nlong walk(long p) { return walk_next(p) + WALK_MAX; }\n",
    })
    unit = importer.import_files(tree, [("fs/walk.c", ["walk"])], "x86-32")
    assert "#define walk_next(p)" in unit.text and "#define WALK_MAX 64L" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_an_attribute_macro_after_a_struct_body_is_no_variable(tmp_path):
    """dm-crypt.c's `struct iv_benbi_private { ... } CRYPTO_MINALIGN_ATTR;`:
    the word after the body is a macro linux/crypto.h defines, not a
    variable of the file, so the macro comes from the header."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/algn.h": "#define ALGN_ATTR __attribute__((__aligned__(16)))\n",
        "drivers/algn.c": "#include <linux/algn.h>\nstruct algn_ctx { int x; } ALGN_ATTR;\n"
                          "int algn_x(struct algn_ctx *c) { return c->x; }\n",
    })
    unit = importer.import_files(tree, [("drivers/algn.c", ["algn_x"])], "strict")
    assert "#define ALGN_ATTR" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_struct_body_from_a_macro(tmp_path):
    """crypto/hash.h writes struct hash_alg_common's members once, in a
    macro, and uses them twice: `struct hash_alg_common HASH_ALG_COMMON;`
    defines the type, `struct HASH_ALG_COMMON;` in struct shash_alg is an
    anonymous member. What the body holds by value comes first."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/alg.h": "struct alg_base { int prio; };\n"
                               "#define ALG_COMMON {\t\\\n\tunsigned int size;\t\\\n\tstruct alg_base base;\t\\\n}\n"
                               "struct alg_common ALG_COMMON;\n"
                               "struct alg_full { int extra; union { struct ALG_COMMON; struct alg_common common; }; };\n"
                               "#undef ALG_COMMON\n",
        "crypto/alg.c": "#include <linux/alg.h>\n"
                        "int alg_prio(struct alg_full *a) { return a->base.prio + a->common.size; }\n",
    })
    unit = importer.import_files(tree, [("crypto/alg.c", ["alg_prio"])], "strict")
    text = unit.text
    assert text.index("struct alg_base {") < text.index("struct alg_common ALG_COMMON;") < \
        text.index("struct alg_full {")
    assert "struct ALG_COMMON;\n" not in text.split("#line")[0]   # no such tag declared
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def test_a_function_declared_with_a_compile_time_error(tmp_path):
    """linux/thread_info.h declares `extern void __compiletime_error("...")
    __bad_copy_from(void);`: the attribute is not the declared name."""
    items = ctokens.split_items('extern void __compiletime_error("too small") __bad_copy_from(void);\n', "t.h", {})
    assert items[0].names == ["__bad_copy_from"] and items[0].is_proto


def test_an_include_is_read_where_it_stands(tmp_path):
    """uapi/linux/in.h tests `#if __UAPI_DEF_IN_ADDR` after including
    linux/libc-compat.h, which defines it: the included header is read at
    its #include, before the rest of the file. include/net/ headers
    (net/netmem.h, which linux/skbuff.h includes) are the tree's too."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/uapi/linux/compat_defs.h": "#ifndef __UAPI_DEF_ADDR\n#define __UAPI_DEF_ADDR 1\n#endif\n",
        "include/uapi/linux/addr.h": "#include <linux/compat_defs.h>\n#include <net/ref.h>\n"
                                     "#if __UAPI_DEF_ADDR\nstruct addr { unsigned int a; };\n#endif\n",
        "include/net/ref.h": "typedef unsigned long addr_ref;\n",
        "net/addr.c": "#include <uapi/linux/addr.h>\n"
                      "unsigned int addr_of(struct addr *p, addr_ref r) { return p->a + r; }\n",
    })
    unit = importer.import_files(tree, [("net/addr.c", ["addr_of"])], "strict", extra_tags=["struct addr"])
    assert "struct addr {" in unit.text and "typedef unsigned long addr_ref;" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_names_made_by_macros(tmp_path):
    """Three ways a macro makes the name the code needs: hfs_dbg(BNODE_MOD,
    ...) tests DBG_##flg (DBG_BNODE_MOD, fs/hfs/hfs_fs.h);
    DECLARE_BTRFS_SETGET_BITS(32) declares btrfs_get_32() (its body is
    prototypes, with no ';' after the call); hfsplus_fs.h's `#define
    hfs_bnode_find hfsplus_bnode_find` renames the prototype and the
    function, which is still asked for as hfs_bnode_find."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/hx/hx.h": "#define DBG_MOD 0x2\n#define DBG_MASK 0\n"
                      "#define hx_dbg(flg, fmt, ...) do { if (DBG_##flg & DBG_MASK) pr_info(fmt, ##__VA_ARGS__); } while (0)\n"
                      "#define DECLARE_GET(bits) \\\nu##bits hx_get_##bits(const void *p);\n"
                      "DECLARE_GET(16)\nDECLARE_GET(32)\n"
                      "#define hx_find hxplus_find\n#define hx_peek hxplus_peek\n"
                      "int hx_find(int n);\n",
        "fs/hx/hx.c": '#include "hx.h"\n'
                      "int hx_peek(const void *p, int n)\n{\n\thx_dbg(MOD, \"peek %d\\n\", n);\n"
                      "\treturn hx_get_32(p) + hx_find(n);\n}\n",
    })
    unit = importer.import_files(tree, [("fs/hx/hx.c", ["hx_peek"])], "strict")
    assert "#define DBG_MOD" in unit.text
    assert sorted(unit.traps) == ["hx_get_32", "hxplus_find"]
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_conditional_inside_a_struct_and_a_typedefs_incomplete_struct(tmp_path, monkeypatch):
    """fs/reiserfs/reiserfs.h (6.1): struct tree_balance holds `key` under
    `#ifdef DISPLACE_NEW_PACKING_LOCALITIES`, a macro the header defines
    and nothing else uses. The struct is emitted as written, so the unit
    needs the macro ("no member named 'key'" before). And a variable of a
    typedef of a struct the unit only declares, which clang names by the
    typedef ("incomplete type 'rb_hint_t' (aka 'struct __rb_hint')"): the
    next round takes the struct."""
    from kmapsim_kernel import check
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/rb/rb.h": "#define RB_WITH_KEY\n"
                      "typedef struct __rb_hint rb_hint_t;\n"
                      "struct rb_tb {\n\tint mode;\n#ifdef RB_WITH_KEY\n\tint key;\n#endif\n};\n"
                      "struct __rb_hint { int key; int block; };\n"
                      "static inline int rb_hint_key(struct rb_tb *tb)\n{\n"
                      "\trb_hint_t hint = { .key = tb->key, .block = 0 };\n\treturn hint.key;\n}\n",
        "fs/rb/rb.c": '#include "rb.h"\nint rb_first(struct rb_tb *tb)\n{\n\treturn rb_hint_key(tb) + tb->mode;\n}\n',
    })
    h = tmp_path / "h.c"
    h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/rb/rb.c", rb_first);\nKMAPSIM_SUBJECT(s) { }\n')
    text = open(check.build_checked(tree, str(h), "strict")).read()
    assert "#define RB_WITH_KEY" in text and "struct __rb_hint {" in text


def test_names_a_macro_pastes_inside_another_macro(tmp_path):
    """drbd's drbd_err(device, ...) is drbd_printk(KERN_ERR, device, ...),
    which calls __drbd_printk_if_same_type(obj, drbd_device, ...) for each
    object type; that one pastes __drbd_printk_ ## struct_name ## _prep.
    The names exist only inside a macro's body: the macro uses them, and
    the unit gets their definitions ("implicit declaration of function
    '__drbd_printk_drbd_device_prep'" before)."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "drivers/dx/dx.h": "struct dx_dev { int minor; };\nstruct dx_res { const char *name; };\n"
                           "#define __dx_dx_dev_prep(d) const struct dx_dev *__d = (d)\n"
                           "#define __dx_dx_dev_fmt(fmt) \"dx%d: \" fmt\n#define __dx_dx_dev_args() __d->minor\n"
                           "#define __dx_dx_res_prep(r) const struct dx_res *__r = (r)\n"
                           "#define __dx_dx_res_fmt(fmt) \"dx %s: \" fmt\n#define __dx_dx_res_args() __r->name\n"
                           "#define __dx_if(obj, sn, fmt, args...) \\\n"
                           "\t__builtin_types_compatible_p(typeof(obj), struct sn *), \\\n"
                           "\t({ __dx_ ## sn ## _prep((const struct sn *)(obj)); \\\n"
                           "\t   printk(__dx_ ## sn ## _fmt(fmt), __dx_ ## sn ## _args(), ## args); })\n"
                           "#define dx_printk(obj, fmt, args...) \\\n"
                           "\t__builtin_choose_expr(__dx_if(obj, dx_dev, fmt, ## args), \\\n"
                           "\t__builtin_choose_expr(__dx_if(obj, dx_res, fmt, ## args), (void)0))\n",
        "drivers/dx/dx.c": '#include "dx.h"\nint dx_hello(struct dx_dev *d, int n)\n{\n'
                           '\tdx_printk(d, "hello %d\\n", n);\n\treturn n;\n}\n',
    })
    unit = importer.import_files(tree, [("drivers/dx/dx.c", ["dx_hello"])], "strict")
    assert "#define __dx_dx_dev_prep" in unit.text and "#define __dx_dx_res_args" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_file_kbuild_builds_under_a_config_sees_it_on(tmp_path):
    """fs/erofs/zdata.c is built only with CONFIG_EROFS_FS_ZIP (its
    Makefile's `erofs-$(CONFIG_EROFS_FS_ZIP) += ... zdata.o`), and erofs.o
    only with CONFIG_EROFS_FS (fs/Makefile): the import has both on, its
    unit too; and "__Z_EROFS_BVSET(z_erofs_bvset,);", a struct's body
    from a macro with the ';' after the call, defines the struct."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/Makefile": "obj-$(CONFIG_ZZ_FS)\t\t+= zz/\n",
        "fs/zz/Makefile": "obj-$(CONFIG_ZZ_FS) += zz.o\nzz-objs := super.o\n"
                          "zz-$(CONFIG_ZZ_FS_ZIP) += \\\n\tdecomp.o zdata.o\n",
        "fs/zz/internal.h": "#ifdef CONFIG_ZZ_FS_ZIP\nint zz_gbuf(int n);\n#endif\n"
                            "#define ZZ_SET(name, total) \\\nstruct name { \\\n\tint nr; \\\n\tint vec[total]; \\\n}\n",
        "fs/zz/zdata.c": '#include "internal.h"\nZZ_SET(zz_set, 4);\n'
                         "int zz_first(struct zz_set *s)\n{\n#ifdef CONFIG_ZZ_FS\n\treturn s->vec[0] + zz_gbuf(s->nr);\n"
                         "#else\n\treturn missing;\n#endif\n}\n",
    })
    assert importer.kbuild_gates(tree, "fs/zz/zdata.c") == ["CONFIG_ZZ_FS_ZIP", "CONFIG_ZZ_FS"]
    unit = importer.import_files(tree, [("fs/zz/zdata.c", ["zz_first"])], "strict")
    assert unit.traps == ["zz_gbuf"] and "#define CONFIG_ZZ_FS 1" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_typedef_of_a_struct_needs_no_definition_first(tmp_path):
    """linux/journal-head.h's `typedef struct transaction_s transaction_t;`
    names a type the definition of struct journal_s then uses while struct
    transaction_s points back at the journal: the typedef comes first,
    without pulling struct transaction_s in ahead of it."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/jh.h": "typedef struct txn_s txn_t;\n",
        "include/linux/jrnl.h": "#include <linux/jh.h>\ntypedef struct jrnl_s jrnl_t;\n"
                                "struct txn_s { jrnl_t *t_journal; int t_tid; };\n"
                                "struct jrnl_s { txn_t *j_running; int j_flags; };\n",
        "fs/jr.c": "#include <linux/jrnl.h>\nint jr_tid(jrnl_t *j) { return j->j_running->t_tid + j->j_flags; }\n",
    })
    unit = importer.import_files(tree, [("fs/jr.c", ["jr_tid"])], "strict",
                                 extra_tags=["struct jrnl_s", "struct txn_s"])
    text = unit.text
    assert text.index("typedef struct txn_s txn_t;") < text.index("struct jrnl_s {")
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def test_enumerators_a_macro_writes(tmp_path):
    """fs/btrfs/extent-io-tree.h's `enum { ENUM_BIT(EXTENT_LOCKED), ... }`:
    misc.h's ENUM_BIT() pastes three enumerators per call; the enum
    defines EXTENT_LOCKED and comes with its macro."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/bt/misc.h": "#define ENUM_BIT(name) \\\n\t__ ## name ## _BIT, \\\n\tname = (1U << __ ## name ## _BIT), \\\n"
                        "\t__ ## name ## _SEQ = __ ## name ## _BIT\n",
        "fs/bt/tree.h": '#include "misc.h"\nenum {\n\tENUM_BIT(EXT_DIRTY),\n\tENUM_BIT(EXT_LOCKED),\n};\n',
        "fs/bt/tree.c": '#include "tree.h"\nint bt_locked(unsigned int bits) { return bits & EXT_LOCKED; }\n',
    })
    unit = importer.import_files(tree, [("fs/bt/tree.c", ["bt_locked"])], "strict")
    assert "ENUM_BIT(EXT_LOCKED)" in unit.text and "#define ENUM_BIT" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_enumerators_each_marked_by_a_macro_of_its_own_name(tmp_path):
    """uapi/linux/in.h follows each IPPROTO_ enumerator with `#define
    IPPROTO_TCP IPPROTO_TCP` (so #ifdef finds it): the enum is still the
    definition the code needs (drivers/net/thunderbolt compares against
    IPPROTO_TCP); before, the macro alone was taken and the unit did not
    compile."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/uapi/linux/proto.h": "enum {\n  PROTO_IP = 0,\n#define PROTO_IP PROTO_IP\n"
                                      "  PROTO_TCP = 6,\n#define PROTO_TCP PROTO_TCP\n  PROTO_MAX\n};\n",
        "net/p.c": "#include <uapi/linux/proto.h>\nint is_tcp(int p) { return p == PROTO_TCP; }\n",
    })
    unit = importer.import_files(tree, [("net/p.c", ["is_tcp"])], "strict")
    assert "PROTO_TCP = 6," in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_enumerators_an_x_macro_list_writes(tmp_path):
    """fs/bcachefs's `enum bch_csum_type { #define x(t, n) BCH_CSUM_##t = n,
    BCH_CSUM_TYPES() #undef x BCH_CSUM_NR };`: the list macro calls x()
    once per entry, and x() is defined only inside the enum's braces; the
    enum defines every pasted enumerator and comes with its list macro."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/bc/format.h": "#define CSUM_TYPES()\t\\\n\tx(none, 0)\t\\\n\tx(crc32c, 1)\t\\\n\tx(crc64, 2)\n"
                          "enum csum_type {\n#define x(t, n) CSUM_##t = n,\n\tCSUM_TYPES()\n#undef x\n\tCSUM_NR\n};\n"
                          "#define x(t, n) 1 +\nenum { CSUM_COUNT = CSUM_TYPES() 0 };\n#undef x\n",
        "fs/bc/sum.c": '#include "format.h"\n'
                       "int bc_wide(int t) { return t == CSUM_crc64 ? 8 : t == CSUM_none ? 0 : t < CSUM_NR ? 4 : -1; }\n",
    })
    unit = importer.import_files(tree, [("fs/bc/sum.c", ["bc_wide"])], "strict")
    assert "#define CSUM_TYPES()" in unit.text and "CSUM_COUNT" not in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_enumerators_an_object_macro_body_writes(tmp_path):
    """drivers/scsi/isci's `enum sci_base_request_states REQUEST_STATES;`
    between `#define C(a) SCI_##a` and `#undef C`: the body is a macro
    whose C() entries are pasted by whatever C means there (request.c
    redefines C to make the states' names from the same list). The enum
    defines SCI_REQ_CONSTRUCTED as it was expanded where it stands."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "drivers/is/req.h": "#define REQ_STATES {\\\n\tC(REQ_INIT),\\\n\tC(REQ_CONSTRUCTED),\\\n\t}\n"
                            "#undef C\n#define C(a) SCI_##a\nenum req_states REQ_STATES;\n#undef C\n",
        "drivers/is/req.c": '#include "req.h"\n#undef C\n#define C(a) (#a)\n'
                            "const char *req_name(enum req_states s)\n{\n\tstatic const char * const n[] = REQ_STATES;\n"
                            "\treturn n[s];\n}\n#undef C\n"
                            "int req_ready(enum req_states s) { return s == SCI_REQ_CONSTRUCTED; }\n",
    })
    unit = importer.import_files(tree, [("drivers/is/req.c", ["req_ready", "req_name"])], "strict")
    r = compile_unit(tmp_path, unit.text + "\nconst char *x(void) { return req_name(SCI_REQ_INIT); }\n")
    assert r.returncode == 0, r.stderr
    assert "SCI_REQ_CONSTRUCTED" in unit.text


def test_a_static_definition_macro_call(tmp_path):
    """drivers/scsi/megaraid.c's `static DEF_SCSI_QCMD(megaraid_queue)`,
    no `;` after it: scsi_host.h's macro defines the function, static as
    written, and the function after it is an item of its own."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/scsi/qh.h": "#define DEF_QCMD(func_name) \\\nint func_name(int host)\t\\\n{\t\\\n"
                             "\treturn func_name##_lck(host);\t\\\n}\n",
        "drivers/scsi/mr.c": "#include <scsi/qh.h>\nstatic int mr_queue_lck(int host) { return host + 1; }\n"
                             "static DEF_QCMD(mr_queue)\n\nstatic inline int\nmr_alloc(int n)\n{\n\treturn n * 2;\n}\n"
                             "int mr_build(int n) { return mr_alloc(n) + mr_queue(n); }\n",
    })
    items = ctokens.split_items(open(os.path.join(tree, "drivers/scsi/mr.c")).read(), "drivers/scsi/mr.c",
                                {"DEF_QCMD": ctokens.parse_define(
                                    "#define DEF_QCMD(func_name) int func_name(int host) "
                                    "{ return func_name##_lck(host); }")})
    funcs = {it.names[0]: it for it in items if it.kind == "func"}
    assert set(funcs) == {"mr_queue_lck", "mr_queue", "mr_alloc", "mr_build"}
    assert funcs["mr_queue"].is_static and funcs["mr_queue"].text.startswith("static int mr_queue")
    unit = importer.import_files(tree, [("drivers/scsi/mr.c", ["mr_build"])], "strict")
    assert "static int mr_queue" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_tracepoint_header_brings_its_includes(tmp_path):
    """drivers/md/md-bitmap.c gets linux/blktrace_api.h (blk_add_trace_msg)
    only through trace/events/block.h: its includes are followed, its
    TRACE_EVENT()s are not read and its trace_*() calls stay off."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/trace/events/blk.h": "#include <linux/blkmsg.h>\n"
                                      "TRACE_EVENT(blk_thing, TP_PROTO(int x), TP_ARGS(x));\n",
        "include/linux/blkmsg.h": "#define blk_msg(q, fmt, ...) do { } while (0)\n",
        "drivers/md/bm.c": "#include <trace/events/blk.h>\n"
                           "int bm_work(int q)\n{\n\tblk_msg(q, \"work\");\n\ttrace_blk_thing(q);\n\treturn q;\n}\n",
    })
    unit = importer.import_files(tree, [("drivers/md/bm.c", ["bm_work"])], "strict")
    assert "#define blk_msg(" in unit.text and "TRACE_EVENT" not in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_tracepoint_header_gives_its_enums(tmp_path):
    """fs/afs passes afs_cell_trace_use_mntpt to trace_afs_cell(): the enum
    is trace/events/afs.h's `enum afs_cell_trace { afs_cell_traces }
    __mode(byte);` under `#define EM(a, b) a,`, and the same list is
    expanded again further down under an EM() that makes
    TRACE_DEFINE_ENUM()s. The enum comes as it was where it stands; the
    tracepoint stays off."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/trace/events/fsx.h": "#ifndef FSX_ENUMS_ONCE\n#define FSX_ENUMS_ONCE\n"
                                      "#define fsx_traces \\\n\tEM(fsx_trace_get, \"GET\") \\\n"
                                      "\tE_(fsx_trace_put, \"PUT\")\n"
                                      "#undef EM\n#undef E_\n#define EM(a, b) a,\n#define E_(a, b) a\n"
                                      "enum fsx_trace { fsx_traces } __mode(byte);\n"
                                      "enum fsx_op { fsx_op_read = 130, fsx_op_write };\n#endif\n"
                                      "#undef EM\n#undef E_\n#define EM(a, b) TRACE_DEFINE_ENUM(a);\n"
                                      "#define E_(a, b) TRACE_DEFINE_ENUM(a);\nfsx_traces;\n"
                                      "TRACE_EVENT(fsx_ref, TP_PROTO(int w), TP_ARGS(w));\n",
        "fs/fsx/ref.c": "#include <trace/events/fsx.h>\n"
                        "int fsx_put(int n)\n{\n\ttrace_fsx_ref(fsx_trace_put);\n"
                        "\treturn n + fsx_trace_put + fsx_op_write + sizeof(enum fsx_trace);\n}\n",
    })
    unit = importer.import_files(tree, [("fs/fsx/ref.c", ["fsx_put"])], "strict")
    assert "fsx_trace_get , fsx_trace_put" in unit.text and "TRACE_DEFINE_ENUM" not in unit.text
    r = compile_unit(tmp_path, unit.text + "\n_Static_assert(sizeof(enum fsx_trace) == 1, \"byte\");\n"
                     "_Static_assert(fsx_op_write == 131, \"131\");\n")
    assert r.returncode == 0, r.stderr


def test_a_variable_of_an_opaque_type_defined_elsewhere(tmp_path):
    """fs code passes &nop_mnt_idmap, whose struct mnt_idmap only
    fs/mnt_idmapping.c defines: the weak stand-in for such a variable
    cannot be a definition of its incomplete type; it is a distinct
    non-NULL address all the same."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/idm.h": "struct idmap;\nextern struct idmap nop_idmap;\nstruct counter { int n; };\n"
                               "extern struct counter hits;\n",
        "fs/idm.c": "#include <linux/idm.h>\n"
                    "int idm_is_nop(struct idmap *m) { return m == &nop_idmap && hits.n == 0; }\n",
    })
    unit = importer.import_files(tree, [("fs/idm.c", ["idm_is_nop"])], "strict", extra_tags=["struct counter"])
    assert 'alias("kmapsim_var_nop_idmap")' in unit.text
    assert "__typeof__(hits) hits __attribute__((weak));" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_member_name_that_is_a_macro(tmp_path):
    """dcache.h's `#define d_lock d_lockref.lock`: dentry->d_lock is a
    member path the macro spells, so the macro comes with the code."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/dent.h": "struct lockref { int lock; int count; };\n"
                                "struct dent { struct lockref d_lockref; };\n#define d_lock d_lockref.lock\n",
        "fs/dent.c": "#include <linux/dent.h>\nint dent_locked(struct dent *d) { return d->d_lock; }\n",
    })
    unit = importer.import_files(tree, [("fs/dent.c", ["dent_locked"])], "strict", extra_tags=["struct dent"])
    assert "#define d_lock d_lockref.lock" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_subsystems_include_directory(tmp_path):
    """fs/ocfs2/Makefile's `ccflags-y := -I$(src)` lets its files write
    `#include <cluster/masklog.h>` for fs/ocfs2/cluster/masklog.h."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/oc/Makefile": "ccflags-y := -I$(src)\nobj-y += oc.o\n",
        "fs/oc/cluster/mlog.h": "#define mlog_errno(st) (st)\n",
        "fs/oc/oc.c": "#include <cluster/mlog.h>\nint oc_status(int st) { return mlog_errno(st); }\n",
    })
    assert importer.kbuild_inc_dirs(tree, "fs/oc/oc.c") == ["fs/oc"]
    unit = importer.import_files(tree, [("fs/oc/oc.c", ["oc_status"])], "strict")
    assert "#define mlog_errno(st)" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_include_directories_from_the_makefiles_above(tmp_path):
    """drivers/gpu/drm/i915/Makefile's `subdir-ccflags-y += -I$(src)` lets
    gem/i915_gem_object.c write "i915_drv.h" for the header one directory
    up; a Makefile above that lists the file's object (gem/x_obj.o) gives
    it its ccflags-y too, and one that does not list it gives none. A
    quoted include is still the header beside the including file first."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "drivers/x/Makefile": "subdir-ccflags-y += -I$(src)\nccflags-y += -I$(src)/lib\nobj-y += gem/x_obj.o\n",
        "drivers/Makefile": "ccflags-y += -I$(src)/other\nobj-y += x/\n",
        "drivers/other/o.h": "#define O 1\n",
        "drivers/x/lib/xl.h": "#define XL_SHIFT 3\n",
        "drivers/x/x_drv.h": "#define X_PAGES(n) ((n) << XL_SHIFT)\n",
        "drivers/x/x_local.h": "#define X_LOCAL 1\n",
        "drivers/x/gem/x_local.h": "#define X_LOCAL 2\n",
        "drivers/x/gem/x_obj.c": "#include <xl.h>\n#include \"x_drv.h\"\n#include \"x_local.h\"\n"
                                 "int x_pages(int n) { return X_PAGES(n) + X_LOCAL; }\n",
    })
    assert importer.kbuild_inc_dirs(tree, "drivers/x/gem/x_obj.c") == ["drivers/x", "drivers/x/lib"]
    unit = importer.import_files(tree, [("drivers/x/gem/x_obj.c", ["x_pages"])], "strict")
    assert "#define X_PAGES(n)" in unit.text and "#define XL_SHIFT 3" in unit.text
    assert "#define X_LOCAL 2" in unit.text and "#define X_LOCAL 1" not in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_declared_only_printf_like_void_function_is_a_message(tmp_path):
    """ext2_error() and __nilfs_error() live in the filesystem's super.c:
    a file under test only declares them, and its error paths call them.
    A variadic void function with a printf format attribute is taken as a
    message (its arguments evaluated, the format and the rest to
    printk()), so the error path runs on; one marked __noreturn stops the
    run as panic() does; a va_list variant, one that returns a value and
    one without a format stay traps."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/fs/fs.h": "#include <linux/types.h>\n#include <linux/compiler_types.h>\n#include <stdarg.h>\n"
                      "struct sb { int errors; };\n"
                      "extern __printf(3, 4)\nvoid fs_error(struct sb *, const char *, const char *, ...);\n"
                      "void fs_msg(struct sb *sb, const char *level, const char *fmt, ...)"
                      " __attribute__((format(printf, 3, 4)));\n"
                      "__printf(2, 0) void fs_verror(struct sb *sb, const char *fmt, va_list ap);\n"
                      "__printf(2, 3) int fs_log(struct sb *sb, const char *fmt, ...);\n"
                      "__printf(2, 3) __noreturn void fs_panic(struct sb *sb, const char *fmt, ...);\n"
                      "void fs_plain(struct sb *sb, const char *fmt, ...);\n",
        "fs/fs/dir.c": "#include \"fs.h\"\n"
                       "int fs_check(struct sb *sb, int bad, va_list ap)\n{\n"
                       "\tif (bad == 1)\n\t\tfs_error(sb, __func__, \"bad entry %d in %s\", sb->errors++, \"dir\");\n"
                       "\tif (bad == 2)\n\t\tfs_msg(sb, \"warn\", \"odd\");\n"
                       "\tif (bad == 3)\n\t\tfs_verror(sb, \"%d\", ap);\n"
                       "\tif (bad == 4)\n\t\treturn fs_log(sb, \"%d\", bad);\n"
                       "\tif (bad == 5)\n\t\tfs_panic(sb, \"%d\", bad);\n"
                       "\tif (bad == 6)\n\t\tfs_plain(sb, \"%d\", bad);\n"
                       "\treturn bad ? -5 : 0;\n}\n",
    })
    unit = importer.import_files(tree, [("fs/fs/dir.c", ["fs_check"])], "strict")
    assert sorted(unit.messages) == ["fs_error", "fs_msg", "fs_panic"]
    assert sorted(unit.traps) == ["fs_log", "fs_plain", "fs_verror"]
    assert "#define fs_error(kmapsim_a1, kmapsim_a2, ...) " in unit.text
    # the one that does not return stops the run as panic() does
    assert 'kmapsim_subject_bug(__FILE__, __LINE__, "panic:fs_panic()")' in unit.text
    # the format is still checked against its arguments (-Werror), and
    # every argument before it is evaluated (sb->errors++ is no unused value)
    src = tmp_path / "unit.c"
    src.write_text(unit.text + "\nKMAPSIM_SUBJECT(t) { }\n")
    flags = ["clang", "-std=gnu11", "-fsyntax-only", "-Wall", "-Werror", "-Wno-unused-function",
             "-I", os.path.join(ROOT, "model", "include")]
    r = subprocess.run(flags + [str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    src.write_text(unit.text.replace('"bad entry %d in %s"', '"bad entry %s in %s"') + "\nKMAPSIM_SUBJECT(t) { }\n")
    r = subprocess.run(flags + [str(src)], capture_output=True, text=True)
    assert r.returncode != 0 and "format specifies type" in r.stderr


def test_a_function_a_library_file_defines_comes_from_the_tree(tmp_path):
    """mm/ksm.c only declares xxh64() (linux/xxhash.h): the unit takes it
    from the tree's lib/xxhash.c, one of importer.LIBRARY, with the static
    helpers it calls, instead of a trap. A library file whose own static
    names clash with the file under test's is not taken (its functions
    would call the wrong helper): those stay traps."""
    lib = ("#include <linux/sortlib.h>\n"
           "static void swap_bytes(char *a, char *b) { char t = *a; *a = *b; *b = t; }\n"
           "void sort2(char *p) { if (p[0] > p[1]) swap_bytes(p, p + 1); }\n")
    hdr = "void sort2(char *p);\n"
    user = "#include <linux/sortlib.h>\nint first(char *p)\n{\n\tsort2(p);\n\treturn p[0];\n}\n"
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"lib/memweight.c": lib, "include/linux/sortlib.h": hdr, "mm/user.c": user})
    unit = importer.import_files(tree, [("mm/user.c", ["first"])], "strict")
    assert unit.traps == [] and "lib/memweight.c" in unit.file_names
    assert "void sort2(char *p) {" in unit.text and "static void swap_bytes" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr

    clash = str(tmp_path / "clash")
    _small_tree(clash, {"lib/memweight.c": lib, "include/linux/sortlib.h": hdr,
                        "mm/user.c": user + "static int swap_bytes;\nint last(char *p) { return p[1] + swap_bytes; }\n"})
    unit = importer.import_files(clash, [("mm/user.c", ["first"])], "strict")
    assert unit.traps == ["sort2"] and "lib/memweight.c" not in unit.file_names


def test_a_function_kmapsim_declares_for_a_library_file_comes_from_the_tree(tmp_path):
    """The tree declares csum_partial() only in the architecture's
    asm/checksum.h, which is kmapsim's; kmapsim's declares it, and the
    unit takes the body from the tree's lib/checksum.c (LIBRARY_DECLARED),
    so a unit that sums compiles and links."""
    lib = ("#include <net/checksum.h>\n"
           "__wsum csum_partial(const void *buff, int len, __wsum sum)\n"
           "{\n\tconst unsigned char *p = buff;\n\tunsigned int s = (unsigned int)sum;\n"
           "\twhile (len-- > 0)\n\t\ts += *p++;\n\treturn (__wsum)s;\n}\n")
    hdr = "#include <asm/checksum.h>\nstatic inline __wsum csum_ext(const void *p, int n) { return csum_partial(p, n, 0); }\n"
    user = "#include <net/checksum.h>\n__sum16 sum_it(const void *p, int n)\n{\n\treturn csum_fold(csum_ext(p, n));\n}\n"
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"lib/checksum.c": lib, "include/net/checksum.h": hdr, "net/user.c": user})
    unit = importer.import_files(tree, [("net/user.c", ["sum_it"])], "strict")
    assert "lib/checksum.c" in unit.file_names
    assert "__wsum csum_partial(const void *buff, int len, __wsum sum)\n{" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_file_scope_macros_that_define_nothing_or_through_another(tmp_path):
    """include/linux/ceph's shapes: a feature list where an empty-bodied
    macro invoked with no ';' (DEFINE_CEPH_FEATURE_RETIRED) sits between
    definition-generating ones, and a macro whose body invokes
    definition-generating macros (DEFINE_RB_FUNCS(), through an
    `extern ...;` first); and xen's DEFINE_RING_TYPES(), whose body
    defines types and ends with '};'. Each name they paste is found, so
    the unit compiles; before, everything after the empty one was one
    declaration, and the nested ones and the types defined nothing."""
    hdr = ("#define FEATURE(bit, name) static const unsigned long long FEATURE_##name = (1ULL << bit);\n"
           "#define FEATURE_RETIRED(bit, name)\n"
           "FEATURE(0, UID)\nFEATURE_RETIRED(1, OLD)\nFEATURE(2, BTIME)\n"
           "#define LOOKUP2(name, type, keyfld) static type *lookup_##name(type *arr, int n, int key) \\\n"
           "{ int i; for (i = 0; i < n; i++) if (arr[i].keyfld == key) return &arr[i]; return (type *)0; }\n"
           "#define LOOKUP(name, type, keyfld) extern type __lookup_##name##_key; LOOKUP2(name, type, keyfld)\n"
           "#define COUNT(name, type) static int count_##name(type *arr) { return arr ? 1 : 0; }\n"
           "#define FUNCS(name, type, keyfld) COUNT(name, type) LOOKUP(name, type, keyfld)\n"
           "#define RING_TYPES(name, req_t) struct name##_sring { req_t req[4]; }; \\\n"
           "struct name##_front_ring { unsigned int nr; struct name##_sring *sring; };\n"
           "RING_TYPES(blk, int);\n")
    user = ("#include <linux/feat.h>\nstruct req { int tid; };\nFUNCS(request, struct req, tid)\n"
            "int has_btime(unsigned long long f, struct req *r, int n)\n"
            "{\n\tstruct blk_front_ring ring = { 0 };\n"
            "\treturn (f & FEATURE_BTIME) && lookup_request(r, n, 3) && count_request(r) + ring.nr;\n}\n")
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"include/linux/feat.h": hdr, "fs/fx/user.c": user})
    unit = importer.import_files(tree, [("fs/fx/user.c", ["has_btime"])], "strict")
    assert "FEATURE_BTIME" in unit.from_headers and unit.traps == []
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_files_variable_a_header_inline_reads_is_declared_first(tmp_path):
    """fs/ceph/metric.h's inline reads disable_send_metrics, which the
    header declares extern and metric.c defines: with metric.c in the
    unit, the header's declaration goes before the inline."""
    hdr = "extern int quiet;\nstatic inline int loud(void) { return !quiet; }\n"
    lib = "#include <linux/quiet.h>\nint quiet = 0;\nint set_quiet(int q)\n{\n\tquiet = q;\n\treturn loud();\n}\n"
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"include/linux/quiet.h": hdr, "fs/fx/quiet.c": lib})
    unit = importer.import_files(tree, [("fs/fx/quiet.c", ["set_quiet"])], "strict")
    assert unit.text.index("extern int quiet;") < unit.text.index("static inline int loud(void)")
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def _unit_line(tmp_path, tree, harness_text, capsys):
    """check.build_checked() of a harness file over tree: the path, and the
    "kmapsim: unit: " lines it printed."""
    from kmapsim_kernel import check
    h = tmp_path / "h.c"
    h.write_text(harness_text)
    path = check.build_checked(tree, str(h), "strict")
    return path, [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("kmapsim: unit: ")]


def test_check_names_what_the_unit_took_and_what_stops_it(tmp_path, monkeypatch, capsys):
    """Once the unit compiles, check says in one line where its functions
    came from (the file, the tree's library), which declared-only functions
    are messages, and which are not modelled: a call to one of those stops
    the run, so a harness can keep away from them."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "lib/memweight.c": "#include <linux/fsx.h>\nvoid sort2(char *p) { if (p[0] > p[1]) { char t = p[0]; p[0] = p[1]; p[1] = t; } }\n",
        "include/linux/fsx.h": "#include <linux/compiler_types.h>\nvoid sort2(char *p);\n"
                               "__printf(2, 3) void fsx_error(const char *where, const char *fmt, ...);\n"
                               "int fsx_read_block(int nr);\n",
        "fs/fsx/dir.c": "#include <linux/fsx.h>\nint fsx_first(char *p)\n{\n\tsort2(p);\n"
                        "\tif (p[0] < 0)\n\t\tfsx_error(__func__, \"bad %d\", p[0]);\n"
                        "\treturn p[0] ? fsx_read_block(p[0]) : 0;\n}\n",
    })
    _, lines = _unit_line(tmp_path, tree, '#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/fsx/dir.c", fsx_first);\n'
                          'KMAPSIM_SUBJECT(s) { }\n', capsys)
    assert lines == ["kmapsim: unit: from the tree: fs/fsx/dir.c (1 function), lib/memweight.c (1 function); "
                     "messages (printk): fsx_error; not modelled, a call stops the run: fsx_read_block"]


def test_a_message_function_that_does_not_return_stops_the_run(tmp_path, monkeypatch):
    """A filesystem's __noreturn printf-like panic prints and ends the run
    as panic() does, named, at its caller's line; a run that never calls
    it stays clean."""
    from kmapsim_kernel import check
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/fsy.h": "#include <linux/compiler_types.h>\n"
                               "__printf(2, 3) __noreturn void fsy_panic(const char *id, const char *fmt, ...);\n",
        "fs/fsy/dir.c": "#include <linux/fsy.h>\nint fsy_check(int v)\n{\n"
                        "\tif (v > 3)\n\t\tfsy_panic(\"fsy-1\", \"bad value %d\", v);\n\treturn v;\n}\n",
    })
    h = tmp_path / "h.c"
    h.write_text('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/fsy/dir.c", fsy_check);\n'
                 'KMAPSIM_SUBJECT(ok) { BUG_ON(fsy_check(kmapsim_pick(0, 3)) > 3); }\n'
                 'KMAPSIM_SUBJECT(dies) { fsy_check(kmapsim_pick(0, 5)); }\n')
    path = check.build_checked(tree, str(h), "strict")
    rc, out, err = check.run_check(path, "strict", 2, subject="ok")
    assert rc == 0 and "BUG: kmapsim" not in out + err, out + err
    rc, out, err = check.run_check(path, "strict", 2, subject="dies")
    assert rc == 1 and "BUG: kmapsim: subject-bug: the subject's own fsy_panic() fired at fs/fsy/dir.c:5" in out + err, out + err



def test_a_drivers_tasklet_runs_in_softirq_context(tmp_path, monkeypatch):
    """A driver whose completion path is a tasklet (tasklet_setup(),
    from_tasklet(), tasklet_schedule(), tasklet_kill()) imports against
    kmapsim's interrupt.h: its tasklet runs in ksoftirqd, where
    kmap_atomic() is clean and kmap(), which may sleep, is
    sleep-in-atomic at the tasklet's line."""
    from kmapsim_kernel import check
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    body = ("#include <linux/interrupt.h>\n#include <linux/highmem.h>\n"
            "struct zz_dev {\n\tstruct tasklet_struct done_tl;\n\tstruct page *page;\n\tint sum;\n};\n"
            "static void zz_done(struct tasklet_struct *t)\n{\n"
            "\tstruct zz_dev *d = from_tasklet(d, t, done_tl);\n"
            "\tchar *p = MAP(d->page);\n\n\td->sum += p[0];\n\tUNMAP;\n}\n"
            "void zz_start(struct zz_dev *d)\n{\n\ttasklet_setup(&d->done_tl, zz_done);\n"
            "\ttasklet_schedule(&d->done_tl);\n}\n")
    harness = ('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("drivers/zz/dev.c", zz_start);\n'
               'KMAPSIM_SUBJECT(dev) {\n\tstruct zz_dev *d = kzalloc(sizeof(*d), GFP_KERNEL | __GFP_NOFAIL);\n'
               '\td->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);\n\tzz_start(d);\n'
               '\ttasklet_kill(&d->done_tl);\n\t__free_page(d->page);\n\tkfree(d);\n}\n')
    verdicts = []
    for name, mapping, unmap in (("atomic", "kmap_atomic", "kunmap_atomic(p)"), ("sleeping", "kmap", "kunmap(d->page)")):
        t = os.path.join(tree, name)
        _small_tree(t, {"drivers/zz/dev.c": body.replace("MAP(", mapping + "(").replace("UNMAP", unmap)})
        h = tmp_path / ("%s.c" % name)
        h.write_text(harness)
        path = check.build_checked(t, str(h), "strict")
        verdicts.append(check.run_check(path, "strict", 3, subject="dev"))
    (rc, out, err), (rc2, out2, err2) = verdicts
    assert rc == 0 and "BUG: kmapsim" not in out + err, out + err
    assert rc2 == 1, out2 + err2
    assert ("BUG: kmapsim: sleep-in-atomic: kmap() may sleep and was called in softirq context (a tasklet)" in out2 + err2
            and "drivers/zz/dev.c:11" in out2 + err2), out2 + err2

def _zz_tree(tree, dir_extra=""):
    """A filesystem of four files: dir.c under test; block.c built with it;
    extra.c built only under an option the profile leaves off; host.c
    user-space code built beside it (UML's hostfs_user.c)."""
    _small_tree(tree, {
        "fs/Makefile": "obj-$(CONFIG_ZZ_FS)\t\t+= zz/\n",
        "fs/zz/Makefile": "obj-$(CONFIG_ZZ_FS) += zz.o\nzz-objs := dir.o block.o\n"
                          "zz-$(CONFIG_ZZ_EXTRA) += extra.o\nobj-y += host.o\n",
        "fs/zz/zz.h": "int zz_block(int n);\nint zz_deep(int n);\nint zz_extra(int n);\n"
                      "int zz_host(int n);\nint zz_stop(int n);\nint other(int n);\n",
        "fs/zz/block.c": '#include "zz.h"\nstatic int scale(int n) { return n * 2; }\n'
                         "int zz_block(int n) { return scale(n); }\n"
                         "int zz_deep(int n) { return zz_stop(n); }\n",
        "fs/zz/extra.c": '#include "zz.h"\nint zz_extra(int n) { return n; }\n',
        "fs/zz/host.c": '#include <stdio.h>\n#include "zz.h"\nint zz_host(int n) { return printf("%d", n); }\n',
        "fs/zz/dir.c": '#include "zz.h"\n' + dir_extra +
                       "int zz_first(int n)\n{\n\treturn zz_block(n) + (n > 9 ? zz_deep(n) + zz_extra(n) + zz_host(n) : 0);\n}\n",
        "mm/user.c": '#include "../fs/zz/zz.h"\nint user_first(int n) { return other(n); }\n',
        "mm/other.c": "int other(int n) { return n; }\n",
    })


def test_a_function_another_file_of_the_subsystem_defines_comes_from_the_tree(tmp_path):
    """fs/nilfs2/dat.c only declares nilfs_palloc_block_get_entry(), which
    fs/nilfs2/alloc.c defines: the unit takes it from there, with its
    static helpers. Not taken, so they stay traps: a function whose own
    code stops somewhere (zz_deep() calls the declared-only zz_stop()), one
    from a file built only under an option that is off (taking it would
    turn the option on for the code under test), one from user-space code
    built beside the kernel's, one from a file of a top-level directory
    (mm/, the rest of the kernel), and one from a file whose static names
    clash with the file under test's."""
    tree = str(tmp_path / "tree")
    _zz_tree(tree)
    unit = importer.import_files(tree, [("fs/zz/dir.c", ["zz_first"])], "strict")
    assert sorted(unit.traps) == ["zz_deep", "zz_extra", "zz_host"]
    assert unit.file_counts == [("fs/zz/dir.c", 1), ("fs/zz/block.c", 2)]
    assert "int zz_block(int n) { return scale(n); }" in unit.text and "int zz_deep(int n) {" not in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr

    assert importer.import_files(tree, [("mm/user.c", ["user_first"])], "strict").traps == ["other"]
    assert importer.import_files(tree, [("fs/zz/dir.c", ["zz_first"])], "strict", subsystem=False).traps[0] == "zz_block"

    clash = str(tmp_path / "clash")
    _zz_tree(clash, "static int scale;\n")
    unit = importer.import_files(clash, [("fs/zz/dir.c", ["zz_first"])], "strict")
    assert "zz_block" in unit.traps and "fs/zz/block.c" not in unit.file_names


def test_a_function_the_harness_defines_is_only_declared(tmp_path, monkeypatch, capsys):
    """A harness gives a function the unit would stop at a body of its own
    (the summary named it as not modelled): the unit declares it with the
    tree's prototype and calls the harness's, which check names."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _zz_tree(tree)
    path, lines = _unit_line(tmp_path, tree, '#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/zz/dir.c", zz_first);\n'
                             "int zz_deep(int n)\n{\n\treturn -n;\n}\n"
                             "KMAPSIM_SUBJECT(s) { BUG_ON(zz_first(10) != 20 - 10 + 0); }\n", capsys)
    assert lines == ["kmapsim: unit: from the tree: fs/zz/dir.c (1 function), fs/zz/block.c (2 functions); "
                     "the harness's own: zz_deep; not modelled, a call stops the run: zz_extra, zz_host"]
    text = open(path).read()
    assert text.count("int zz_deep(int n)") == 2   # the tree's prototype, the harness's body
    assert "int zz_deep(int n);" in text


def test_a_function_under_an_option_the_profile_leaves_off(tmp_path):
    """mm/memory.c's copy_folio_from_user() exists only with
    CONFIG_TRANSPARENT_HUGEPAGE or CONFIG_HUGETLBFS: the error names the
    condition and its line, and --config turns the user's option on for the
    import and the unit; the machine's own options are the profile's."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"mm/big.c": "int plain(int n) { return n; }\n"
                                   "#ifdef CONFIG_ZZ_BIG\n#if defined(CONFIG_ZZ_A) || defined(CONFIG_HIGHMEM)\n"
                                   "#else\nint\nbig_copy(int n)\n{\n\treturn n + 1;\n}\n#endif\n#endif\n"})
    assert importer.gating_conditions(open(os.path.join(tree, "mm/big.c")).read(), "big_copy") == \
        [(2, "#ifdef CONFIG_ZZ_BIG", []), (4, "#else (of #if defined(CONFIG_ZZ_A) || defined(CONFIG_HIGHMEM))",
                                          ["#if defined(CONFIG_ZZ_A) || defined(CONFIG_HIGHMEM)"])]
    with pytest.raises(errors.BadInput) as e:
        importer.import_files(tree, [("mm/big.c", ["big_copy"])], "x86-64")
    assert str(e.value) == ("mm/big.c: big_copy() is defined only under #ifdef CONFIG_ZZ_BIG (line 2); #else (of #if "
                            "defined(CONFIG_ZZ_A) || defined(CONFIG_HIGHMEM)) (line 4), which profile x86-64's config "
                            "leaves out: with those of your kernel's options, e.g. --config CONFIG_ZZ_BIG")
    try:
        importer.set_user_config(["CONFIG_ZZ_BIG=y"])
        unit = importer.import_files(tree, [("mm/big.c", ["big_copy"])], "x86-64")
        assert "/* check --config */\n#define CONFIG_ZZ_BIG 1\n" in unit.text and "return n + 1;" in unit.text
        for bad in ("CONFIG_HIGHMEM", "CONFIG_SMP", "ZZ_BIG", "CONFIG_ZZ_BIG=n"):
            with pytest.raises(errors.BadInput):
                importer.set_user_config([bad])
    finally:
        importer.set_user_config([])
    assert importer.USER_CONFIG == {}


def test_guard_options_are_the_options_a_plain_test_names():
    """The options that define a function guarded by plain tests of options
    (#ifdef, defined(), IS_ENABLED(), || and &&) are each one the test names
    and the config leaves off; an #ifndef, an #else, a `!`, a comparison or a
    machine option the profile leaves off are not turned on by any."""
    on = {"CONFIG_MMU", "CONFIG_HIGHMEM"}
    g = importer.guard_options
    assert g([(2, "#ifdef CONFIG_ZZ_BIG")], on) == ["CONFIG_ZZ_BIG"]
    assert g([(2, "#if defined(CONFIG_ZZ_A) || defined(CONFIG_ZZ_B) /* why */")], on) == ["CONFIG_ZZ_A", "CONFIG_ZZ_B"]
    assert g([(2, "#if IS_ENABLED(CONFIG_ZZ_A) && defined(CONFIG_MMU)"), (5, "#ifdef CONFIG_ZZ_A")], on) == ["CONFIG_ZZ_A"]
    assert g([(2, "#ifdef CONFIG_ZZ_A"), (3, "#ifdef copy_mc_to_kernel")], on) == ["CONFIG_ZZ_A"]
    assert g([(2, "#ifdef CONFIG_HIGHMEM")], on) == []
    for bad in ([(2, "#ifndef CONFIG_ZZ_A")], [(2, "#else (of #ifdef CONFIG_ZZ_A)")],
                [(2, "#elif defined(CONFIG_ZZ_A) (of #ifdef CONFIG_ZZ_B)")], [(2, "#if !defined(CONFIG_ZZ_A)")],
                [(2, "#if CONFIG_ZZ_SHIFT > 12")], [(2, "#if defined(CONFIG_ZZ_A) || defined(ZZ_OTHER)")],
                [(2, "#ifdef CONFIG_ZZ_A"), (3, "#ifdef CONFIG_X86_PAE")]):
        assert g(bad, on) is None, bad


def test_an_elif_guard_is_turned_on_when_the_branches_before_it_stay_off():
    """kernel/module/decompress.c's #if CONFIG_MODULE_COMPRESS_GZIP ... #elif
    CONFIG_MODULE_COMPRESS_XZ ... #elif CONFIG_MODULE_COMPRESS_ZSTD chain: a
    function of the third branch is defined in a kernel with ZSTD on and the
    two before it off, which they are; the chain's text names its #if. An
    #elif after a branch that holds (an option on), that could hold (&&, a
    macro beside the options, #ifndef), or that turning on would make hold is
    refused, and so is an #else."""
    text = ("#if defined(CONFIG_ZZ_GZ)\nint gz(int n)\n{\n\treturn n;\n}\n"
            "#elif defined(CONFIG_ZZ_XZ) || IS_ENABLED(CONFIG_ZZ_LZ)\nint xz(int n)\n{\n\treturn n;\n}\n"
            "#elif defined(CONFIG_ZZ_ZSTD)\nint zstd(int n)\n{\n\treturn n;\n}\n"
            "#else\nint none(int n)\n{\n\treturn n;\n}\n#endif\n")
    conds = importer.gating_conditions(text, "zstd")
    assert conds == [(11, "#elif defined(CONFIG_ZZ_ZSTD) (of #if defined(CONFIG_ZZ_GZ))",
                      ["#if defined(CONFIG_ZZ_GZ)", "#elif defined(CONFIG_ZZ_XZ) || IS_ENABLED(CONFIG_ZZ_LZ)"])]
    g = importer.guard_options
    assert g(conds, {"CONFIG_MMU"}) == ["CONFIG_ZZ_ZSTD"]
    assert g(importer.gating_conditions(text, "xz"), set()) == ["CONFIG_ZZ_XZ", "CONFIG_ZZ_LZ"]
    assert g(conds, {"CONFIG_ZZ_LZ"}) is None          # an earlier branch holds
    assert g(importer.gating_conditions(text, "none"), set()) is None
    for first in ("#ifndef CONFIG_ZZ_GZ", "#if defined(CONFIG_ZZ_GZ) && defined(CONFIG_ZZ_Q)", "#if defined(CONFIG_ZZ_GZ) || ZZ_OTHER",
                  "#if defined(CONFIG_ZZ_ZSTD) && 0", "#ifdef CONFIG_ZZ_ZSTD"):
        chain = importer.gating_conditions(text.replace("#if defined(CONFIG_ZZ_GZ)", first, 1), "zstd")
        assert g(chain, set()) is None, first


def test_check_turns_on_the_options_a_function_is_defined_under(tmp_path, monkeypatch, capsys):
    """mm/memory.c's copy_folio_from_user() exists only with
    CONFIG_TRANSPARENT_HUGEPAGE or CONFIG_HUGETLBFS, so any kernel that has
    it has one: check turns both on, says so, and the unit defines them
    apart from --config's. One under #ifndef keeps the error."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    from kmapsim_kernel import check
    tree = str(tmp_path / "tree")
    _small_tree(tree, {"mm/big.c": "int plain(int n) { return n; }\n"
                                   "#if defined(CONFIG_ZZ_A) || IS_ENABLED(CONFIG_ZZ_B)\nint\nbig_copy(int n)\n{\n"
                                   "#ifdef CONFIG_ZZ_B\n\treturn n + 2;\n#else\n\treturn n + 1;\n#endif\n}\n#endif\n"
                                   "#ifndef CONFIG_ZZ_C\nint\nsmall_copy(int n)\n{\n\treturn n;\n}\n#endif\n"})
    try:
        importer.set_user_config(["CONFIG_ZZ_D=4"])
        with pytest.raises(importer.NotDefined) as e:
            importer.import_files(tree, [("mm/big.c", ["big_copy"])], "strict")
        assert e.value.options == ["CONFIG_ZZ_A", "CONFIG_ZZ_B"]
        path = check.build_checked(tree, [("mm/big.c", "big_copy")], "strict")
        err = capsys.readouterr().err
        assert ("kmapsim: config: big_copy() is defined only under #if defined(CONFIG_ZZ_A) || IS_ENABLED(CONFIG_ZZ_B) "
                "(line 2): CONFIG_ZZ_A and CONFIG_ZZ_B on, as in any kernel that has it") in err
        text = open(path).read()
        assert "/* check --config */\n#define CONFIG_ZZ_D 4\n" in text
        assert "/* the function under test is defined only with these on */\n#define CONFIG_ZZ_A 1\n#define CONFIG_ZZ_B 1\n" in text
        importer.set_user_config([])
        assert importer.GUARD_CONFIG == set()
        # without them the error names the condition, as before (CONFIG_ZZ_C
        # is off: small_copy() is defined; turned on, nothing defines it)
        importer.set_user_config(["CONFIG_ZZ_C"])
        with pytest.raises(importer.NotDefined) as e:
            check.build_checked(tree, [("mm/big.c", "small_copy")], "strict")
        assert e.value.options == [] and str(e.value).endswith("is defined only under #ifndef CONFIG_ZZ_C (line 13), which profile strict's config and --config leaves out")
        assert "kmapsim: config:" not in capsys.readouterr().err
    finally:
        importer.set_user_config([])


def test_a_subsystem_file_that_does_not_compile_is_left_out(tmp_path, monkeypatch, capsys):
    """A subsystem file whose own code does not compile against kmapsim's
    headers (fs/btrfs/ctree.c calls kmem_cache_zalloc(), which kmapsim does
    not declare) is not taken once the compiler says so: its function stops
    the run instead, and the unit compiles."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _zz_tree(tree)
    block = os.path.join(tree, "fs/zz/block.c")
    text = open(block).read().replace("return scale(n);", "return scale(n) + undeclared_helper(n);")
    open(block, "w").write(text)
    _, lines = _unit_line(tmp_path, tree, '#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/zz/dir.c", zz_first);\n'
                          'KMAPSIM_SUBJECT(s) { }\n', capsys)
    assert lines == ["kmapsim: unit: from the tree: fs/zz/dir.c (1 function); "
                     "not modelled, a call stops the run: zz_block, zz_deep, zz_extra, zz_host"]


def test_a_tree_header_the_harness_includes_is_looked_up(tmp_path, monkeypatch, capsys):
    """A harness that uses a tree header's names the files under test do not
    include (<linux/local_lock.h> for its own per-CPU lock) includes it: the
    importer looks the harness's names up there too, and the line is blanked
    in the unit (kmapsim has no such file), keeping the harness's line
    numbers. An include kmapsim has a file for stays, and so does one the
    tree has not (the C library's); without the include the names are
    unknown."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _zz_tree(tree)
    os.makedirs(os.path.join(tree, "include/linux"), exist_ok=True)
    with open(os.path.join(tree, "include/linux/zz_gadget.h"), "w") as f:
        f.write("#define ZZ_GADGET_MAX 7\nstatic inline int zz_gadget(int n) { return n < ZZ_GADGET_MAX ? n : 0; }\n")
    harness = ('#include <kmapsim/subject.h>\n#include <linux/zz_gadget.h>\n#include <linux/xarray.h>\n'
               '#include <limits.h>\nKMAPSIM_IMPORT("fs/zz/dir.c", zz_first);\n'
               'KMAPSIM_SUBJECT(s) { BUG_ON(zz_gadget(3) != 3 || zz_first(1) != 2 || INT_MAX < 0); }\n')
    path, _ = _unit_line(tmp_path, tree, harness, capsys)
    text = open(path).read()
    body = text[text.rindex('#line 1 "'):]
    assert "#include <linux/zz_gadget.h>" not in body and "#include <linux/xarray.h>" in body
    assert "#include <limits.h>" in body    # the C library's, not the tree's
    assert body.splitlines()[6].startswith("KMAPSIM_SUBJECT(s)")   # line 6 of the harness, after the #line
    assert "static inline int zz_gadget(int n)" in text
    from kmapsim_kernel import check
    (tmp_path / "bare.c").write_text(harness.replace("#include <linux/zz_gadget.h>\n", ""))
    with pytest.raises(errors.BadInput):
        check.build_checked(tree, str(tmp_path / "bare.c"), "strict")


RADIX_H = r'''
#include <linux/xarray.h>
#include <linux/local_lock.h>
#define radix_tree_root xarray
struct radix_tree_preload {
	local_lock_t lock;
	unsigned nr;
	struct xa_node *nodes;
};
DECLARE_PER_CPU(struct radix_tree_preload, radix_tree_preloads);
int radix_tree_maybe_preload(gfp_t gfp_mask);
static inline void radix_tree_preload_end(void)
{
	local_unlock(&radix_tree_preloads.lock);
}
'''

LOCAL_LOCK_H = r'''
typedef struct { int owner; } local_lock_t;
#define INIT_LOCAL_LOCK(lockname) { 0 }
#define local_lock(lock) do { preempt_disable(); (void)this_cpu_ptr(lock); } while (0)
#define local_unlock(lock) do { (void)this_cpu_ptr(lock); preempt_enable(); } while (0)
'''


def test_a_per_cpu_variable_kmapsim_defines_comes_before_the_inlines_using_it(tmp_path):
    """model/tree_c/radix_tree.c defines radix_tree_preloads, which the
    tree's header declares with DECLARE_PER_CPU and uses in an inline
    (radix_tree_preload_end()): the definition goes with the headers, after
    its type and before that inline, and the unit compiles."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "include/linux/radix-tree.h": RADIX_H,
        "include/linux/local_lock.h": LOCAL_LOCK_H,
        "fs/rr/file.c": "#include <linux/radix-tree.h>\nint rr_add(void)\n{\n"
                        "\tif (radix_tree_maybe_preload(GFP_KERNEL))\n\t\treturn -ENOMEM;\n"
                        "\tradix_tree_preload_end();\n\treturn 0;\n}\n",
    })
    unit = importer.import_files(tree, [("fs/rr/file.c", ["rr_add"])], "strict")
    text = unit.text
    assert "radix_tree_preloads" in unit.modelled and "radix_tree_maybe_preload" in unit.modelled
    assert text.index("struct radix_tree_preload {") < \
        text.index("DEFINE_PER_CPU(struct radix_tree_preload, radix_tree_preloads)") < \
        text.index("static inline void radix_tree_preload_end(void)")
    r = compile_unit(tmp_path, text)
    assert r.returncode == 0, r.stderr


def test_a_lockdep_map_member_and_annotations_compile(tmp_path):
    """A structure with lockdep maps as members (btrfs's fs_info) and the
    annotations over them (lock_map_acquire(), rwsem_acquire_read()) are
    what a kernel without CONFIG_LOCKDEP makes of them: they compile and do
    nothing; a slab cache and the this_cpu operations in the same file are
    kmapsim's."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "fs/ll/ll.h": "struct ll_info {\n\tstruct lockdep_map writers_map;\n\tint writers;\n};\n",
        "fs/ll/file.c": '#include <linux/lockdep.h>\n#include <linux/slab.h>\n#include <linux/percpu.h>\n'
                        '#include "ll.h"\nstatic DEFINE_PER_CPU(int, ll_count);\n'
                        "static struct kmem_cache *ll_cache;\n"
                        "int ll_write(struct ll_info *info)\n{\n"
                        "\tint *p = kmem_cache_zalloc(ll_cache, GFP_NOFS);\n\n"
                        "\tlock_map_acquire(&info->writers_map);\n\tinfo->writers++;\n"
                        "\trwsem_acquire_read(&info->writers_map, 0, 0, _RET_IP_);\n"
                        "\tlock_map_release(&info->writers_map);\n\tthis_cpu_inc(ll_count);\n"
                        "\tkmem_cache_free(ll_cache, p);\n\treturn this_cpu_read(ll_count);\n}\n",
    })
    unit = importer.import_files(tree, [("fs/ll/file.c", ["ll_write"])], "strict")
    assert unit.traps == []
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_a_harness_branch_the_compiler_drops_names_nothing(tmp_path, monkeypatch, capsys):
    """A harness written for several trees (`#if LINUX_VERSION_CODE <
    KERNEL_VERSION(6, 9, 0)`) names, in the branch its tree's version does
    not take, functions the unit does not need: they are not looked up and
    not reported as stopping the run. The profile's machine (CONFIG_HIGHMEM)
    decides a branch too; a condition on anything else (a macro of a tree
    header, a file's kbuild option) keeps every branch."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    tree = str(tmp_path / "tree")
    _zz_tree(tree)
    with open(os.path.join(tree, "fs/zz/zz.h"), "a") as f:
        f.write("int zz_new(int n);\nint zz_old(int n);\nint zz_lowmem(int n);\n"
                "int zz_tree_macro(int n);\nint zz_gate(int n);\n")
    harness = ('#include <kmapsim/subject.h>\nKMAPSIM_IMPORT("fs/zz/dir.c", zz_first);\n'
               'KMAPSIM_SUBJECT(s)\n{\n'
               '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)\n\tzz_old(1);\n'
               '#elif defined(CONFIG_HIGHMEM) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)\n\tzz_new(1);\n'
               '#else\n\tzz_old(2);\n#endif\n'
               '#ifndef CONFIG_HIGHMEM\n\tzz_lowmem(1);\n#endif\n'
               '#ifdef ZZ_FROM_A_HEADER\n\tzz_tree_macro(1);\n#endif\n'
               '#ifndef CONFIG_ZZ_FS\n\tzz_gate(1);\n#endif\n'
               '\tzz_first(1);\n}\n')

    def stops():
        lines = _unit_line(tmp_path, tree, harness, capsys)[1]
        return lines[0].split("stops the run: ")[1].split(", ")

    on_612 = stops()
    assert "zz_new" in on_612 and "zz_old" not in on_612 and "zz_lowmem" not in on_612
    assert "zz_tree_macro" in on_612 and "zz_gate" in on_612
    open(os.path.join(tree, "Makefile"), "w").write("VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n")
    on_61 = stops()
    assert "zz_old" in on_61 and "zz_new" not in on_61 and "zz_lowmem" not in on_61


def test_if_expressions_as_cpp_evaluates_them():
    """#if with function-like macros (KERNEL_VERSION(), _BITUL()'s pasted
    suffix), ?:, octal and character constants, C's division, and what has
    no value (a stringizing macro, an unclosed parenthesis, a division by
    zero) counting as 0."""
    macros = {}
    for d in ("#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))",
              "#define LINUX_VERSION_CODE KERNEL_VERSION(6, 12, 300)",
              "#define __AC(X, Y) (X##Y)", "#define _AC(X, Y) __AC(X, Y)", "#define _BITUL(x) (_AC(1, UL) << (x))",
              "#define SELF SELF + 1", "#define STR(x) #x", "#define SUM(a, ...) (a + (__VA_ARGS__))",
              "#define CONFIG_ON 1"):
        m = ctokens.parse_define(d)
        macros[m.name] = m
    cases = {
        "LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)": 1,
        "LINUX_VERSION_CODE == KERNEL_VERSION(6, 12, 255)": 1,
        "LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)": 0,
        "_BITUL(4) == 16 && 010 == 8 && 'a' == 97 && '\\n' == 10": 1,
        "-7 / 2 == -3 && -7 % 2 == -1": 1,
        "0 ? 1 : CONFIG_ON ? 2 : 3": 2,
        "defined CONFIG_ON && !defined(CONFIG_OFF) && IS_ENABLED(CONFIG_ON) && !IS_ENABLED(CONFIG_OFF)": 1,
        "SELF == 1": 1,         # not expanded again inside itself: 0 + 1
        "SUM(1, 2, 3) == 4": 1,  # (1 + (2, 3)): the comma operator
        "UNKNOWN_NAME + 1 == 1": 1,
        "STR(a)": 0, "(1": 0, "1 / 0": 0, "__has_builtin(__builtin_foo)": 0,
    }
    for expr, want in cases.items():
        assert ctokens.eval_if(expr, macros) == bool(want), expr


def test_kernel_types_and_build_checks_as_the_kernel_has_them(tmp_path):
    """loff_t is long long (fs/hostfs passes &pos as unsigned long long *);
    BUILD_BUG_ON() of a static inline's parameter is left to the optimiser
    (linux/random.h), of a constant is checked, and KM_MAX_IDX is the
    profile's (fs/verity's check against it); the allocation scopes keep
    their flag; 6.1's page_index(), a dev_err()-style printk index entry
    and a chain of pages through page->lru and folio->lru compile."""
    tree = str(tmp_path / "tree")
    body = ("#include <linux/highmem.h>\n#include <linux/sched.h>\n#include <linux/printk.h>\n"
            "int io_at(unsigned long long *offset);\n"
            "static inline unsigned below(unsigned ceil)\n{\n"
            "\tBUILD_BUG_ON_MSG(!ceil, \"ceil > 0\");\n\treturn ceil - 1;\n}\n"
            "int hh_write(struct page *page, loff_t pos)\n{\n"
            "\tunsigned int flags = memalloc_nofs_save();\n\tint nofs = !!(current->flags & PF_MEMALLOC_NOFS);\n\n"
            "\tBUILD_BUG_ON(1 + 8 > KM_MAX_IDX);\n"
            "\tprintk_index_subsys_emit(\"%s: \", KERN_ERR, \"bad\");\n"
            "\tmemalloc_nofs_restore(flags);\n"
            "\t{\n\t\tLIST_HEAD(chain);\n\n\t\tlist_add(&page->lru, &chain);\n"
            "\t\tlist_move_tail(&page_folio(page)->lru, &chain);\n\t\tlist_del(&page->lru);\n\t}\n"
            "\treturn io_at(&pos) + below(3) + nofs + (int)page_index(page);\n}\n")
    _small_tree(tree, {"fs/hh/file.c": body})
    unit = importer.import_files(tree, [("fs/hh/file.c", ["hh_write"])], "strict")
    r = compile_unit(tmp_path, unit.text, ["-Werror=incompatible-pointer-types"])
    assert r.returncode == 0, r.stderr
    bad = body.replace("1 + 8 > KM_MAX_IDX", "1 + 40 > KM_MAX_IDX")
    _small_tree(tree, {"fs/hh/file.c": bad})
    unit = importer.import_files(tree, [("fs/hh/file.c", ["hh_write"])], "strict")
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode != 0 and "KM_MAX_IDX" in r.stderr


def test_a_files_kbuild_gate_brings_what_it_depends_on_and_selects(tmp_path):
    """6.1's block/Makefile builds t10-pi.c under BLK_DEV_INTEGRITY_T10,
    which depends on BLK_DEV_INTEGRITY, the option the block headers
    declare the integrity payload under: a kernel that builds the file has
    both on, and what the gate selects unconditionally. A dependency that
    is not a plain `A && B` chain, a conditional select and a machine
    option (the profile's to decide) are left as they are, and only the
    Kconfig files of the file's directory and those above it are read."""
    tree = str(tmp_path / "tree")
    _small_tree(tree, {
        "block/Makefile": "obj-$(CONFIG_BLK_PI) += pi.o\n",
        "block/Kconfig": "config BLK_PI\n\ttristate\n\tdepends on BLK_INTEG && BLOCK_ON && ARCH_PI\n"
                         "\tdepends on HIGHMEM\n\tdepends on NET || PCI\n\tselect CRC_PI\n"
                         "\tselect CRC_MAYBE if NET\n\nconfig BLK_INTEG\n\tbool \"integrity\"\n"
                         "\tselect BLK_LIB\n\nconfig CRC_PI\n\ttristate\n",
        "include/linux/integ.h": "#ifdef CONFIG_BLK_INTEG\nstruct integ { int tag; };\n"
                                 "static inline int integ_tag(struct integ *i) { return i->tag; }\n#endif\n",
        "block/pi.c": "#include <linux/integ.h>\nint pi_tag(struct integ *i)\n{\n\treturn integ_tag(i);\n}\n",
    })
    gates = importer.kbuild_gates(tree, "block/pi.c")
    assert gates[0] == "CONFIG_BLK_PI"
    assert {"CONFIG_BLK_INTEG", "CONFIG_BLOCK_ON", "CONFIG_CRC_PI", "CONFIG_BLK_LIB"} <= set(gates)
    assert not {"CONFIG_HIGHMEM", "CONFIG_ARCH_PI", "CONFIG_NET", "CONFIG_PCI", "CONFIG_CRC_MAYBE"} & set(gates)
    unit = importer.import_files(tree, [("block/pi.c", ["pi_tag"])], "x86-64")
    assert "struct integ { int tag; };" in unit.text and "#define CONFIG_BLK_INTEG 1" in unit.text
    r = compile_unit(tmp_path, unit.text)
    assert r.returncode == 0, r.stderr


def test_file_tokens_are_kept_between_processes(tmp_path, monkeypatch):
    # A long text's tokens go to $KMAPSIM_CACHE/tokens/ and come back the
    # same; a short one is not kept; a kept file that cannot be read (a full
    # disk mid-write) is tokenized again and rewritten.
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path))
    text = "".join("#define M%d(x) ((x) + %d) /* c */\nstatic int f%d(void) { return \"s\\\"\"[0] + 'c'; }\n" % (i, i, i)
                   for i in range(60))
    assert len(text) >= ctokens._DISK_MIN_CHARS
    fresh = ctokens._tokenize_text(text)
    ctokens._tokenize.cache_clear()
    first = ctokens._tokenize(text)
    path = ctokens._disk_path(text)
    assert path.startswith(str(tmp_path / "tokens")) and os.path.isfile(path)
    ctokens._tokenize.cache_clear()
    again = ctokens._tokenize(text)
    as_tuples = lambda toks: [(t.kind, t.text, t.start, t.end, t.line) for t in toks]  # noqa: E731
    assert as_tuples(first) == as_tuples(again) == as_tuples(fresh)
    assert ctokens._load(path) is not None
    with open(path, "wb") as f:
        f.write(b"\x00garbage")
    assert ctokens._load(path) is None
    ctokens._tokenize.cache_clear()
    assert as_tuples(ctokens._tokenize(text)) == as_tuples(fresh)
    assert ctokens._load(path) is not None
    short = "int x;"
    ctokens._tokenize(short)
    assert not os.path.exists(ctokens._disk_path(short))
    ctokens._tokenize.cache_clear()


def test_the_nested_check_returns_what_it_printed(tmp_path, capsys):
    # check --kernel runs check in its own process; what that check prints
    # (kmapsim's own lines and the subject binary's) comes back as its
    # output, none of it shown
    from kmapsim_kernel import check
    src = tmp_path / "bad.c"
    src.write_text("#include <kmapsim/subject.h>\nKMAPSIM_SUBJECT(x) { undeclared_thing = 1; }\n")
    rc, out, err = check.run_check(str(src), "strict", 1)
    assert rc == 2 and "bad.c does not compile" in err and "undeclared_thing" in err, err
    shown = capsys.readouterr()
    assert "does not compile" not in shown.out + shown.err


def test_kept_tokens_are_capped(tmp_path, monkeypatch):
    # each cache directory keeps its _DISK_PER_DIR most recently used files
    monkeypatch.setattr(ctokens, "_DISK_PER_DIR", 3)
    d = tmp_path / "ab"
    d.mkdir()
    for i in range(5):
        p = d / ("t%d" % i)
        p.write_text("")
        os.utime(p, ns=(i * 10**9, i * 10**9))
    os.utime(d / "t0")
    ctokens._trim(str(d))
    assert sorted(os.listdir(d)) == ["t0", "t3", "t4"]
