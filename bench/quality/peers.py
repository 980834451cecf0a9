"""Run one peer of the hub's data-quality engine over one file.

    python peers.py polars|duckdb|pandera|gx SUITE.json DATA.csv|DATA.parquet

bench/quality (make bench-quality) runs this once per measured run, in the
venv of deploy/python/requirements-bench-quality.txt, and times the whole
process, start-up and imports included, as it times `hubctl validate`.

The suite is the hub's own (the bench writes it as JSON), so the rules are
written once; this file only translates each rule type into the peer's
words, with the hub's semantics (internal/quality/RULES.md): row-wise rules
leave nulls out of the denominator except not_null, which counts every row;
a row-wise rule passes when nothing is unexpected or the passing fraction is
at least `mostly` (default 1); `unique` counts every row of a duplicated
value (GE's meaning); pair_comparison leaves out rows where either side is
null; an aggregate of nothing fails. A rule type used by no translation is
an error, never a silent skip.

Prints one JSON object on stdout: the engine, the row count and, per rule in
suite order, its index, type, verdict (PASSED/FAILED), observed value and
unexpected count (null where the peer does not report one). The bench checks
these against the hub's result, so no peer is measured doing less work.
"""

from __future__ import annotations

import json
import math
import sys

OPS = {"<", "<=", ">", ">=", "=", "!="}


def rowwise(index, rule, denom, unexpected):
    """The hub's verdict for a row-wise rule from its denominator and count."""
    mostly = rule.get("mostly", 1.0)
    observed = None if denom == 0 else (denom - unexpected) / denom
    ok = unexpected == 0 or (observed is not None and observed >= mostly)
    return verdict(index, rule, ok, observed, unexpected)


def bounded(index, rule, value):
    """The hub's verdict for a value checked against min/max (inclusive)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return verdict(index, rule, False, None, None)
    ok = True
    if "min" in rule:
        ok = ok and (value > rule["min"] if rule.get("strict_min") else value >= rule["min"])
    if "max" in rule:
        ok = ok and (value < rule["max"] if rule.get("strict_max") else value <= rule["max"])
    return verdict(index, rule, ok, value, None)


def verdict(index, rule, ok, observed, unexpected):
    return {
        "index": index,
        "type": rule["type"],
        "verdict": "PASSED" if ok else "FAILED",
        "observed": observed,
        "unexpected_count": unexpected,
    }


def unsupported(rule):
    return ValueError(f"rule type {rule['type']!r} (or one of its options) has no translation in peers.py")


# --- Polars: one lazy query, every rule an aggregate expression ------------


def run_polars(suite, path):
    import polars as pl

    lf = pl.scan_parquet(path) if path.endswith(".parquet") else pl.scan_csv(path)
    exprs, finish = polars_rules(pl, suite["rules"])
    row = lf.select(exprs).collect().row(0, named=True)
    return row["__rows"], [f(row) for f in finish]


def polars_rules(pl, rules):
    """Aggregate expressions for all rules (one query), and per rule a
    function from the result row to the rule's verdict."""
    exprs = [pl.len().alias("__rows")]
    finish = []

    def add(i, name, expr):
        key = f"r{i}_{name}"
        exprs.append(expr.alias(key))
        return key

    for i, r in enumerate(rules):
        t = r["type"]
        c = pl.col(r["column"]) if "column" in r else None
        if t == "not_null":
            n = add(i, "nulls", c.null_count())
            finish.append(lambda row, i=i, r=r, n=n: rowwise(i, r, row["__rows"], row[n]))
        elif t in ("unique", "value_between", "in_set", "regex", "length_between"):
            if t == "unique":
                bad = c.drop_nulls().is_duplicated().sum()
            elif t == "value_between":
                bad = out_of_bounds(c, r).sum()
            elif t == "in_set":
                bad = (~c.is_in(r["values"])).sum()
            elif t == "regex":
                bad = (~c.str.contains(r["pattern"])).sum()
            else:
                bad = out_of_bounds(c.str.len_chars(), r).sum()
            d = add(i, "denom", c.count())
            u = add(i, "bad", bad)
            finish.append(lambda row, i=i, r=r, d=d, u=u: rowwise(i, r, row[d], row[u]))
        elif t == "aggregate_between":
            if r["aggregate"] != "mean":
                raise unsupported(r)
            v = add(i, "mean", c.mean())
            finish.append(lambda row, i=i, r=r, v=v: bounded(i, r, row[v]))
        elif t == "row_count_between":
            finish.append(lambda row, i=i, r=r: bounded(i, r, row["__rows"]))
        elif t == "null_ratio_max":
            n = add(i, "nulls", c.null_count())

            def null_ratio(row, i=i, r=r, n=n):
                rows = row["__rows"]
                ratio = 0.0 if rows == 0 else row[n] / rows
                return verdict(i, r, ratio <= r["max"], ratio, row[n])

            finish.append(null_ratio)
        elif t == "pair_comparison":
            a, b = pl.col(r["column_a"]), pl.col(r["column_b"])
            d = add(i, "denom", (a.is_not_null() & b.is_not_null()).sum())
            u = add(i, "bad", (~compare(a, r["op"], b)).sum())  # null when either is null: not summed
            finish.append(lambda row, i=i, r=r, d=d, u=u: rowwise(i, r, row[d], row[u]))
        else:
            raise unsupported(r)
    return exprs, finish


