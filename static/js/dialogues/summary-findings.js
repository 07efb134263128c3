// The summary page's findings (page-summary.js): each passage the anonymiser found, where it is
// and in what context, with its choices: the neutral label, keeping it (not for handles and
// pseudonyms), or the convener's own words.

import { _, currentLocale, inLocale } from "../i18n.js";
import { direction, h } from "./ui.js";

/** The anonymiser's label keys, in the page's language. */
export function labels() {
  return {
    participant: _("[a participant]"),
    organisation: _("[an organisation]"),
    side: _("[a side]"),
    term: _("[a term]"),
  };
}

/**
 * The label keys in `tag`'s language, the summary's (which may not be the page's): from that
 * locale's catalogue, loaded beforehand with `loadOtherCatalogs`.
 * @param {string} tag
 */
export function labelsIn(tag) {
  return !tag || tag === currentLocale() ? labels() : inLocale(tag, direction(tag), labels);
}

/** Findings of the same listed name and kind: one person (or affiliation, side, term). */
export const sameSource = (a, b) => a.kind === b.kind && a.source === b.source;

function kindLabel(kind) {
  const table = {
    participant: _("Name of a person on the roster"),
    affiliation: _("Affiliation on the roster"),
    side: _("Side"),
    term: _("One of your words"),
    pseudonym: _("Pseudonym"),
    handle: _("Member handle"),
  };
  return Object.hasOwn(table, kind) ? table[kind] : kind;
}

/** Where a finding is, for people: "Day 2 › Mapping the crisis › note 3 (translation)". */
function describeWhere(summary, where) {
  if (where === "dialogue.title") return _("Title of the dialogue");
  if (where === "free_text") return _("Your summary text");
  const match = /^sessions\[(\d+)\](?:\.items\[(\d+)\](?:\.notes\[(\d+)\](\.translation)?)?)?/.exec(where);
  if (!match) return where;
  const session = summary.sessions[Number(match[1])];
  const parts = [session?.title ?? ""];
  if (match[2] !== undefined) parts.push(session?.items[Number(match[2])]?.title ?? "");
  if (match[3] !== undefined) {
    parts.push(match[4]
      ? _("translation of note %(number)s", { number: Number(match[3]) + 1 })
      : _("note %(number)s", { number: Number(match[3]) + 1 }));
  } else if (match[2] !== undefined) {
    parts.push(_("title of the item"));
  } else {
    parts.push(_("title of the session"));
  }
  return parts.join(" › ");
}

/** The finding's context with the passage marked (offsets are in code points). */
function contextView(finding) {
  const context = Array.from(String(finding.context ?? ""));
  const length = Array.from(String(finding.match)).length;
  const offset = Math.max(0, Math.min(Number(finding.start) || 0, context.length - length, 24));
  const inside = context.slice(offset, offset + length).join("");
  if (inside !== finding.match) {
    return h("p", { class: "finding-context", dir: "auto" }, h("mark", { text: finding.match }));
  }
  return h("p", { class: "finding-context", dir: "auto" },
    offset ? "…" : "", context.slice(0, offset).join(""),
    h("mark", { text: inside }),
    context.slice(offset + length).join(""), "…");
}

const ALWAYS_REPLACED = new Set(["handle", "pseudonym"]);

/** A possible finding (a name part that is also a common word of the text's language). */
export const isPossible = (finding) => finding.confidence === "possible";

/**
 * The decision a finding has before the convener touches it: a possible finding is kept
 * (docs/export.md, "Confidence"); any other has none and must be decided.
 * @param {any} finding
 */
export function defaultDecision(finding) {
  return isPossible(finding) ? { id: finding.id, action: "keep" } : null;
}

/** The decisions of a fresh review, by finding id: only the possible findings have one. */
export function defaultDecisions(findings) {
  return new Map(findings.filter(isPossible).map((finding) => [finding.id, defaultDecision(finding)]));
}

/** How sure the anonymiser is, in words (not by colour alone). */
function confidenceView(finding) {
  const possible = isPossible(finding);
  return h("p", { class: `finding-confidence ${possible ? "possible" : "certain"}` },
    h("strong", { text: possible ? _("Possible match.") : _("Certain match.") }),
    possible ? " " : "",
    possible ? _("Also a common word in this language: kept as written unless you replace it.") : "");
}

