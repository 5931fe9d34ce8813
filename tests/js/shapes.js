// The server's answers for networks of other shapes than the worked example's, asked of the
// real app (FastAPI's TestClient): each shape's definition, its reset and a step, with rows of
// data where given. Cached per version of the app's code, as server.js caches its answers.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const VENV_PYTHON = join(ROOT, ".venv", "bin", "python");
const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : "python3";

const SCRIPT = `
import json, sys
from fastapi.testclient import TestClient
from app.main import app
from app.practice import definition
client = TestClient(app)
answers = []
for state in json.loads(sys.argv[1]):
    reset = client.post("/api/reset", json={"state": state}).json()
    step = client.post("/api/step", json={"state": reset["state"]}).json()
    epoch = client.post("/api/epoch", json={"state": reset["state"], "epochs": 3}).json()
    answers.append({"definition": definition(tuple(state["layers"])), "reset": reset, "step": step,
                    "epoch": epoch})
print(json.dumps(answers))
`;

/** [{definition, reset, step, epoch (3 passes)}] of each state (each with its `layers`), in order. */
export function answersFor(states) {
  const argument = JSON.stringify(states);
  const app = join(ROOT, "app");
  const hash = createHash("sha256").update(SCRIPT).update(argument);
  for (const name of readdirSync(app).filter((n) => n.endsWith(".py")).sort()) hash.update(readFileSync(join(app, name)));
  const cached = join(tmpdir(), `backprop-lab-shapes-${hash.digest("hex").slice(0, 16)}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8"));
  const text = execFileSync(PYTHON, ["-c", SCRIPT, argument], { cwd: ROOT, encoding: "utf8" });
  const partial = `${cached}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, cached);
  return JSON.parse(text);
}

/** XOR's four rows for a network with two inputs and one output. */
export const XOR_ROWS = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([a, b]) => ({
  inputs: { i1: a, i2: b }, targets: { o1: a === b ? 0 : 1 },
}));
