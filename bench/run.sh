#!/usr/bin/env bash
# Benchmark (not a test): confirming quotations with the addon against stock
# Odoo with the same modules. Prints queries and seconds for each run,
# alternating the two databases, and the ratios. Usage: bench/run.sh [N] [ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/../setup/common.sh"
COUNT="${1:-100}"
ROUNDS="${2:-3}"
STOCK_MODULES=sale_crm,sale_management,sale_project,sale_timesheet,hr,calendar,product_contract

resolve_odoo_src
ensure_venv
pg_start
trap 'pg_stop' EXIT
CONF="$STATE/odoo-bench.conf"
write_odoo_conf "$CONF" 8369
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" --stop-after-init --log-level=warn --without-demo=all)
db_exists vshn_bench_stock || step "create stock database" "see the log" \
    "${ODOO[@]}" -d vshn_bench_stock -i "$STOCK_MODULES"
if db_exists vshn_bench_addon; then
    step "upgrade addon database" "see the log" "${ODOO[@]}" -d vshn_bench_addon -u "$ADDON"
else
    step "create addon database" "see the log" "${ODOO[@]}" -d vshn_bench_addon -i "$ADDON"
fi
RESULTS="$STATE/bench-confirm.jsonl"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
    for db in vshn_bench_stock vshn_bench_addon; do
        "$VENV/bin/python" "$ROOT/bench/confirm_quotations.py" "$CONF" "$db" "$COUNT" | tail -n 1 >>"$RESULTS"
    done
done
"$VENV/bin/python" - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for row in rows:
    kind = "addon" if row["addon"] else "stock"
    print(f"{kind:5}  {row['orders']} orders  {row['queries']:6} queries  {row['seconds']:7.3f} s")
def median(kind, key):
    return statistics.median(r[key] for r in rows if r["addon"] == kind)
q = median(True, "queries") / median(False, "queries")
t = median(True, "seconds") / median(False, "seconds")
n = rows[0]["orders"]
print(f"median per order: addon {median(True, 'queries') / n:.1f} queries, "
      f"stock {median(False, 'queries') / n:.1f}; ratio queries {q:.2f}, time {t:.2f}")
PY