/** Whether a finding's decision is complete (an own replacement must not be blank). */
export function decided(decision) {
  if (!decision) return false;
  if (decision.action === "keep") return true;
  return decision.action === "replace" && (decision.replacement === undefined || decision.replacement.trim() !== "");
}

/**
 * One finding with its three choices; `onDecide(decision, every)` hears each change (null: none
 * yet; `every`: the convener asked for the same decision on every finding of the same person).
 * The element's `take(decision)` shows a decision taken on another finding of the same person.
 * @param {any} finding from anonymiser.review
 * @param {number} index
 * @param {any} summary what was reviewed
 * @param {(decision: object | null, every: boolean) => void} onDecide
 * @param {{labels?: Record<string, string>, others?: number}} [options] the labels in the
 *   summary's language; how many other findings are of the same person
 */
export function findingView(finding, index, summary, onDecide, { labels: names = labels(), others = 0 } = {}) {
  const name = `finding-${index}`;
  const label = names[finding.label] ?? finding.label;
  const own = h("input", {
    type: "text", class: "own", id: `${name}-own`, dir: "auto", disabled: true,
    "aria-label": _("Your replacement for “%(match)s”", { match: finding.match }),
  });
  const item = h("li", { class: "finding", dataset: { findingId: finding.id, kind: finding.kind } });
  const every = others > 0
    ? h("input", { type: "checkbox", class: "every", id: `${name}-every`, onchange: () => choose() })
    : null;
  const choose = () => {
    const picked = item.querySelector(`input[name="${name}"]:checked`)?.value;
    own.disabled = picked !== "own";
    let decision = null;
    if (picked === "replace") decision = { id: finding.id, action: "replace" };
    else if (picked === "keep") decision = { id: finding.id, action: "keep" };
    else if (picked === "own") decision = { id: finding.id, action: "replace", replacement: own.value };
    item.classList.toggle("decided", decided(decision));
    onDecide(decision, Boolean(every?.checked));
  };
  /** @param {any} decision */
  const take = (decision) => {
    const value = !decision ? null
      : decision.action === "keep" ? "keep"
        : typeof decision.replacement === "string" ? "own" : "replace";
    for (const input of item.querySelectorAll(`input[name="${name}"]`)) {
      /** @type {HTMLInputElement} */ (input).checked = /** @type {HTMLInputElement} */ (input).value === value;
    }
    own.value = value === "own" ? decision.replacement : own.value;
    own.disabled = value !== "own";
    item.classList.toggle("decided", decided(decision));
  };
  Object.assign(item, { take });
  item.dataset.confidence = isPossible(finding) ? "possible" : "certain";
  const radio = (value, text, disabled = false) => h("label", { class: "check" },
    h("input", { type: "radio", name, value, disabled, onchange: () => {
      choose();
      if (value === "own") own.focus();
    } }),
    text);
  own.addEventListener("input", choose);
  item.append(
    h("p", { class: "finding-where", text: `${describeWhere(summary, finding.where)} · ${kindLabel(finding.kind)}` }),
    confidenceView(finding),
    // A match by sound across scripts: the reviewer sees the roster's own spelling.
    finding.via === "transliteration"
      ? h("p", { class: "hint finding-via", dir: "auto", text: _("Matched by sound, written in another script than “%(source)s” on the roster", { source: finding.source }) })
      : "",
    contextView(finding),
    h("fieldset", {},
      h("legend", { text: _("“%(match)s”", { match: finding.match }) }),
      // Isolated: the label is in the summary's language, which may run the other way.
      radio("replace", _("Replace with %(label)s", { label: `\u2068${label}\u2069` })),
      ALWAYS_REPLACED.has(finding.kind)
        ? h("span", { class: "hint", text: _("Member handles and pseudonyms are always replaced.") })
        : radio("keep", _("Keep as written")),
      radio("own", _("Replace with my own words:")),
      own),
    every
      ? h("label", { class: "check every-occurrence", for: every.id }, every, _("Apply to every occurrence of this person"))
      : "",
  );
  take(defaultDecision(finding));
  return item;
}
