"""A report's text from its data (the driver's --json "details",
docs/report.schema.json). model/src/sim/report.cc renders the same bytes from
the same data: change both together. tests/cli/test_report_json.py checks
that the two agree on real reports.
"""


def _c_left(value, width):
    """printf's %-Ns / %-Nd: left-justified, never truncated."""
    return str(value).ljust(width)


def event_line(e):
    return "    #%s %s cpu%s %s%s %s\n" % (_c_left(e["seq"], 5), _c_left(e["context"], 22), _c_left(e["cpu"], 2),
                                         _c_left(e["kind"], 12), _c_left(e["site"], 20), e["detail"])


def _site(s):
    out = "  %s: %s" % (s["role"], s["what"])
    trace = s["trace"]
    if not trace:
        return out + " (outside the subject's code)\n"
    f = trace[0]
    out += " at %s:%d in %s()\n" % (f["file"], f["line"], f["function"])
    out += "  Call Trace:\n   <TASK>\n"
    for t in trace:
        out += "   %s %s:%d\n" % (t["function"], t["file"], t["line"])
    return out + "   </TASK>\n"


def render(d):
    """The text of the report D (a dict as the driver's --json "details")."""
    o = d["first_line"] + "\n"
    o += "  profile: %s\n" % d["profile"]
    if d["context"]:
        o += "  context: %s\n" % d["context"]
    for s in d["sites"]:
        o += _site(s)
    if d["mapping"]:
        o += "  mapping: %s\n" % d["mapping"]
    if d["page"]:
        o += "  page: %s\n" % d["page"]
    for line in d["details"]:
        o += "  %s\n" % line
    o += "  last events (oldest first):\n"
    for e in d["events"]:
        o += event_line(e)
    if d["sanitizer"]:
        o += "  sanitizer report:\n"
        for line in d["sanitizer"]:
            o += "    %s\n" % line
    o += "  decisions: %d, steps: %d\n" % (d["decisions"], d["steps"])
    if d["replay"]:
        o += "  replay: %s\n" % d["replay"]
    return o
