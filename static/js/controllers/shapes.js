// Networks of any shape: before the page shows a state of a shape it has not seen, it fetches
// that shape's definition once (GET /api/network), so that every view can read it synchronously.

import * as api from "./api.js";
import { definition, definitionOf, knowsShape, learnShape, useShape } from "../state/definition.js";
import { reshaped, withRowAdded, withRowRemoved } from "../state/reshape.js";
import { deserialize, peekShape } from "../state/serialize.js";

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

/** Read `text` (state/serialize.js) against its own network's definition, loaded first: {ok,
 * value} or {ok: false, error}. A shape the server refuses reads as an error like any other. */
export async function readShaped(text, purpose) {
  const shape = peekShape(text, purpose);
  if (!shape.ok) return shape;
  try {
    await loadShape(shape.value);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 422) return { ok: false, error: error.message };
    throw error;
  }
  return deserialize(text, purpose);
}

/** `state`, of the network shown, after the editor's `edit`: {layers}, another shape (its
 * definition loaded first); {addRow: true}, a row of data more; {removeRow: k}, row k fewer. */
export async function edited(state, edit) {
  if (edit.layers) {
    await loadShape(edit.layers);
    return reshaped(state, definition(), definitionOf(edit.layers));
  }
  if (edit.addRow) return withRowAdded(state, definition().bounds.rows_max);
  return withRowRemoved(state, edit.removeRow);
}
