#!/usr/bin/env python3
"""A damped oscillator integrated by explicit Euler, with its parameter gradient from a hand-written
discrete adjoint, speaking jac's --program protocol (Jacobian and u^T J requests). Standard library only.

    q' = v,  v' = -k q - c v + F sin(t)    state s = (q, v), N = 8 steps of h = 0.1 from t = 0
Inputs x = (k, c, F, q0, v0); outputs y = (q(T), v(T)), T = N h.
Euler: s_{n+1} = s_n + h f(s_n, t_n). Adjoint, by hand: lambda_N = u;
    dtheta += h lambda_{n+1}^T df/dtheta(s_n, t_n),
    lambda_n = lambda_{n+1} + h (df/ds)^T lambda_{n+1},   for n = N-1 ... 0;  d/ds0 = lambda_0.
df/dk = (0, -q), df/dc = (0, -v), df/dF = (0, sin t), df/ds = [[0, 1], [-k, -c]].

    --off-by-one   the bug: df/dtheta taken at s_{n+1}, t_{n+1} (the state after the step), as when
                   the forward pass's stored trajectory is indexed one step late. Wrong in the k, c
                   and F columns of both rows; the q0 and v0 columns stay right.
"""
import json
import math
import sys

N, H = 8, 0.1
OFF_BY_ONE = "--off-by-one" in sys.argv


def trajectory(x):
    k, c, F, q, v = x
    states = [(q, v)]
    for n in range(N):
        t = n * H
        q, v = q + H * v, v + H * (-k * q - c * v + F * math.sin(t))
        states.append((q, v))
    return states


def vjp(x, states, u):
    k, c, F = x[0], x[1], x[2]
    lq, lv = u
    dk = dc = dF = 0.0
    for n in reversed(range(N)):
        m = n + 1 if OFF_BY_ONE else n
        q, v = states[m]
        t = m * H
        dk += H * lv * -q
        dc += H * lv * -v
        dF += H * lv * math.sin(t)
        lq, lv = lq + H * (-k) * lv, lv + H * (lq - c * lv)
    return [dk, dc, dF, lq, lv]


for line in sys.stdin:
    request = json.loads(line)
    x = request["x"]
    states = trajectory(x)
    reply = {"y": list(states[-1])}
    if request.get("want") == "jacobian":
        reply["jacobian"] = [vjp(x, states, (1.0, 0.0)), vjp(x, states, (0.0, 1.0))]
    if "vjp" in request:
        reply["vjp"] = vjp(x, states, request["vjp"])
    print(json.dumps(reply), flush=True)
