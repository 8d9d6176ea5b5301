#!/usr/bin/env bash
# Runs the libFuzzer targets built by `scripts/build.sh fuzz` for a short time each, two at a
# time, from the seed corpora in fuzz/corpus/, and prints what each reached. Any crash, hang,
# leak, undefined behaviour or failed oracle fails the run; its reproducer's path is printed.
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (default 30 s, every target; CI runs it bare)
# Logs, grown corpora and reproducers: build-fuzz/fuzz-runs/<target>/.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift $(($# > 0 ? 1 : 0))
bin=build-fuzz/fuzz
out=build-fuzz/fuzz-runs
targets=("$@")
if ((${#targets[@]} == 0)); then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
for t in "${targets[@]}"; do
  [[ -x "$bin/fuzz_$t" ]] || { echo "fuzz: $bin/fuzz_$t is not built (scripts/build.sh fuzz)" >&2; exit 2; }
done

# Inputs larger than this are not tried: files of a few hundred rows reach every branch, and
# larger inputs only slow each run down.
max_len() {
  case "$1" in
    date|filter|year_folder) echo 256 ;;
    *) echo 16384 ;;
  esac
}

run_one() {
  local t="$1" dir="$out/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
              -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
  [[ -f "fuzz/dict/$t.dict" ]] && args+=(-dict="fuzz/dict/$t.dict")
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bin/fuzz_$t" "${args[@]}" "$dir/corpus" "fuzz/corpus/$t" >"$dir/log" 2>&1
  echo $? >"$dir/status"
}

start=$(date +%s)
running=0
for t in "${targets[@]}"; do
  if ((running >= 2)); then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait

failed=0
printf '%-12s %8s %10s %8s %8s  %s\n' target runs execs/s cov ft corpus
for t in "${targets[@]}"; do
  dir="$out/$t"
  status=$(cat "$dir/status" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$dir/log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-12s %8s %10s %8s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [[ "$status" != 0 ]]; then
    failed=1
    echo "---- fuzz_$t FAILED (exit $status); last lines of $dir/log:"
    tail -n 60 "$dir/log"
    for a in "$dir"/artifacts/*; do
      [[ -e "$a" ]] && echo "fuzz: reproducer: $a  (run: $bin/fuzz_$t $a)"
    done
    echo "----"
  fi
done
echo "fuzz: ${#targets[@]} target(s), ${seconds} s each, $(($(date +%s) - start)) s in all"
exit "$failed"
