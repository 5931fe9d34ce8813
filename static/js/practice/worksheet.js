// Worksheets on paper: for each seed a sheet with blanks, then, on pages of their own, the
// answer keys. Printed only (the screen never shows them); each sheet and each key is one page.

import { answerKey, givenFactors, notation, number } from "./solution.js";
import { text } from "./text.js";
import { networkDiagram } from "./diagram.js";
import { networkTable } from "./view.js";
import { hiddenNames, outputNames } from "../state/definition.js";

function heading(key, exercise) {
  return `<header class="sheet-head">
    <h1 class="sheet-title">${text(key)}</h1>
    <p class="sheet-seed">${text("worksheet.seed", { seed: exercise.seed, level: exercise.level })}</p>
  </header>`;
}

function link(exercise) {
  return `${location.origin}/practice?seed=${exercise.seed}&level=${exercise.level}`;
}

function sheet(exercise) {
  const given = givenFactors(exercise.level, exercise.asks, exercise.step);
  const givenLine = given.length
    ? `<p class="sheet-given">${text("given")}: ${given
        .map(({ label, value }) => `${notation(label)} = ${number(value)}`)
        .join("; ")}</p>`
    : "";
  const blanks = exercise.asks
    .map(({ label, decimals }) => `<li class="sheet-item"><span class="sheet-label">${notation(label)}</span> = <span class="blank"></span>
      <span class="sheet-decimals">${text("decimals", { decimals })}</span></li>`)
    .join("");
  return `<section class="sheet" data-testid="sheet-${exercise.seed}">
    ${heading("worksheet.title", exercise)}
    <p class="sheet-name">${text("worksheet.name")}: <span class="blank wide"></span></p>
    <p>${text("worksheet.instructions", { decimals: exercise.decimals })}</p>
    <div class="sheet-network">
      <div class="sheet-diagram">${networkDiagram(exercise.state, text("diagram.label"))}</div>
      ${networkTable(exercise.state)}
    </div>
    <p class="sheet-note">${notation(text("network.note"))}</p>
    ${givenLine}
    <ol class="sheet-items${exercise.asks.length > 6 ? " two-columns" : ""}">${blanks}</ol>
    <p class="sheet-foot">${text("worksheet.link", { link: link(exercise) })}</p>
  </section>`;
}

function key(exercise) {
  const rows = answerKey(exercise.asks, exercise.step)
    .map(({ label, value }) => `<tr><th scope="row">${notation(label)}</th><td>${number(value)}</td></tr>`)
    .join("");
  const f = exercise.step.trace.forward;
  const deltas = exercise.step.trace.deltas;
  // every neuron's out past the inputs, then the output layer's deltas
  const along = [
    ...[...hiddenNames(), ...outputNames()].map((n) => [`out_${n}`, f[`out_${n}`]]),
    ...outputNames().map((o) => [`δ_${o}`, deltas[o]]),
  ].map(([name, value]) => `<span class="pair"><span class="name">${notation(name)}</span> = ${number(value)}</span>`);
  return `<section class="sheet key" data-testid="key-${exercise.seed}">
    ${heading("worksheet.key", exercise)}
    <table class="key-table"><tbody>${rows}</tbody></table>
    <p class="key-along">${along.join(" ")}</p>
  </section>`;
}

/** Fill `container` with a sheet for each exercise, then the answer key of each. */
export function renderWorksheets(container, exercises) {
  container.innerHTML = exercises.map(sheet).join("") + exercises.map(key).join("");
}
