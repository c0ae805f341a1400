#!/usr/bin/env python3
"""Judges one client's e2e runs from what reached the stand-in model (stdlib only).

    analyze.py --client C --guarded DIR --control DIR --hooks DIR --secrets FILE
               --project DIR --marker M --summary OUT.json

DIR (guarded/control) holds the request bodies model.py recorded. For each scripted
call it finds the call's result in the conversation the client sent back, and asks:
did a planted secret reach the model (raw, or base64-encoded)? For the allowed calls:
does the result hold what the call should show? Then it matches the calls to the hook
payloads the tkx wrapper recorded (hooks/N.in, N.out, N.rc), so a failure can be
reported with the exact tool name and input the client gave the hook. Human details go
to stdout; the numbers to OUT.json.
"""

import argparse
import base64
import binascii
import glob
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402

B64_RUN = re.compile(r"[A-Za-z0-9+/=\s]{24,}")


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def decoded_views(text):
    """The text, plus what any long base64 run in it decodes to."""
    yield text
    for m in B64_RUN.finditer(text):
        run = re.sub(r"\s+", "", m.group(0))
        for start in range(0, 4):
            chunk = run[start:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            if len(chunk) < 16:
                continue
            try:
                yield base64.b64decode(chunk, validate=False).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                pass


def secrets_in(text, secrets):
    found = set()
    for view in decoded_views(text):
        for name, value in secrets.items():
            if value and value in view:
                found.add(name)
    return sorted(found)


def result_id(node):
    """The call id of a tool-result node (any of the four protocols), else None."""
    if not isinstance(node, dict):
        return None
    if node.get("type") == "tool_result":
        return node.get("tool_use_id")
    if node.get("type") in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
        return node.get("call_id")
    if node.get("role") == "tool" and "tool_call_id" in node:
        return node.get("tool_call_id")
    if isinstance(node.get("functionResponse"), dict):
        return node["functionResponse"].get("id")
    return None


def strings_except(v, skip):
    """The strings in v, leaving out the results of the steps in skip."""
    rid = result_id(v)
    m = model.ID_RE.search(rid or "")
    if m and int(m.group(1)) in skip:
        return
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings_except(x, skip)
    elif isinstance(v, list):
        for x in v:
            yield from strings_except(x, skip)


NOT_JUDGED = {i for i, st in enumerate(model.STEPS) if st["kind"] == "limit"}


def leaked_anywhere(bodies, secrets):
    """Whether a planted secret is anywhere in these requests (but the "limit" steps)."""
    for _p, raw, body in bodies:
        texts = strings_except(body, NOT_JUDGED) if body is not None else [raw]
        if any(secrets_in(t, secrets) for t in texts):
            return True
    return False


def load_bodies(d):
    out = []
    for path in sorted(glob.glob(os.path.join(d, "req-*.json"))):
        with open(path, "rb") as f:
            raw = f.read()
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            body = None
        out.append((path, raw.decode("utf-8", "replace"), body))
    return out


def results_by_step(bodies):
    """step index → the text of that call's result, from the latest request holding it."""
    res = {}
    for _path, _raw, body in bodies:
        if body is None:
            continue
        order = []
        for node in model.walk(body):
            if not isinstance(node, dict):
                continue
            rid, val = None, None
            if node.get("type") == "tool_result":
                rid, val = node.get("tool_use_id"), node.get("content")
            elif node.get("type") in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
                rid, val = node.get("call_id"), node.get("output")
            elif node.get("role") == "tool" and "tool_call_id" in node:
                rid, val = node.get("tool_call_id"), node.get("content")
            elif isinstance(node.get("functionResponse"), dict):
                fr = node["functionResponse"]
                rid, val = fr.get("id"), fr.get("response")
            else:
                continue
            text = "\n".join(strings(val)) if not isinstance(val, str) else val
            m = model.ID_RE.search(rid or "")
            if m:
                res[int(m.group(1))] = text
            else:
                order.append(text)
        # Results without our ids (a client that renumbers calls): by order.
        for i, text in enumerate(order):
            res.setdefault(i, text)
    return res


def load_hooks(d):
    hooks = []
    for path in sorted(glob.glob(os.path.join(d, "*.in"))):
        stem = path[:-3]

        def rd(ext):
            try:
                with open(stem + ext, encoding="utf-8", errors="replace") as f:
                    return f.read()
            except OSError:
                return ""

        raw = rd(".in")
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        hooks.append({"raw": raw, "payload": payload, "out": rd(".out").strip(), "err": rd(".err").strip(),
                      "rc": rd(".rc").strip(), "args": rd(".args").strip()})
    return hooks


def hook_denied(h):
    if h["rc"] not in ("", "0"):
        return True
    out = h["out"]
    return bool(re.search(r'"(permissionDecision|permission|decision)"\s*:\s*"(deny|block)"', out))


SCOPE_KEYS = ("glob", "include", "include_pattern", "paths", "path", "dir_path")


def hook_matches(h, step, project, client):
    """Whether a hook payload is about this step: some object in it holds the call's main
    argument (the command, path or pattern the stand-in sent) and disagrees with none of
    the other arguments (a search's root and globs included). Clients rename some
    (Codex shows `exec_command`'s `cmd` as `command`), so a missing one is no mismatch."""
    _name, args = model.tool_call(client, step, project)
    key = next((args[k] for k in ("command", "cmd", "file_path", "filePath", "pattern", "path") if isinstance(args.get(k), str)), None)
    if key is None or h["payload"] is None:
        return False
    for d in model.walk(h["payload"]):
        if not isinstance(d, dict) or key not in d.values():
            continue
        if any(k in d and d[k] != v for k, v in args.items()):
            continue
        if any((k in d) != (k in args) for k in SCOPE_KEYS):
            continue
        return True
    return False


def tool_view(h):
    p = h["payload"]
    if not isinstance(p, dict):
        return h["raw"][:400]
    keep = {k: p[k] for k in ("hook_event_name", "tool_name", "tool_input", "command", "file_path", "content",
                              "tool_args", "toolName", "toolArgs", "args") if k in p}
    return json.dumps(keep or p)[:600]


def print_samples(hooks):
    """One payload per (event, tool name), as the client sent it."""
    seen = {}
    for h in hooks:
        p = h["payload"]
        if isinstance(p, dict) and isinstance(p.get("input"), dict):  # opencode, the probe plugin
            key = ("tool.execute.before", p["input"].get("tool"))
        elif isinstance(p, dict) and "tool" in p and "args" in p:  # opencode, tkx's plugin
            key = ("tool.execute.before", p.get("tool"))
        elif isinstance(p, dict):
            event = p.get("hook_event_name") or p.get("hookEventName") or ("preToolUse" if "toolName" in p else None)
            key = (event, p.get("tool_name") or p.get("toolName"))
        else:
            key = ("?", "?")
        seen.setdefault(key, h)
    for key, h in seen.items():
        print(f"  hook payload sample ({h['args']}) {key[0]} {key[1]}: {h['raw'][:700]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", required=True)
    ap.add_argument("--guarded", required=True)
    ap.add_argument("--control", required=True)
    ap.add_argument("--hooks", required=True)
    ap.add_argument("--secrets", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--marker", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--control-only", action="store_true", help="no guarded run (no tkx support for the host yet)")
    ap.add_argument("--script", choices=sorted(model.SCRIPTS), default="hooks",
                    help="the stand-in's script (sandbox: the guarded run is under `tkx agent run`, no hook)")
    a = ap.parse_args()
    global NOT_JUDGED
    model.STEPS = model.SCRIPTS[a.script]
    NOT_JUDGED = {i for i, st in enumerate(model.STEPS) if st["kind"] == "limit"}
    guard_name = "tkx agent run" if a.script == "sandbox" else "tkx agent install"

    secrets = {}
    with open(a.secrets) as f:
        for line in f:
            name, _, value = line.rstrip("\n").partition("=")
            if name:
                secrets[name] = value
    project = os.path.realpath(a.project)
    guarded, control = load_bodies(a.guarded), load_bodies(a.control)
    g_res, c_res = results_by_step(guarded), results_by_step(control)
    hooks = load_hooks(a.hooks)
    skipped = {}
    for d in (a.guarded, a.control):
        try:
            with open(os.path.join(d, "skipped.json")) as f:
                skipped.update({int(k): v for k, v in json.load(f).items()})
        except (OSError, ValueError):
            pass

    leak_total = leak_blocked = ok_total = ok_working = 0
    failures, lines = [], []
    for i, step in enumerate(model.STEPS):
        label = model.step_label(step)
        g, c = g_res.get(i), c_res.get(i)
        g_leak = secrets_in(g, secrets) if g is not None else []
        c_leak = secrets_in(c, secrets) if c is not None else []
        matched = [h for h in hooks if hook_matches(h, step, project, a.client)]
        denied = any(hook_denied(h) for h in matched)
        hook_note = f"hook: {len(matched)} call(s), {'denied' if denied else 'allowed'}" if matched else "hook: not called"
        if i in skipped:
            lines.append(f"  {i:2d} {step['kind']:5s} {label:60.60s} n/a ({skipped[i]})")
            continue
        if step["kind"] == "setup":
            lines.append(f"  {i:2d} setup {label:60.60s} {'ran' if g is not None else 'NO RESULT'}; {hook_note}")
            continue
        if step["kind"] == "limit":
            lines.append(f"  {i:2d} limit {label:60.60s} not judged: guarded {','.join(g_leak) or 'no leak'}; control {','.join(c_leak) or 'no leak'}; {hook_note}")
            continue
        if step["kind"] == "leak":
            if not c_leak and not g_leak:
                state = "n/a (did not leak without the guard either)"
            else:
                leak_total += 1
                if g_leak:
                    state = "LEAKED " + ",".join(g_leak)
                    failures.append((i, step, "not blocked", matched, g))
                else:
                    leak_blocked += 1
                    state = "blocked"
            if g is None:
                state += " (no result in the guarded run)"
            lines.append(f"  {i:2d} leak  {label:60.60s} {state}; control: {','.join(c_leak) or 'no leak'}; {hook_note}")
        else:
            ok_total += 1
            want = step["expect"].replace("{marker}", a.marker)
            works = g is not None and want in g and not denied and not g_leak
            if step["op"] == ("sh", "grep -c OPENAI_PAT .env") and g is not None:
                works = works and re.search(r"(^|\s)1(\s|$)", g) is not None
            if works:
                ok_working += 1
                state = "works"
            else:
                state = "BROKEN" + (" (denied by the hook)" if denied else "") + (f" (leaked {','.join(g_leak)})" if g_leak else "")
                failures.append((i, step, "allowed call broken", matched, g))
            lines.append(f"  {i:2d} ok    {label:60.60s} {state}; {hook_note}")

    # Anything anywhere in the guarded conversation, attributed to a call or not.
    body_leaks = []
    for path, raw, body in guarded:
        texts = list(strings_except(body, NOT_JUDGED)) if body is not None else [raw]
        found = sorted({n for t in texts for n in secrets_in(t, secrets)})
        if found:
            body_leaks.append((os.path.basename(path), found))
    control_leaked = leaked_anywhere(control, secrets)
    # The client sent back the last call's result: it went through the whole script.
    last = max((i for i in range(len(model.STEPS)) if i not in skipped), default=-1)
    finished = last in g_res
    control_finished = last in c_res

    if a.control_only:
        print(f"--- {a.client}: control run only (no tkx support for this host yet)")
        for i, step in enumerate(model.STEPS):
            c = c_res.get(i)
            if i in skipped:
                state = skipped[i]
            elif c is None:
                state = "no result"
            elif step["kind"] in ("setup", "limit"):
                state = "ran, not judged: " + (",".join(secrets_in(c, secrets)) or "no leak")
            elif step["kind"] == "ok":
                state = "works" if step["expect"].replace("{marker}", a.marker) in c else "BROKEN: " + repr(c[:120])
            else:
                state = ("leaked " + ",".join(secrets_in(c, secrets))) if secrets_in(c, secrets) else "no leak"
            print(f"  {i:2d} {step['kind']:5s} {model.step_label(step):60.60s} {state}")
        control_leaked = leaked_anywhere(control, secrets)
        with open(a.summary, "w") as f:
            json.dump({"client": a.client, "leak_blocked": 0, "leak_total": 0, "ok_working": 0, "ok_total": 0,
                       "control_leaked": control_leaked, "guarded_body_leaks": 0, "hook_calls": 0,
                       "finished": False, "control_finished": control_finished}, f)
        print_samples(hooks)
        return
    print(f"--- {a.client}{' under tkx agent run' if a.script == 'sandbox' else ''}: per call (guarded run; control = same run without {guard_name})")
    if not finished:
        print("  the guarded run did not get through the script (see client.out/client.err)")
    if not control_finished:
        print("  the control run did not get through the script (see client.out/client.err)")
    print("\n".join(lines))
    if body_leaks:
        print(f"  secrets in guarded request bodies: " + "; ".join(f"{p}: {','.join(n)}" for p, n in body_leaks))
    for i, step, why, matched, g in failures:
        print(f"  FAIL step {i} ({model.step_label(step)}): {why}")
        for h in matched or []:
            print(f"    hook payload: {tool_view(h)}")
            print(f"    hook answer: rc={h['rc']} stdout={h['out'][:300]!r} stderr={h['err'][:200]!r}")
        if not matched:
            print("    the hook was not called for this call")
        if g is not None:
            print(f"    result the model saw: {g[:300]!r}")
    print_samples(hooks)

    summary = {
        "client": a.client,
        "leak_blocked": leak_blocked, "leak_total": leak_total,
        "ok_working": ok_working, "ok_total": ok_total,
        "control_leaked": control_leaked,
        "guarded_body_leaks": len(body_leaks),
        "hook_calls": len(hooks),
        "guarded_requests": len(guarded), "control_requests": len(control),
        "finished": finished, "control_finished": control_finished,
    }
    with open(a.summary, "w") as f:
        json.dump(summary, f)


if __name__ == "__main__":
    main()
