"""What a subject that does not build shows: the compiler's or the linker's
own words first (GNU ld's lines have no "error:"), and a full disk said as
such, since every later build fails the same way."""
import io
import subprocess

from kmapsim_cli import subject_cache
from kmapsim_kernel import diagnose


def real_link_failure(tmp_path):
    """What clang++ prints when the linker cannot find a library."""
    src = tmp_path / "m.c"
    src.write_text("int main(void) { return 0; }\n")
    obj = tmp_path / "m.o"
    subprocess.run(["clang", "-c", str(src), "-o", str(obj)], check=True)
    p = subprocess.run(["clang++", str(obj), "-lkmapsim_no_such_lib", "-o", str(tmp_path / "m")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0
    return p.stdout


def test_the_linkers_own_line_comes_first(tmp_path):
    log = real_link_failure(tmp_path)
    assert "linker command failed" in log
    first = subject_cache.first_error(log)
    assert "kmapsim_no_such_lib" in first, log
    assert "linker command failed" not in first
    assert diagnose.errors(log)[-1].endswith("(use -v to see invocation)")


def test_undefined_reference_before_its_context_line():
    log = ("/usr/bin/ld: /tmp/u-1.o: in function `main':\n"
           "u.c:(.text+0x10): undefined reference to `nowhere'\n"
           "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n")
    assert subject_cache.first_error(log) == "u.c:(.text+0x10): undefined reference to `nowhere'"


def diagnosis(tmp_path, name, log_text, what):
    """The lines diagnose.report() prints for a log holding log_text."""
    log = tmp_path / name
    log.write_text(log_text)
    out = io.StringIO()
    diagnose.report(str(log), what, out=out)
    return out.getvalue().splitlines()


def test_a_full_disk_is_named(tmp_path):
    err = diagnosis(tmp_path, "link-failed.log",
                    "/usr/bin/ld: final link failed: No space left on device\n"
                    "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n",
                    "x.c does not link")
    assert err[0] == "kmapsim: x.c does not link; the errors (2, first 2 shown):"
    assert err[1] == "  /usr/bin/ld: final link failed: No space left on device"
    assert any(l.startswith("kmapsim: the disk is full (") and "MiB free now where kmapsim builds" in l
               for l in err), err
    ok = diagnosis(tmp_path, "compile-failed.log", "x.c:1:1: error: unknown type name 'foo'\n", "x.c does not compile")
    assert not any("disk is full" in l for l in ok)


def test_an_undefined_config_value_names_the_option(tmp_path):
    """A Kconfig value the profile does not set (a chain size, a table
    length) is an undeclared CONFIG_ name: the diagnosis says to give it
    with --config, naming the option under UL()'s pasted suffix too. A
    log with no CONFIG_ name says nothing of the kind."""
    lines = diagnosis(tmp_path, "compile-failed.log",
                      "mm/zsmalloc.c:224:32: error: use of undeclared identifier 'CONFIG_ZSMALLOC_CHAIN_SIZEUL'\n"
                      "fs/x.c:3:9: error: use of undeclared identifier 'CONFIG_X_SLOTS'\n", "x.c does not compile")
    assert ("kmapsim: CONFIG_ZSMALLOC_CHAIN_SIZEUL is most likely UL(CONFIG_ZSMALLOC_CHAIN_SIZE) with "
            "CONFIG_ZSMALLOC_CHAIN_SIZE undefined (the macro pastes its suffix): an option of your kernel's "
            "configuration that the profile does not set; give its value with --config CONFIG_ZSMALLOC_CHAIN_SIZE=VALUE") in lines
    assert ("kmapsim: CONFIG_X_SLOTS: an option of your kernel's configuration that the profile does not set; "
            "give its value with --config CONFIG_X_SLOTS=VALUE") in lines
    none = diagnosis(tmp_path, "plain.log", "x.c:1:1: error: use of undeclared identifier 'slots'\n", "x.c does not compile")
    assert not any("--config" in l for l in none)


def test_check_names_the_linkers_line(run_kmapsim, tmp_path):
    """A subject calling a function nobody defines: exit 2, the undefined
    reference named, the log kept."""
    src = tmp_path / "nowhere.c"
    src.write_text('#include <kmapsim/subject.h>\nint nowhere(void);\n'
                   'KMAPSIM_SUBJECT(calls_nowhere) { (void)nowhere(); }\n')
    p = run_kmapsim("check", str(src), "--seconds", "1", timeout=600)
    assert p.returncode == 2, p.stderr
    assert "ld.lld: error: undefined symbol: nowhere" in p.stderr.splitlines()[-1], p.stderr
    assert "kmapsim: full log: " in p.stderr
