"""Which crews could serve which stops at all, checked before the solver runs.

A stop is reachable by a crew if the crew has the skill, has a stop left, and can leave its
start at its start time, travel there, begin service inside the stop's window, and still get
to its end point before its shift ends. Stops no crew can reach are left out of the solver
with a reason; required ones raise PlanningError instead, naming the stop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Sequence

import numpy as np

from routing.model import PlanningError, Reason
from routing.prepare import Job, Network, Vehicle


@dataclass(frozen=True)
class Triage:
    plannable: list[int]  # job indices that go to the solver
    reasons: dict[int, Reason]  # job index -> why it is left out


def reachable(net: Network, jobs: Sequence[Job], vehicles: Sequence[Vehicle], v: int) -> np.ndarray:
    """Boolean mask over jobs: can vehicle `v` fit each job alone into its day?"""
    veh = vehicles[v]
    seconds = net.matrices(veh.mode)[1]
    idx = np.arange(len(jobs)) + net.num_depots
    early = np.fromiter((j.tw_early for j in jobs), np.int64, len(jobs))
    late = np.fromiter((j.tw_late for j in jobs), np.int64, len(jobs))
    service = np.fromiter((j.service_s for j in jobs), np.int64, len(jobs))
    begin = np.maximum(veh.start_s + seconds[net.start_index(v), idx], early)
    back = begin + service + seconds[idx, net.end_index(v)]
    return (begin <= late) & (back <= veh.end_s)


def triage(
    net: Network,
    jobs: Sequence[Job],
    vehicles: Sequence[Vehicle],
    all_skills: Collection[str],
) -> Triage:
    """Split jobs into those the solver gets and those left out with a reason.

    `all_skills` are the skills of every crew in the request, including crews with nothing
    left to do in a re-plan, so "no crew has the skill" is only said when it is true.
    """
    able = np.zeros(len(jobs), dtype=bool)
    skilled_with_room = np.zeros(len(jobs), dtype=bool)
    for v, veh in enumerate(vehicles):
        has_skill = np.fromiter((j.stop.required_skill in veh.crew.skills for j in jobs), bool, len(jobs))
        if veh.capacity <= 0 or veh.end_s <= veh.start_s or not has_skill.any():
            continue
        skilled_with_room |= has_skill
        able |= has_skill & reachable(net, jobs, vehicles, v)

    plannable, reasons = [], {}
    for i, job in enumerate(jobs):
        stop = job.stop
        if able[i]:
            plannable.append(i)
            continue
        if stop.required_skill not in all_skills:
            reason = Reason.NO_SKILL
            why = f"no crew has the skill {stop.required_skill!r}"
        elif skilled_with_room[i]:
            reason = Reason.UNREACHABLE
            why = "no crew with the skill can reach it within its time window and shift"
        else:
            reason = Reason.CAPACITY_AND_VALUE
            why = f"every crew with the skill {stop.required_skill!r} is full or off shift"
        if stop.required:
            raise PlanningError(f"required stop {stop.id!r} cannot be served: {why}")
        reasons[i] = reason
    return Triage(plannable, reasons)
