#!/usr/bin/env bash
# Benchmark (not a test): the profitability report's grouped reads (by
# customer, by month, one customer's smart button) against the same grouping
# on Odoo's invoice analysis, over the same generated data: queries and
# milliseconds, alternating the two, and the ratio of the medians.
# The data (seeded) is generated once into its own database and reused while
# the parameters stay the same. Usage: bench/run_finance.sh [INVOICES] [CUSTOMERS] [ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/../setup/common.sh"
INVOICES="${1:-10000}"
CUSTOMERS="${2:-500}"
ROUNDS="${3:-5}"
DB="vshn_bench_finance_${INVOICES}_${CUSTOMERS}"

resolve_odoo_src
ensure_venv
pg_start
# stop PostgreSQL only if this run started it
trap 'if [ "$PG_OWNED" = 1 ]; then pg_stop; fi' EXIT
CONF="$STATE/odoo-bench.conf"
write_odoo_conf "$CONF" "${VSHN_BENCH_HTTP_PORT:-8369}"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" --stop-after-init --log-level=warn --without-demo=all)
SCRIPT=("$VENV/bin/python" "$ROOT/bench/finance.py")
STAMP="$STATE/$DB.addon"

if db_exists "$DB"; then
    if [ "$(cat "$STAMP" 2>/dev/null)" != "$(addon_fingerprint)" ]; then
        # the report's query and indexes are the addon's current ones
        step "upgrade addon in $DB" "see the log" "${ODOO[@]}" -d "$DB" -u "$ADDON"
        addon_fingerprint >"$STAMP"
    fi
else
    step "create $DB" "see the log" "${ODOO[@]}" -d "$DB" -i "$ADDON"
    addon_fingerprint >"$STAMP"
fi
say "Generating $INVOICES invoices for $CUSTOMERS customers in $DB (once; about ten minutes)"
start=$(date +%s)
status=0
"${SCRIPT[@]}" generate "$CONF" "$DB" "$INVOICES" "$CUSTOMERS" || status=$?
if [ "$status" = 3 ]; then
    # other or unfinished data: start over on a fresh database
    db_drop "$DB"
    step "create $DB" "see the log" "${ODOO[@]}" -d "$DB" -i "$ADDON"
    addon_fingerprint >"$STAMP"
    "${SCRIPT[@]}" generate "$CONF" "$DB" "$INVOICES" "$CUSTOMERS"
elif [ "$status" != 0 ]; then
    die "generating the data failed (exit $status)"
fi
say "Data ready after $(($(date +%s) - start)) s; measuring $ROUNDS rounds"

RESULTS="$STATE/bench-finance.jsonl"
"${SCRIPT[@]}" measure "$CONF" "$DB" "$ROUNDS" | grep '^{' >"$RESULTS"
"$VENV/bin/python" - "$RESULTS" "$INVOICES" "$CUSTOMERS" "$ROUNDS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
check = next(row for row in rows if row.get("check"))
rows = [row for row in rows if not row.get("check")]
print(f"\n{sys.argv[2]} posted invoices, {sys.argv[3]} customers; "
      f"{check['rows']} report rows, {check['invoice_report_rows']} invoice report rows; "
      f"median of {sys.argv[4]} alternating rounds\n")
print("| grouping | report queries | invoice report queries | report ms "
      "| invoice report ms | time ratio |")
print("|---|---:|---:|---:|---:|---:|")
for grouping in dict.fromkeys(row["grouping"] for row in rows):
    def median(side, key):
        return statistics.median(
            r[key] for r in rows if r["grouping"] == grouping and r["side"] == side
        )
    def queries(side):
        counts = sorted({r["queries"] for r in rows if r["grouping"] == grouping and r["side"] == side})
        return "/".join(map(str, counts))
    report_ms, invoice_ms = median("report", "ms"), median("invoice_report", "ms")
    print(f"| {grouping} | {queries('report')} | {queries('invoice_report')} "
          f"| {report_ms:.1f} | {invoice_ms:.1f} | {report_ms / invoice_ms:.2f}x |")
print(f"\nrevenue {check['report_revenue']:,.2f} (invoice report, posted customer "
      f"invoices and credit notes: {check['invoice_report_posted_customer_subtotal']:,.2f} "
      f"over {check['posted_customer_invoices']} documents), effort {check['report_effort']:,.2f}")
PY
