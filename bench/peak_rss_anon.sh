#!/bin/sh
# Runs a command and prints its peak anonymous memory (RssAnon, read from /proc/PID/status every
# 0.5 s): the memory a run holds itself, not the pages of files it maps (a graph store).
#   bench/peak_rss_anon.sh gat train --dataset big.gstore --batch-size 1024 --epochs 1
"$@" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
  sleep 0.5
done
wait "$pid"
rc=$?
echo "peak RssAnon: $((peak / 1024)) MB" >&2
exit $rc
