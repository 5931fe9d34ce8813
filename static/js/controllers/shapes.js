// Networks of any shape: before the page shows a state of a shape it has not seen, it fetches
// that shape's definition once (GET /api/network), so that every view can read it synchronously.

import * as api from "./api.js";
import { knowsShape, learnShape, useShape } from "../state/definition.js";

/** Resolve once the definition of shape `layers` (absent: the worked example's) is known. */
export async function loadShape(layers) {
  if (knowsShape(layers)) return;
  learnShape(await api.network(layers));
}

/** Show `state`'s shape from now on (its definition loaded by loadShape). Call it just before
 * the change that puts a state of that shape in the page state, in the same task, so that no
 * view draws one shape's state with another's definition. */
export function showShapeOf(state) {
  useShape(state?.layers);
}
