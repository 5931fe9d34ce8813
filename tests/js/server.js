// What the tests need from the server, asked of the real app (FastAPI's TestClient, no port):
// the network's definition and real answers of /api/reset, /api/step, /api/epoch and
// /api/practice/choices.
// Every test module imports this first, so the page's modules see the server's definition.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { useDefinition } from "../../static/js/state/definition.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VENV_PYTHON = join(ROOT, ".venv", "bin", "python");
const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : "python3";

const SCRIPT = `
import json
from fastapi.testclient import TestClient
from app.main import app
from app.practice import definition
client = TestClient(app)
reset = client.post("/api/reset").json()
step = client.post("/api/step", json={"state": reset["state"]}).json()
epoch = client.post("/api/epoch", json={"state": reset["state"], "epochs": 5, "path": 3}).json()
choices = client.post("/api/practice/choices", json={"state": reset["state"]}).json()
# networks of other shapes: each one's definition and the step from its example
shapes = {}
for shape in ("2-2-1", "2-3-1", "2-3-2", "2-3-3-2", "4-4-4-4-4"):
    layers = tuple(int(n) for n in shape.split("-"))
    described = client.get("/api/network", params={"layers": ",".join(map(str, layers))}).json()
    shapes[shape] = {"definition": described,
                     "step": client.post("/api/step", json={"state": described["example"]}).json()}
# each preset's shape and a few others: their definitions; each preset online and batch: its
# reset and its first step
from app.presets import presets
definitions, runs = {}, {}
for layers in ([2, 3, 2], [2, 2, 2, 2], [3, 2, 2], [2, 2, 3], [1, 1, 1], [4, 4, 4, 4, 4]):
    definitions["-".join(map(str, layers))] = client.get(
        "/api/network", params={"layers": ",".join(map(str, layers))}).json()
for preset in presets():
    state = preset["state"]
    layers = state.get("layers", [2, 2, 2])
    definitions["-".join(map(str, layers))] = client.get(
        "/api/network", params={"layers": ",".join(map(str, layers))}).json()
    for training in ("online", "batch"):
        sent = {**state, "options": {**state["options"], "training": training}}
        started = client.post("/api/reset", json={"state": sent}).json()
        stepped = client.post("/api/step", json={"state": started["state"]}).json()
        runs[f"{preset['id']}/{training}"] = {"reset": started, "step": stepped}
print(json.dumps({"definition": definition(), "reset": reset, "step": step, "epoch": epoch,
                  "choices": choices, "shapes": shapes, "presets": presets(),
                  "definitions": definitions, "runs": runs}))
`;

/** The answers, asked once for each version of the app's code (the test files run in parallel,
 * each in its own process; the first to ask keeps the answers for the others). */
function answers() {
  const app = join(ROOT, "app");
  const hash = createHash("sha256").update(SCRIPT);
  for (const name of readdirSync(app).filter((n) => n.endsWith(".py")).sort()) hash.update(readFileSync(join(app, name)));
  const cached = join(tmpdir(), `backprop-lab-answers-${hash.digest("hex").slice(0, 16)}.json`);
  if (existsSync(cached)) return readFileSync(cached, "utf8");
  const text = execFileSync(PYTHON, ["-c", SCRIPT], { cwd: ROOT, encoding: "utf8" });
  const partial = `${cached}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, cached);
  return text;
}

/** {definition, reset, step, epoch, choices, shapes, presets, definitions, runs}: the server's
 * own answers; `shapes` holds for networks of other shapes ("2-3-3-2") their definition and the
 * step from their example; `definitions` the definition of each preset's shape and a few others
 * by key; `runs` each preset's /api/reset and first /api/step answers by "id/online" and
 * "id/batch". */
export const server = JSON.parse(answers());
useDefinition(server.definition);

/** A deep copy, so that a test may change it freely. */
export const copy = (value) => structuredClone(value);
