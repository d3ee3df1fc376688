#!/usr/bin/env python3
"""Side-by-side check against the PyPI `matching` library (HospitalResident).

    python compare_matching.py INSTANCE_DIR PLACEMENTS_CSV

INSTANCE_DIR holds sessions.csv and applicants.csv as written by
`smena generate synthetic` (scores must all differ: then the child-optimal
stable matching is unique and the lottery plays no part). Reserves are
expressed for the library by splitting each session into a reserved part
(only its group) and a general part, children of the group ranking the
reserved part first. Smena gives reserved places nobody of the group took
to everyone; HospitalResident cannot, so the reserved part gets the places
the group actually used in the published result (all of them when the
reserve filled, which the output counts). School caps cannot be expressed
in HospitalResident and are refused.

Prints one JSON line: solver seconds, whether the matchings are identical.
The library's full API checks its input quadratically and deep-copies it
recursively (overflowing Python's stack near 10k), so its solver is called
directly on the players, as its own `solve` does after those steps.
"""
import csv
import json
import sys
import time

from matching.algorithms.hospital_resident import resident_optimal
from matching.games.hospital_resident import _make_players


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main(instance_dir, placements_path):
    sessions = read(f"{instance_dir}/sessions.csv")
    applicants = read(f"{instance_dir}/applicants.csv")
    if sessions and "school_cap" in sessions[0]:
        sys.exit("school caps cannot be expressed in HospitalResident")
    k = sum(1 for c in applicants[0] if c.startswith("choice_")) if applicants else 0
    scores = [a["score"] for a in applicants]
    if len(set(scores)) != len(scores):
        sys.exit("scores must all differ for a unique stable matching")

    capacity = {s["session_id"]: int(s["capacity"]) for s in sessions}
    reserve = {}
    for s in sessions:
        if s.get("reserves"):
            group, places = s["reserves"].split(":")
            reserve[s["session_id"]] = (group, int(places))

    def score(a):
        return float(a["score"])

    ours = {row["applicant_id"]: row["session_id"] for row in read(placements_path) if row["session_id"]}
    group_of = {a["applicant_id"]: a.get("reserve_group") for a in applicants}
    unfilled = 0
    for s, (group, r) in list(reserve.items()):
        used = sum(1 for a, placed in ours.items() if placed == s and group_of[a] == group)
        if used < r:
            unfilled += 1
            reserve[s] = (group, used)

    by_score = sorted(applicants, key=score, reverse=True)
    resident_prefs, hospital_prefs, capacities = {}, {}, {}
    for s, q in capacity.items():
        group, r = reserve.get(s, (None, 0))
        if r > 0:
            capacities[f"{s}#reserved"] = r
            hospital_prefs[f"{s}#reserved"] = []
        if q - r > 0:
            capacities[f"{s}#general"] = q - r
            hospital_prefs[f"{s}#general"] = []
    for a in applicants:
        prefs = []
        for c in range(1, k + 1):
            s = a[f"choice_{c}"]
            if not s:
                break
            group, r = reserve.get(s, (None, 0))
            if r > 0 and a.get("reserve_group") == group:
                prefs.append(f"{s}#reserved")
            if capacity[s] - r > 0:
                prefs.append(f"{s}#general")
        if prefs:
            resident_prefs[a["applicant_id"]] = prefs
    for a in by_score:
        for h in resident_prefs.get(a["applicant_id"], []):
            hospital_prefs[h].append(a["applicant_id"])

    residents, hospitals = _make_players(resident_prefs, hospital_prefs, capacities)
    started = time.perf_counter()
    result = resident_optimal(residents, hospitals)
    seconds = time.perf_counter() - started

    theirs = {}
    for hospital, matched in result.items():
        for r in matched:
            theirs[r.name] = hospital.name.split("#")[0]
    differences = sum(1 for a in set(ours) | set(theirs) if ours.get(a) != theirs.get(a))
    print(json.dumps({
        "solver_seconds": round(seconds, 4),
        "applicants": len(applicants),
        "identical": differences == 0,
        "differences": differences,
        "unfilled_reserves": unfilled,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:3])
