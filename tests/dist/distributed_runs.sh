#!/usr/bin/env bash
# distributed_runs.sh GAT MPIEXEC COMPARE DATASET: gat train --partitions under mpiexec -n 1, 2
# and 4 against the single-process gat train on DATASET ("synthetic", or a name under GAT_DATA):
#   - without dropout, after 20 epochs: with SGD, losses, accuracies and parameters agree with
#     the single-process run's within 1e-5 relative; with Adam, losses and accuracies within 1e-5
#     and parameters within 1e-4 (Adam divides each gradient by its running magnitude, so the
#     rounding of near-zero gradients, summed in another order, moves their parameters by up to
#     a step: docs/distributed.md);
#   - with the paper's dropout, the same rank count twice gives the same checkpoint, bit for bit;
#   - the checkpoint loads in the single-process gat eval, which agrees with gat eval --partitions;
#   - a partition run with the wrong rank count, or a part from another partitioning, is refused
#     naming the file.
# Exit 77 (ctest: skipped) when DATASET is not synthetic and GAT_DATA does not hold it.
set -euo pipefail
gat=$1 mpiexec=$2 compare=$3 dataset=$4
data_args=()
if [[ $dataset != synthetic ]]; then
  root=${GAT_DATA:-${GAT_DATA_DEFAULT:-}}
  if [[ -z $root || ! -d $root/$dataset ]]; then
    echo "skipped: dataset $dataset not found under GAT_DATA='${root}' (set GAT_DATA to the datasets folder)"
    exit 77
  fi
  data_args=(--dataset "$dataset" --data-root "$root")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
# Open MPI's shared-memory transport is enough on one machine; no network interfaces are probed.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun() { "$mpiexec" --oversubscribe --bind-to none -n "$@"; }
quiet=(--epochs 20 --patience 0 --dropout 0 --threads 1)
preset=(--epochs 20 --patience 0 --threads 1)

"$gat" train "${data_args[@]}" "${quiet[@]}" --whole-graph --save "$work/single.safetensors" --log "$work/single.log" >/dev/null
"$gat" train "${data_args[@]}" "${quiet[@]}" --optimizer sgd --lr 0.5 --whole-graph --save "$work/single-sgd.safetensors" --log "$work/single-sgd.log" >/dev/null
for p in 1 2 4; do
  "$gat" partition "${data_args[@]}" --parts "$p" --out "$work/parts$p" >/dev/null
  mpirun "$p" "$gat" train --partitions "$work/parts$p" "${quiet[@]}" --save "$work/p$p.safetensors" --log "$work/p$p.log" >/dev/null
  echo "-n $p against one process (Adam):"
  "$compare" 1e-5 1e-4 "$work/p$p.safetensors" "$work/single.safetensors" "$work/p$p.log" "$work/single.log"
  mpirun "$p" "$gat" train --partitions "$work/parts$p" "${quiet[@]}" --optimizer sgd --lr 0.5 --save "$work/p$p-sgd.safetensors" --log "$work/p$p-sgd.log" >/dev/null
  echo "-n $p against one process (SGD):"
  "$compare" 1e-5 1e-5 "$work/p$p-sgd.safetensors" "$work/single-sgd.safetensors" "$work/p$p-sgd.log" "$work/single-sgd.log"
  mpirun "$p" "$gat" train --partitions "$work/parts$p" "${preset[@]}" --save "$work/a$p.safetensors" >/dev/null
  mpirun "$p" "$gat" train --partitions "$work/parts$p" "${preset[@]}" --save "$work/b$p.safetensors" >/dev/null
  cmp "$work/a$p.safetensors" "$work/b$p.safetensors"
  echo "-n $p with dropout, twice: the same bits"
done

# The distributed checkpoint in the single-process gat eval, and gat eval --partitions.
"$gat" eval --checkpoint "$work/a2.safetensors" "${data_args[@]}" --json >"$work/eval1.json"
mpirun 2 "$gat" eval --checkpoint "$work/a2.safetensors" --partitions "$work/parts2" --json >"$work/eval2.json"
python3 - "$work/eval1.json" "$work/eval2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for split in ("train", "valid", "test"):
    assert a[split]["nodes"] == b[split]["nodes"], split
    assert a[split]["accuracy"] == b[split]["accuracy"], (split, a[split], b[split])
    assert abs(a[split]["loss"] - b[split]["loss"]) <= 1e-5 * abs(a[split]["loss"]), (split, a[split], b[split])
print("gat eval and gat eval --partitions agree:", a["test"])
PY

# Refusals: 2 ranks on 4 parts; a part from another partitioning.
status=0
mpirun 2 "$gat" train --partitions "$work/parts4" "${quiet[@]}" >/dev/null 2>"$work/err" || status=$?
[[ $status == 2 ]] && grep -q "manifest.json.*4 parts but 2 ranks" "$work/err" || { cat "$work/err"; echo "wrong rank count not refused"; exit 1; }
cp "$work/parts4/part-1.bin" "$work/parts2/part-1.bin"
status=0
mpirun 2 "$gat" train --partitions "$work/parts2" "${quiet[@]}" >/dev/null 2>"$work/err" || status=$?
[[ $status == 2 ]] && grep -q "part-1.bin" "$work/err" || { cat "$work/err"; echo "foreign part not refused"; exit 1; }
echo "mismatched partitions refused, naming the file"
