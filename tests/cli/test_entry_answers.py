"""What check asks of a subject's build (whether its object starts another
context, which subjects its binary has) is asked once per cache entry and
kept in the entry (subject_cache.remembered); an unknown profile is still
refused after a known one's list was kept."""
import os
import subprocess

import pytest

from kmapsim_cli import check, subject_cache
from kmapsim_cli.common import Unusable

THREADED = r'''#include <kmapsim/subject.h>
static struct completion entry_done;
static int entry_thread(void *arg)
{
	complete(&entry_done);
	return 0;
}
KMAPSIM_SUBJECT(entry_threaded)
{
	init_completion(&entry_done);
	kthread_run(entry_thread, NULL, "entry");
	wait_for_completion(&entry_done);
}
KMAPSIM_SUBJECT(entry_second) { }
'''
PLAIN = '#include <kmapsim/subject.h>\nKMAPSIM_SUBJECT(entry_plain) { }\n'


def built(tmp_path, name, text):
    src = tmp_path / name
    src.write_text(text)
    return subject_cache.build_subject(str(src))


def no_processes(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("started a process: %s" % (a[0],))
    monkeypatch.setattr(subprocess, "run", refuse)


def test_the_context_answer_is_asked_once(tmp_path, monkeypatch):
    _, threaded = built(tmp_path, "entry_threaded.c", THREADED)
    _, plain = built(tmp_path, "entry_plain.c", PLAIN)
    assert subject_cache.starts_other_contexts(threaded) is True
    assert subject_cache.starts_other_contexts(plain) is False
    no_processes(monkeypatch)
    assert subject_cache.starts_other_contexts(threaded) is True
    assert subject_cache.starts_other_contexts(plain) is False


def test_the_subject_list_is_asked_once_per_profile(tmp_path, monkeypatch):
    binary, cache = built(tmp_path, "entry_threaded.c", THREADED)
    names = check.list_subjects(binary, cache, "strict", "entry_threaded.c")
    assert names == ["entry_threaded", "entry_second"]
    with monkeypatch.context() as m:
        no_processes(m)
        assert check.list_subjects(binary, cache, "strict", "entry_threaded.c") == names
    # an unknown profile is the driver's to refuse, every time
    for _ in range(2):
        with pytest.raises(Unusable):
            check.list_subjects(binary, cache, "no-such-profile", "entry_threaded.c")
    assert not os.path.exists(os.path.join(cache, "subjects.no-such-profile"))
