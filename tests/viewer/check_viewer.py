#!/usr/bin/env python3
"""Opens pages written by `gat view` in headless Chromium and checks the DOM they draw.

A model is trained for a few epochs on gat's built-in synthetic graph (2,708 nodes); `gat
attention` exports its weights as the independent account of what the page should show. For a
node with several neighbours, the page must draw one edge per incoming edge plus the self-loop,
each edge's per-head weights must equal the export's and sum to 1 per head, and switching the head
must change the drawn widths. A node that is not in the graph and data of another version must
give a visible message, never a blank page. Exit 77 (skipped) when Chromium is not installed.
"""
import argparse
import collections
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


class Dom(html.parser.HTMLParser):
    """Every element's tag, attributes and own text, in document order."""

    def __init__(self):
        super().__init__()
        self.elements, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(e)
        if tag not in ("br", "input", "meta", "line", "circle", "rect"):
            self.stack.append(e)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["text"] += data

    def find(self, **want):
        return [e for e in self.elements if all(e["attrs"].get(k) == v for k, v in want.items())]

    def with_class(self, *names):
        return [e for e in self.elements if set(names) <= set(e["attrs"].get("class", "").split())]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        fail("%s exited %d\nstdout: %s\nstderr: %s" % (" ".join(cmd), r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    return r


class Browser:
    def __init__(self, exe, scratch):
        self.exe, self.profile = exe, os.path.join(scratch, "profile")

    def dom(self, page, query=""):
        url = "file://" + os.path.abspath(page) + ("?" + query if query else "")
        r = run([self.exe, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--mute-audio",
                 "--user-data-dir=" + self.profile, "--virtual-time-budget=10000", "--dump-dom", url], timeout=180)
        d = Dom()
        d.feed(r.stdout)
        body = [e for e in d.elements if e["tag"] == "body"]
        check(body, "no <body> in the dumped DOM of " + url)
        return d, body[0]["attrs"]


def message_of(dom):
    m = dom.find(id="message")
    check(m, "the page has no #message element")
    return m[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gat", required=True)
    args = ap.parse_args()
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if exe is None:
        print("SKIPPED: no chromium on PATH (scripts/run-tests installs Debian's chromium)")
        return SKIP
    scratch = tempfile.mkdtemp(prefix="gat_viewer_test_")
    try:
        return check_pages(args.gat, Browser(exe, scratch), scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def check_pages(gat, browser, scratch):
    ckpt, log = os.path.join(scratch, "m.safetensors"), os.path.join(scratch, "log.jsonl")
    page, att = os.path.join(scratch, "attention.html"), os.path.join(scratch, "attention.json")
    run([gat, "train", "--epochs", "8", "--patience", "0", "--heads", "3", "--hidden", "4", "--threads", "1",
         "--save", ckpt, "--log", log])
    run([gat, "view", "--checkpoint", ckpt, "--out", page, "--log", log, "--threads", "1"])
    run([gat, "attention", "--checkpoint", ckpt, "--out", att, "--threads", "1"])

    records = collections.defaultdict(list)  # (layer, target) -> [(source, weights)]
    with open(att) as f:
        for r in json.load(f)["records"]:
            records[(r["layer"], r["target"])].append((r["source"], r["weights"]))
    # A node with a few neighbours: several edges make head differences visible.
    node = min(t for (l, t), rs in records.items() if l == 0 and 5 <= len(rs) <= 12)
    expected = records[(0, node)]

    widths = {}
    for head in (0, 1):
        dom, body = browser.dom(page, "index=%d&layer=0&head=%d" % (node, head))
        check(body.get("data-state") == "ready", "page state %r, message %r" %
              (body.get("data-state"), message_of(dom)["text"]))
        check(body.get("data-node") == str(node) and body.get("data-head") == str(head),
              "the page shows node %s head %s, not %d / %d" % (body.get("data-node"), body.get("data-head"), node, head))
        edges = dom.with_class("edge", "hop1")
        check(len(edges) == len(expected),
              "%d edges drawn into node %d, expected %d (incoming edges and the self-loop)" % (len(edges), node, len(expected)))
        check(len(dom.with_class("edge", "hop1", "self-loop")) == 1, "not exactly one self-loop drawn")
        drawn = sorted((int(e["attrs"]["data-source"]), [float(w) for w in e["attrs"]["data-weights"].split()],
                        float(e["attrs"]["data-weight"]), e["attrs"]["stroke-width"]) for e in edges)
        want = sorted(expected)
        for (s, ws, shown, _), (es, ew) in zip(drawn, want):
            check(s == es, "drawn sources %s, exported %s" % ([d[0] for d in drawn], [w[0] for w in want]))
            check(len(ws) == 3 and all(abs(a - b) < 1e-4 for a, b in zip(ws, ew)),
                  "edge %d -> %d: drawn weights %s, exported %s" % (s, node, ws, ew))
            check(abs(shown - ws[head]) < 1e-6, "edge %d: shown weight %s is not head %d's" % (s, shown, head))
        for h in range(3):
            total = sum(d[1][h] for d in drawn)
            check(abs(total - 1) < 1e-4, "head %d's drawn weights into node %d sum to %s" % (h, node, total))
        check(abs(sum(d[2] for d in drawn) - 1) < 1e-4, "the shown weights do not sum to 1")
        rows = [e for e in dom.find() if e["tag"] == "tr" and "data-source" in e["attrs"]]
        check(len(rows) == min(10, len(expected)), "the top-k table has %d rows" % len(rows))
        table_weights = [float(r["attrs"]["data-weight"]) for r in rows]
        check(table_weights == sorted(table_weights, reverse=True), "the top-k table is not ordered by weight")
        widths[head] = [d[3] for d in drawn]
        check(dom.find(**{"class": "training-curve"}) or dom.with_class("training-curve"), "no training curve drawn")
    check(widths[0] != widths[1], "switching from head 0 to head 1 left every width as it was: %s" % widths[0])

    # The average of heads; then layer 1 (one head).
    dom, body = browser.dom(page, "index=%d&layer=0&head=mean" % node)
    shown = [float(e["attrs"]["data-weight"]) for e in dom.with_class("edge", "hop1")]
    check(abs(sum(shown) - 1) < 1e-4 and body.get("data-head") == "mean", "the average of heads does not sum to 1")
    dom, body = browser.dom(page, "index=%d&layer=1" % node)
    check(len(dom.with_class("edge", "hop1")) == len(records[(1, node)]), "layer 1's edges are not drawn")
    check(len(dom.with_class("edge", "hop2")) > 0, "no 2-hop edges drawn")

    # Bad input: a node that is not in the graph, an unknown head, data of another version.
    dom, body = browser.dom(page, "index=99999")
    m = message_of(dom)
    check("hidden" not in m["attrs"] and "not in the graph" in m["text"], "no visible message for node 99999: %r" % m)
    check(len(dom.with_class("edge", "hop1")) > 0, "the page is blank after the bad node")
    dom, body = browser.dom(page, "index=%d&head=7" % node)
    m = message_of(dom)
    check("hidden" not in m["attrs"] and "Head 7 does not exist" in m["text"], "no visible message for head 7: %r" % m)
    with open(page, encoding="utf-8") as f:
        text = f.read()
    check('"page_version":1' in text, "the page has no page_version 1")
    other = os.path.join(scratch, "other.html")
    with open(other, "w", encoding="utf-8") as f:
        f.write(text.replace('"page_version":1', '"page_version":2', 1))
    dom, body = browser.dom(other)
    m = message_of(dom)
    check(body.get("data-state") == "error" and "hidden" not in m["attrs"] and "version 2" in m["text"],
          "no visible message for data of version 2: state %r, %r" % (body.get("data-state"), m))
    check(dom.find(id="controls"), "the page is blank for data of version 2")
    print("viewer: node %d, %d edges, head widths differ, bad node / head / version give visible messages" %
          (node, len(expected)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
