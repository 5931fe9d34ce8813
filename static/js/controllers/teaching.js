// The lesson's controls: sub-steps through one iteration (one /api/step, unfolded in the worked
// example's order), predictions, and the history timeline. The walk lives in the page state;
// this module asks for its changes and decides what the diagram shows while one is under way.

import { change, state } from "../state/store.js";
import { earliest, latest, recall } from "../state/history.js";
import { t } from "../i18n/index.js";
import { formatCount } from "../views/format.js";
import { askedAt } from "../views/predict.js";
import { createSubstepPanel } from "../views/substeps.js";
import { redactState, redactTrace, stepsFor, withheldOf } from "../views/withheld.js";
import { rowShown, stateOfRow, traceOfRow } from "../state/row.js";

const RECALLED = 64; // iterations recalled from the server and kept for going back and forth

/** The sub-steps of `walk` (built once per set of options). */
const stepsOf = (walk) => stepsFor(walk.sent.options);

export function createTeaching({ api, enqueue, drawn, commit, stopPlaying, mayMove }) {
  const $ = (id) => document.getElementById(id);
  const next = $("substep-next");
  const back = $("substep-back");
  const asking = $("predict-toggle");
  const slider = $("history-slider");
  const sliderText = $("history-text");
  const cardsPanel = document.querySelector(".cards-panel");
  let wanted = null; // the iteration the timeline was dragged to
  const recalled = new Map();
  const network = () => state().network;

  const panel = createSubstepPanel($("substeps"), $("diagram"), {
    onAnswer: (question, choice) => change({ type: "walkAnswered", question, choice }),
  });

  // the buttons say what they do: a card on the stage makes way for the walk
  next.addEventListener("click", () => { change({ type: "cardUnstaged" }); nextSubstep(); });
  back.addEventListener("click", () => { change({ type: "cardUnstaged" }); goBack(); });
  asking.addEventListener("change", () => change({ type: "settingsChanged", settings: { asking: asking.checked } }));
  slider.addEventListener("input", () => seek(Number(slider.value)));

  /** Before the network moves on from the iteration shown: leave a walk, forget later iterations. */
  function prepareToAdvance() {
    change({ type: "walkLeft" });
    forgetLater();
  }

  /** Forget the iterations after the one shown, keeping that one as a checkpoint. */
  function forgetLater() {
    change({ type: "laterForgotten" });
    const now = network().state.iteration;
    for (const k of recalled.keys()) if (k > now) recalled.delete(k);
  }

  /** The update on screen, to be walked: the last step's, while the network shows its result and
   * no walk has been through it yet ({sent, result} as /api/step answered), else null. */
  function updateOnScreen() {
    const { state: now, forward, loss, last } = network();
    if (!last || last.diverged || last.walked || last.sent.iteration + 1 !== now.iteration) return null;
    return { sent: last.sent, result: { state: now, trace: last.trace, forward, loss } };
  }

  /** Whether `walk` goes through the update already made (not one still to make). */
  const madeAlready = (walk) => walk.sent.iteration !== network().state.iteration;

  function currentQuestion() {
    const { walk, settings } = state();
    if (!walk || !settings.asking) return null;
    const question = askedAt(stepsOf(walk)[walk.index].id);
    return question && !(question in walk.answers) ? question : null;
  }

  /** → : the next sub-step. After a Step, the walk goes through the update just made (the
   * numbers on screen); else the server is asked for the next iteration first. */
  function nextSubstep() {
    const { walk } = state();
    const last = walk && !currentQuestion() && walk.index >= stepsOf(walk).length - 1;
    if (!mayMove({ leaves: Boolean(last) })) return;
    stopPlaying();
    enqueue(async () => {
      const { walk } = state();
      const shown = walk ? null : updateOnScreen();
      if (shown) {
        change({ type: "walkStarted", ...shown });
      } else if (!walk) {
        // later iterations are forgotten only once this one is done (finish, commit)
        const sent = network().state;
        const result = await api.step(sent);
        if (result.diverged) {
          forgetLater();
          return commit(sent, result);
        }
        change({ type: "walkStarted", sent, result });
      } else {
        const question = currentQuestion();
        if (question) change({ type: "walkAnswered", question, choice: null }); // shown without an answer
        else if (walk.index < stepsOf(walk).length - 1) change({ type: "walkMoved", index: walk.index + 1 });
        else return finish();
      }
      await drawn();
    });
  }

  /** Walk the next iteration up to sub-step `id` (a practice page's link to the step that
   * explains a mistake); an id this walk lacks starts at its first sub-step. */
  function walkTo(id) {
    stopPlaying();
    enqueue(async () => {
      if (state().walk) change({ type: "walkLeft" });
      const sent = network().state;
      const result = await api.step(sent);
      if (result.diverged) return;
      change({ type: "walkStarted", sent, result });
      const index = stepsOf(state().walk).findIndex((step) => step.id === id);
      if (index > 0) change({ type: "walkMoved", index });
      await drawn();
    });
  }

  async function finish() {
    const { walk } = state();
    if (madeAlready(walk)) {
      change({ type: "walkFinished" }); // its result is on screen already
      return;
    }
    change({ type: "walkLeft" });
    forgetLater();
    await commit(walk.sent, walk.result, { walked: true });
  }

  /** Shift+→ or Step: the rest of the iteration at once (a walk needs no second request); during
   * a walk through the update already made, the next iteration. */
  function fullStep(advance) {
    if (!mayMove()) return;
    stopPlaying();
    enqueue(() => (state().walk && !madeAlready(state().walk) ? finish() : advance()));
  }

  /** ← : one sub-step back; outside a walk, one iteration back. */
  function goBack() {
    if (!mayMove({ leaves: !state().walk })) return;
    stopPlaying();
    if (state().walk) {
      enqueue(async () => {
        const { walk } = state();
        if (!walk) return;
        change({ type: "walkMoved", index: walk.index - 1 });
        await drawn();
      });
      return;
    }
    const k = network().state.iteration;
    if (k > earliest(state().history)) seek(k - 1);
  }

  /** Show iteration `k` of the history; drags are coalesced to the latest position. */
  function seek(k) {
    if (!mayMove()) {
      slider.value = String(network().state.iteration); // the slider stays where the page is
      return;
    }
    stopPlaying();
    const already = wanted !== null;
    wanted = k;
    if (already) return;
    enqueue(async () => {
      while (wanted !== null) {
        const target = wanted;
        if (target === network().state.iteration && !state().walk) {
          wanted = null;
          break;
        }
        let view = recalled.get(target);
        if (!view) {
          view = await recall(state().history, target, api);
          recalled.set(target, view);
          if (recalled.size > RECALLED) recalled.delete(recalled.keys().next().value);
        }
        change({ type: "shown", view });
        if (wanted === target) wanted = null;
        await drawn();
      }
    }).finally(() => {
      wanted = null;
    });
  }

  /** What the diagram shows during the walk of `page` (null outside one). */
  function view(page) {
    const { walk } = page;
    if (!walk) return null;
    const step = stepsOf(walk)[walk.index];
    return {
      state: step.showsAfter ? walk.result.state : walk.sent,
      forward: walk.result.trace.forward,
      last: { sent: walk.sent, trace: walk.result.trace, diverged: null },
    };
  }

  /** Draw the lesson's parts for `page`: the sub-step panel, the timeline, the buttons. */
  function show(page, { digits }) {
    const { walk, settings, history, onStage } = page;
    document.body.classList.toggle("walking", Boolean(walk));
    // a card opened during a walk takes the sub-step's place until it leaves the stage
    cardsPanel.hidden = Boolean(walk) && !onStage;
    if (walk) {
      const { result, index, answers } = walk;
      const withheld = withheldOf(page).get(walk.sent.iteration + 1) ?? new Set();
      // with rows of data, the walk goes through the row the stage shows
      const row = rowShown({ state: walk.sent, last: { sent: walk.sent, trace: result.trace } }, settings);
      const sent = stateOfRow(walk.sent, row);
      panel.show({
        steps: stepsOf(walk), index, sent, result, trace: redactTrace(traceOfRow(result.trace, row), withheld),
        after: redactState(result.state, withheld), loss: withheld.has("after") ? null : result.loss,
        answers, asking: settings.asking, withheld,
      }, { digits });
      if (onStage) $("substeps").hidden = true;
    } else {
      panel.hide();
    }
    asking.checked = settings.asking;
    const k = page.network.state.iteration;
    const [first, last] = [earliest(history), latest(history)];
    slider.min = String(first);
    slider.max = String(Math.max(last, first));
    slider.value = String(k);
    slider.disabled = last <= first;
    const [shown, done] = [formatCount(k), formatCount(last)];
    slider.setAttribute("aria-valuetext", t("history.position", { k: shown, n: done }));
    sliderText.textContent = `${shown} / ${done}`;
    back.disabled = !walk && k <= first;
    next.setAttribute("aria-describedby", "substeps");
  }

  return {
    view,
    show,
    nextSubstep,
    walkTo,
    fullStep,
    goBack,
    seek,
    prepareToAdvance,
    cancel() {
      recalled.clear();
    },
  };
}
