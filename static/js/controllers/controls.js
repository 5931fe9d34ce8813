// The header: Step, Run N, Play/Pause with its speed, Reset, the digits shown, and the two
// readouts (iteration, E_total) that are always in view.

import { exact, formatCount, formatNumber } from "../views/format.js";
import { t } from "../i18n/index.js";
import { outputNames } from "../state/definition.js";
import { setValue } from "../views/svg.js";

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** What E_total in the header is: the sum of the boxes' errors ("= Eₒ₁ + Eₒ₂"), the new
 * weights' error (the boxes show the forward pass the update came from), or with rows of data
 * the mean of the rows' errors. */
export function lossNoteOf(state, boxesFrom) {
  if (state.data) return t("readout.lossMean", { n: state.data.length });
  if (boxesFrom !== state.iteration) return t("readout.lossNew");
  const error = (output) => `Eₒ${[...output.slice(1)].map((digit) => SUBSCRIPTS[digit]).join("")}`;
  return `= ${outputNames().map(error).join(" + ")}`;
}

export function createControls(root, handlers) {
  const $ = (id) => root.getElementById(id);
  const step = $("step");
  const run = $("run");
  const play = $("play");
  const reset = $("reset");
  const epochs = $("epochs");
  const speed = $("speed");
  const precision = $("precision");
  const iteration = $("iteration");
  const loss = $("loss");
  const lossNote = $("loss-note");
  const message = $("message");
  const notice = $("undo-notice");
  const noticeText = $("undo-text");
  const maxEpochs = Number(epochs.dataset.max);
  const epochsLabel = root.querySelector("label[for=epochs]");
  let unit = "controls.epochs"; // with rows of data Run counts epochs (passes), else iterations

  step.addEventListener("click", () => handlers.onStep());
  run.addEventListener("click", () => handlers.onRun());
  play.addEventListener("click", () => handlers.onPlay());
  reset.addEventListener("click", () => handlers.onReset());
  $("undo").addEventListener("click", () => handlers.onUndo());
  $("undo-dismiss").addEventListener("click", () => handlers.onUndoDismissed());
  precision.addEventListener("change", () => handlers.onDigits(Number(precision.value)));
  speed.addEventListener("change", () => handlers.onSpeed(Number(speed.value)));
  epochs.addEventListener("keydown", (event) => {
    if (event.key === "Enter") handlers.onRun();
  });
  epochs.addEventListener("input", () => epochs.removeAttribute("aria-invalid"));

  return {
    /** Return the number typed for Run (iterations, or epochs with rows of data), or null
     * after saying why it is refused. */
    epochs() {
      const text = epochs.value.trim().replaceAll(",", "").replaceAll("_", "");
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > maxEpochs) {
        epochs.setAttribute("aria-invalid", "true");
        this.say(t(`${unit}Invalid`, { max: formatCount(maxEpochs) }), "error");
        epochs.focus();
        return null;
      }
      return n;
    },
    setEpochs(n) {
      epochs.value = String(n);
    },
    speed: () => Number(speed.value),
    setSpeed(value) {
      if ([...speed.options].some((o) => Number(o.value) === value)) speed.value = String(value);
    },
    setDigits(value) {
      precision.value = String(value);
    },
    setPlaying(playing) {
      play.dataset.i18n = playing ? "controls.pause" : "controls.play";
      play.textContent = t(play.dataset.i18n);
      play.setAttribute("aria-pressed", String(playing));
      play.classList.toggle("playing", playing);
    },
    /** The iteration and its E_total; `boxesFrom`: the iteration whose forward pass the diagram's
     * boxes show (an earlier one after an update, whose E_o1 + E_o2 is not this E_total). */
    show(state, lossValue, { digits, flash, boxesFrom }) {
      setValue(iteration, formatCount(state.iteration), state.iteration, flash);
      setValue(loss, formatNumber(lossValue, digits), exact(lossValue), flash);
      lossNote.textContent = lossNoteOf(state, boxesFrom);
      unit = state.data ? "controls.epochsOfData" : "controls.epochs";
      if (epochsLabel.dataset.i18n !== unit) {
        epochsLabel.dataset.i18n = unit;
        epochsLabel.textContent = t(unit);
      }
    },
    /** Offer to bring back what `undo` ({reason, from, to}) put aside; null hides the offer. */
    showUndo(undo) {
      notice.hidden = !undo;
      if (!undo) return;
      const range = { from: formatCount(undo.from), to: formatCount(undo.to), n: formatCount(undo.to - undo.from + 1) };
      const text = t(undo.reason === "reset" ? "undo.reset" : "undo.later", range);
      if (noticeText.textContent !== text) noticeText.textContent = text;
    },
    /** Show `text` in the message bar; kind is "error", "warning" or "info"; null hides it. */
    say(text, kind = "info") {
      message.hidden = !text;
      message.textContent = text || "";
      message.dataset.kind = kind;
    },
  };
}
