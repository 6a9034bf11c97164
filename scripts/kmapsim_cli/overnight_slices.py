"""The slices of an overnight campaign (overnight.py): a turn of libFuzzer
in fork mode for one target, with the driver's options and the reports it
already knows, a turn of torture mode, and the merge of every corpus at the
end. Each runs as a process group of its own, read line by line while the
campaign's clock, progress line and state file go on, and is killed (the
whole group) when its time, plus a grace, is spent or the campaign stops.

Slices is a part of Campaign: it uses the campaign's state (st, targets,
paths, findings) and keeps only the running process.
"""
import ctypes
import hashlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from kmapsim_cli import findings as fnd
from kmapsim_cli.common import ROOT
from kmapsim_cli.overnight_report import count, hms

GRACE = 8  # seconds a slice may overrun before it is interrupted (fork jobs finish their own time)
STATS_RE = re.compile(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s (\d+) oom/timeout/crash: (\d+)/(\d+)/(\d+) time: (\d+)s")
LIBFUZZER_COMMON = ["-timeout=20", "-rss_limit_mb=2048", "-max_len=4096"]
TORTURE = "torture"


def set_pdeathsig():
    """The libFuzzer parent dies with us (a `kill -9` of the runner), by
    SIGKILL so that its fork-job directory stays for the next run to take
    the inputs from (on SIGTERM/SIGINT libFuzzer deletes it)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Slices:
    def driver_args(self, name, crash_dir):
        t = self.targets[name]
        if t["kind"] != "subject":
            return [t["bin"]]
        known = self.path("known", name + ".txt")
        os.makedirs(os.path.dirname(known), exist_ok=True)
        with open(known, "w") as f:
            f.write("".join(line + "\n" for line in self.known_lines(name)))
        return [t["bin"], "--crash-dir", crash_dir, "--target", name, "--replay-prefix", "scripts/kmapsim repro",
                "--known", known, "--fuzz"]

    def spawn(self, cmd, name, log):
        tmp = self.path("tmp", name)
        os.makedirs(tmp, exist_ok=True)
        env = dict(os.environ, TMPDIR=tmp)
        log.write("\n=== %s  campaign time %s  %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), hms(self.st["elapsed"]),
                                                       " ".join(cmd)))
        log.flush()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, preexec_fn=set_pdeathsig, env=env, cwd=ROOT)
        self.st["pgid"] = self.proc.pid
        self.save()

    def reap(self):
        rc = self.proc.wait()
        self.proc = None
        self.st["pgid"] = None
        return rc

    def fuzz_slice(self, name, secs, idx, n):
        """One turn of SECS seconds for target NAME. A subject target that
        reports a new site is restarted at once with that site known, so a
        bug found in the first second does not make every job of the turn
        crash on it (at most a few restarts per turn)."""
        ts = self.tstate(name)
        for d in (self.path("corpus", name), self.path("artifacts", name), self.path("crashes"), self.path("logs")):
            os.makedirs(d, exist_ok=True)
        start = time.monotonic()
        restarts = 0
        while not self.stop:
            left = secs - (time.monotonic() - start)
            if left < 1:
                break
            again, rc, lines = self.fuzz_run(name, left, idx, n, may_restart=restarts < 3)
            if not lines and rc not in (0, -signal.SIGKILL) and not self.stop:
                ts["error"] = "libFuzzer exited %d before fuzzing (see %s)" % (rc, fnd.rel(self.path("logs", name + ".log")))
                self.say("%s: %s" % (name, ts["error"]))
                break
            if not again:
                break
            restarts += 1
        ts["slices"] += 1
        self.scan(final=True)
        self.sample(name)
        self.save()
        if not self.tty:
            self.say("[%s/%s] %s: %s execs, features %d, corpus %d, findings %d" % (
                hms(self.st["elapsed"]), hms(self.st["budget"]), name, count(ts["execs"]), ts["ft"], ts["corpus"],
                len(self.st["findings"])))

    def fuzz_run(self, name, secs, idx, n, may_restart):
        """One libFuzzer run (fork mode). Returns (restart?, exit code, stats lines seen)."""
        t = self.targets[name]
        ts = self.tstate(name)
        corpus = self.path("corpus", name)
        artifacts = self.path("artifacts", name)
        seeds = os.path.join(ROOT, "corpus", name, "seeds")
        known = self.known_lines(name)
        cmd = self.driver_args(name, self.path("crashes"))
        cmd += ["-fork=%d" % self.args.jobs, "-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1",
                "-max_total_time=%d" % max(1, int(secs)), "-artifact_prefix=%s/" % artifacts, "-print_final_stats=1",
                "-dict=%s" % os.path.join(ROOT, "fuzz", "kmapsim.dict")] + LIBFUZZER_COMMON
        cmd += [corpus] + ([seeds] if os.path.isdir(seeds) else [])
        log = open(self.path("logs", name + ".log"), "a")
        self.spawn(cmd, name, log)
        live = {"execs": 0, "ft": 0, "corp": 0, "oom": 0, "timeout": 0, "crash": 0, "lines": 0}
        base = dict(ts)

        def reader(pipe):
            for raw in iter(pipe.readline, b""):
                line = raw.decode(errors="replace")
                log.write(line)
                m = STATS_RE.match(line)
                if m:
                    v = [int(x) for x in m.groups()]
                    live.update(execs=v[0], ft=v[2], corp=v[3], oom=v[5], timeout=v[6], crash=v[7])
                    live["lines"] += 1
            pipe.close()

        th = threading.Thread(target=reader, args=(self.proc.stdout,), daemon=True)
        th.start()
        t0 = time.monotonic()
        e0 = self.st["elapsed"]
        killed = restart = False
        while th.is_alive() or self.proc.poll() is None:
            th.join(0.5)
            now = time.monotonic()
            self.st["elapsed"] = e0 + (now - t0)
            ts.update(execs=base["execs"] + live["execs"],
                      ft=max(base["ft"], live["ft"]), corpus=live["corp"] if live["lines"] else base["corpus"],
                      crashes=base["crashes"] + live["crash"], timeouts=base["timeouts"] + live["timeout"],
                      ooms=base["ooms"] + live["oom"])
            if not killed and (self.stop or now - t0 > secs + GRACE):
                killed = True
                self.kill_group(signal.SIGKILL)  # see on_signal
            if now - self.last_sample >= self.sample_every:
                self.last_sample = now
                self.scan()
                self.sample(name)
                self.save()
                if (not killed and may_restart and t["kind"] == "subject" and secs - (now - t0) > 2
                        and self.known_lines(name) != known):
                    killed = restart = True
                    self.kill_group(signal.SIGKILL)
            self.progress_line(name, idx, n)
        rc = self.reap()
        log.close()
        self.st["elapsed"] = e0 + (time.monotonic() - t0)
        ts["seconds"] += time.monotonic() - t0
        ts["recovered"] = ts.get("recovered", 0) + self.harvest(name)
        ts["corpus"] = len(os.listdir(corpus))
        return restart, rc, live["lines"]

    def torture_slice(self, secs, idx, n):
        os.makedirs(self.path("logs"), exist_ok=True)
        log = open(self.path("logs", "torture.log"), "a")
        cmd = [os.path.join(ROOT, "scripts", "kmapsim"), "torture", "--seconds", str(max(1, int(secs)))]
        self.spawn(cmd, TORTURE, log)
        t0 = time.monotonic()
        e0 = self.st["elapsed"]
        out = []

        def reader(pipe):
            for raw in iter(pipe.readline, b""):
                line = raw.decode(errors="replace")
                out.append(line)
                log.write(line)
            pipe.close()

        th = threading.Thread(target=reader, args=(self.proc.stdout,), daemon=True)
        th.start()
        stopped = False
        while th.is_alive() or self.proc.poll() is None:
            th.join(0.5)
            self.st["elapsed"] = e0 + (time.monotonic() - t0)
            # its first run may build the tsan preset: give it time
            if not stopped and (self.stop or time.monotonic() - t0 > secs + 1200):
                stopped = True
                self.kill_group(signal.SIGKILL)
            self.progress_line(TORTURE, idx, n)
        rc = self.reap()
        log.close()
        text = "".join(out)
        self.st["elapsed"] = e0 + (time.monotonic() - t0)
        shutil.rmtree(self.path("tmp", TORTURE), ignore_errors=True)
        if rc == 2 and "not yet available" in text:
            self.st["torture"] = "not available yet (`scripts/kmapsim torture` says so); skipped"
            self.say("torture: not available yet; skipped")
            return
        ts = self.tstate(TORTURE)
        ts["seconds"] += time.monotonic() - t0
        ts["slices"] += 1
        if rc == 1:
            cls, _, first = fnd.classify_output(text)
            keep = self.path("findings", "torture-%s.log" % hashlib.sha1(text.encode()).hexdigest()[:12])
            os.makedirs(os.path.dirname(keep), exist_ok=True)
            open(keep, "w").write(text)
            self.add(fnd.finding(cls, TORTURE, first, TORTURE, keep, "log",
                                 "scripts/kmapsim torture --seconds %d (threads: best-effort, may need several runs)" % int(secs)))
        elif rc not in (0, 130, -signal.SIGINT, -signal.SIGKILL) and not self.stop:
            ts["error"] = "scripts/kmapsim torture exited %d (see %s)" % (rc, fnd.rel(self.path("logs", "torture.log")))
            self.st["torture"] = "failed: " + ts["error"]
            self.say("torture: " + ts["error"] + "; skipped from now on")
        else:
            self.st["torture"] = "ran"
        self.sample(TORTURE)
        self.save()

    # ------------------------------------------------------------ merge
    def merge(self, names):
        self.st["phase"] = "merging"
        self.save()
        todo = [n for n in names if n in self.targets and n not in self.st["merged"]]
        for i, name in enumerate(todo):
            if self.stop:
                return False
            src = self.path("corpus", name)
            before = len(os.listdir(src)) if os.path.isdir(src) else 0
            if before == 0:
                self.st["merged"].append(name)
                continue
            self.status("merging corpora: %s (%d/%d), %d inputs" % (name, i + 1, len(todo), before))
            dst = self.path("corpus.merge", name)
            shutil.rmtree(dst, ignore_errors=True)
            os.makedirs(dst)
            scratch = self.path("tmp", name, "merge-crashes")
            os.makedirs(scratch, exist_ok=True)
            cmd = self.driver_args(name, scratch) + ["-merge=1", "-artifact_prefix=%s/" % scratch] + LIBFUZZER_COMMON + [dst, src]
            log = open(self.path("logs", name + ".log"), "a")
            self.spawn(cmd, name, log)
            edges = None
            for raw in iter(self.proc.stdout.readline, b""):
                line = raw.decode(errors="replace")
                log.write(line)
                m = re.match(r"MERGE-OUTER: \d+ new files with \d+ new features added; (\d+) new coverage edges", line)
                if m:
                    edges = int(m.group(1))
            rc = self.reap()
            log.close()
            shutil.rmtree(self.path("tmp", name), ignore_errors=True)
            if self.stop:
                shutil.rmtree(dst, ignore_errors=True)
                return False
            after = len(os.listdir(dst))
            if rc != 0 or (after == 0 and before > 0):
                self.st["merge_results"][name] = "merge failed (exit %d), corpus kept as it was" % rc
                shutil.rmtree(dst, ignore_errors=True)
            else:
                old = self.path("corpus.old", name)
                os.makedirs(os.path.dirname(old), exist_ok=True)
                os.rename(src, old)
                os.rename(dst, src)
                shutil.rmtree(old, ignore_errors=True)
                self.st["merge_results"][name] = "%d -> %d inputs" % (before, after)
                if edges is not None:
                    self.tstate(name)["cov"] = edges
                self.tstate(name)["corpus"] = after
            self.st["merged"].append(name)
            self.save()
        self.clear_status()
        shutil.rmtree(self.path("corpus.merge"), ignore_errors=True)
        shutil.rmtree(self.path("corpus.old"), ignore_errors=True)
        return True