def out_of_bounds(x, r):
    """True where x is outside the rule's bounds; null where x is null."""
    conds = []
    if "min" in r:
        conds.append(x <= r["min"] if r.get("strict_min") else x < r["min"])
    if "max" in r:
        conds.append(x >= r["max"] if r.get("strict_max") else x > r["max"])
    out = conds[0]
    for c in conds[1:]:
        out = out | c
    return out


def compare(a, op, b):
    if op not in OPS:
        raise ValueError(f"op {op!r}")
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "!=": a != b}[op]


# --- DuckDB: one SQL query over the file ----------------------------------


def run_duckdb(suite, path):
    import duckdb

    # Nothing is fetched: the CSV and Parquet readers are built in.
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
    src = f"{reader}({sql_str(path)})"
    cols, finish = ["count(*)"], []

    def add(expr):
        cols.append(expr)
        return len(cols) - 1

    for i, r in enumerate(suite["rules"]):
        t = r["type"]
        c = sql_ident(r["column"]) if "column" in r else None
        if t == "not_null":
            n = add(f"count(*) - count({c})")
            finish.append(lambda row, i=i, r=r, n=n: rowwise(i, r, row[0], row[n]))
        elif t == "unique":
            # count(DISTINCT) is the same hash-set work as the hub's exact
            # set; only when it finds duplicates does a second query count
            # every row of a duplicated value (GE's meaning, the hub's).
            d = add(f"count({c})")
            u = add(f"count(DISTINCT {c})")

            def unique(row, i=i, r=r, d=d, u=u, c=c):
                bad = 0
                if row[u] != row[d]:
                    bad = con.execute(
                        f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {src} "
                        f"WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1)"
                    ).fetchone()[0]
                return rowwise(i, r, row[d], int(bad))

            finish.append(unique)
        elif t in ("value_between", "in_set", "regex", "length_between"):
            if t == "value_between":
                bad = sql_out_of_bounds(c, r)
            elif t == "in_set":
                bad = f"{c} NOT IN ({', '.join(sql_lit(v) for v in r['values'])})"
            elif t == "regex":
                bad = f"NOT regexp_matches({c}, {sql_str(r['pattern'])})"  # RE2, unanchored
            else:
                bad = sql_out_of_bounds(f"length({c})", r)
            d = add(f"count({c})")
            u = add(f"count(*) FILTER (WHERE {bad})")  # NULL conditions are not counted
            finish.append(lambda row, i=i, r=r, d=d, u=u: rowwise(i, r, row[d], row[u]))
        elif t == "aggregate_between":
            if r["aggregate"] != "mean":
                raise unsupported(r)
            v = add(f"avg({c})")
            finish.append(lambda row, i=i, r=r, v=v: bounded(i, r, row[v]))
        elif t == "row_count_between":
            finish.append(lambda row, i=i, r=r: bounded(i, r, row[0]))
        elif t == "null_ratio_max":
            n = add(f"count(*) - count({c})")

            def null_ratio(row, i=i, r=r, n=n):
                ratio = 0.0 if row[0] == 0 else row[n] / row[0]
                return verdict(i, r, ratio <= r["max"], ratio, row[n])

            finish.append(null_ratio)
        elif t == "pair_comparison":
            if r["op"] not in OPS:
                raise unsupported(r)
            a, b = sql_ident(r["column_a"]), sql_ident(r["column_b"])
            op = "<>" if r["op"] == "!=" else r["op"]
            d = add(f"count(*) FILTER (WHERE {a} IS NOT NULL AND {b} IS NOT NULL)")
            u = add(f"count(*) FILTER (WHERE NOT ({a} {op} {b}))")
            finish.append(lambda row, i=i, r=r, d=d, u=u: rowwise(i, r, row[d], row[u]))
        else:
            raise unsupported(r)
    row = con.execute(f"SELECT {', '.join(cols)} FROM {src}").fetchone()
    return row[0], [f(row) for f in finish]


def sql_ident(name):
    return '"' + name.replace('"', '""') + '"'


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def sql_lit(v):
    if isinstance(v, str):
        return sql_str(v)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"in_set value {v!r}")
    return repr(v)


def sql_out_of_bounds(x, r):
    conds = []
    if "min" in r:
        conds.append(f"{x} {'<=' if r.get('strict_min') else '<'} {r['min']!r}")
    if "max" in r:
        conds.append(f"{x} {'>=' if r.get('strict_max') else '>'} {r['max']!r}")
    return "(" + " OR ".join(conds) + ")"


# --- pandera (polars backend): a DataFrameSchema, validated lazily ---------


def run_pandera(suite, path):
    import polars as pl
    import pandera.polars as pa

    df = pl.read_parquet(path) if path.endswith(".parquet") else pl.read_csv(path)
    rules = suite["rules"]
    col_checks: dict[str, list] = {}
    frame_checks = []
    unique_cols = set()
    names = {}  # check name -> rule index

    def named(i):
        names[f"rule{i}"] = i
        return {"name": f"rule{i}", "error": f"rule{i}"}

    def scalar(expr):
        # A check that returns one boolean for the whole column or frame.
        return lambda data: data.lazyframe.select(expr(data))

    for i, r in enumerate(rules):
        t = r["type"]
        col = r.get("column")
        if t == "not_null":
            m = r.get("mostly", 1.0)
            chk = pa.Check(scalar(lambda d, m=m: pl.col(d.key).is_not_null().mean() >= m), **named(i))
        elif t == "unique":
            if r.get("mostly", 1.0) != 1.0:
                raise unsupported(r)
            unique_cols.add(col)  # pandera's unique=True; reported as check "field_uniqueness"
            names["field_uniqueness"] = i
            continue
        elif t == "value_between":
            if r.get("mostly", 1.0) != 1.0:
                raise unsupported(r)
            chk = pa.Check.in_range(
                r.get("min"), r.get("max"),
                include_min=not r.get("strict_min"), include_max=not r.get("strict_max"), **named(i),
            )
        elif t == "in_set":
            chk = pa.Check.isin(r["values"], **named(i))
        elif t == "regex":
            chk = pa.Check.str_contains(r["pattern"], **named(i))
        elif t == "length_between":
            chk = pa.Check.str_length(r.get("min"), r.get("max"), **named(i))
        elif t == "aggregate_between":
            if r["aggregate"] != "mean":
                raise unsupported(r)
            lo, hi = r.get("min", -math.inf), r.get("max", math.inf)
            chk = pa.Check(scalar(lambda d, lo=lo, hi=hi: pl.col(d.key).mean().is_between(lo, hi)), **named(i))
        elif t == "null_ratio_max":
            mx = r["max"]
            chk = pa.Check(scalar(lambda d, mx=mx: (pl.col(d.key).null_count() / pl.len()) <= mx), **named(i))
        elif t == "row_count_between":
            lo, hi = r.get("min", 0), r.get("max", math.inf)
            frame_checks.append(pa.Check(scalar(lambda d, lo=lo, hi=hi: pl.len().is_between(lo, hi)), **named(i)))
            continue
        elif t == "pair_comparison":
            a, b, op, m = pl.col(r["column_a"]), pl.col(r["column_b"]), r["op"], r.get("mostly", 1.0)

            def pair_ok(d, a=a, b=b, op=op, m=m):
                both = (a.is_not_null() & b.is_not_null()).sum()
                bad = (~compare(a, op, b)).sum()
                return (bad == 0) | ((both - bad) / both >= m)

            frame_checks.append(pa.Check(scalar(pair_ok), **named(i)))
            continue
        else:
            raise unsupported(r)
        col_checks.setdefault(col, []).append(chk)

    # nullable=True everywhere: the suite, not pandera's default, says
    # which columns may hold nulls.
    columns = {
        c: pa.Column(checks=col_checks.get(c, []), nullable=True, unique=c in unique_cols)
        for c in set(col_checks) | unique_cols
    }
    schema = pa.DataFrameSchema(columns, checks=frame_checks)
    failed: dict[int, int | None] = {}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
        for check, n in fc.group_by("check").len().iter_rows():
            key = str(check)
            if key not in names:
                raise RuntimeError(f"pandera failure outside the suite's rules: {check}: {fc}") from e
            failed[names[key]] = n
    out = []
    for i, r in enumerate(rules):
        ok = i not in failed
        # Element-wise checks report one failure case per failing value.
        elementwise = r["type"] in ("unique", "value_between", "in_set", "regex", "length_between")
        out.append(verdict(i, r, ok, None, (failed.get(i, 0) if elementwise else None)))
    return df.height, out


# --- Great Expectations (GX Core 1.x, pandas) -----------------------------


def run_gx(suite, path):
    import pandas as pd
    import great_expectations as gx
    import great_expectations.expectations as gxe

    df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
    ctx = gx.get_context(mode="ephemeral")
    batch = (
        ctx.data_sources.add_pandas("bench")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    es = gx.ExpectationSuite(name=suite.get("name", "bench"))
    for i, r in enumerate(suite["rules"]):
        t, meta = r["type"], {"rule": i}
        col = r.get("column")
        mostly = {"mostly": r["mostly"]} if "mostly" in r else {}
        if t == "not_null":
            e = gxe.ExpectColumnValuesToNotBeNull(column=col, meta=meta, **mostly)
        elif t == "unique":
            e = gxe.ExpectColumnValuesToBeUnique(column=col, meta=meta, **mostly)
        elif t == "value_between":
            e = gxe.ExpectColumnValuesToBeBetween(
                column=col, min_value=r.get("min"), max_value=r.get("max"),
                strict_min=bool(r.get("strict_min")), strict_max=bool(r.get("strict_max")), meta=meta, **mostly,
            )
        elif t == "in_set":
            e = gxe.ExpectColumnValuesToBeInSet(column=col, value_set=r["values"], meta=meta, **mostly)
        elif t == "regex":
            e = gxe.ExpectColumnValuesToMatchRegex(column=col, regex=r["pattern"], meta=meta, **mostly)
        elif t == "length_between":
            e = gxe.ExpectColumnValueLengthsToBeBetween(
                column=col, min_value=r.get("min"), max_value=r.get("max"), meta=meta, **mostly
            )
        elif t == "aggregate_between":
            if r["aggregate"] != "mean":
                raise unsupported(r)
            e = gxe.ExpectColumnMeanToBeBetween(
                column=col, min_value=r.get("min"), max_value=r.get("max"),
                strict_min=bool(r.get("strict_min")), strict_max=bool(r.get("strict_max")), meta=meta,
            )
        elif t == "row_count_between":
            e = gxe.ExpectTableRowCountToBeBetween(min_value=r.get("min"), max_value=r.get("max"), meta=meta)
        elif t == "null_ratio_max":
            # null ratio <= max  <=>  not-null fraction >= 1 - max
            e = gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=1 - r["max"], meta=meta)
        elif t == "pair_comparison":
            a, b, op = r["column_a"], r["column_b"], r["op"]
            if op in ("<", "<="):
                a, b = b, a
            elif op not in (">", ">="):
                raise unsupported(r)
            e = gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=a, column_B=b, or_equal=op.endswith("="),
                ignore_row_if="either_value_is_missing", meta=meta, **mostly,
            )
        else:
            raise unsupported(r)
        es.add_expectation(e)
    es = ctx.suites.add(es)
    res = batch.validate(es, result_format="SUMMARY")
    out = [None] * len(suite["rules"])
    for er in res.results:
        i = er.expectation_config.meta["rule"]
        r, rr = suite["rules"][i], er.result or {}
        if er.exception_info and er.exception_info.get("raised_exception"):
            raise RuntimeError(f"GX rule {i}: {er.exception_info.get('exception_message')}")
        observed = rr.get("observed_value")
        if observed is None and "unexpected_percent" in rr and rr["unexpected_percent"] is not None:
            observed = 1 - rr["unexpected_percent"] / 100
        if r["type"] == "null_ratio_max":
            observed = rr.get("unexpected_percent", 0) / 100
        out[i] = verdict(i, r, bool(er.success), jsonable(observed), rr.get("unexpected_count"))
    return len(df), out


def jsonable(v):
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    try:
        return v.item()  # numpy scalars
    except AttributeError:
        return str(v)


ENGINES = {"polars": run_polars, "duckdb": run_duckdb, "pandera": run_pandera, "gx": run_gx}


def main(argv):
    if len(argv) != 4 or argv[1] not in ENGINES:
        sys.exit(f"usage: {argv[0]} {'|'.join(ENGINES)} SUITE.json DATA")
    engine, suite_path, data = argv[1:]
    with open(suite_path) as f:
        suite = json.load(f)
    rows, rules = ENGINES[engine](suite, data)
    json.dump({"engine": engine, "rows": int(rows), "rules": rules}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
